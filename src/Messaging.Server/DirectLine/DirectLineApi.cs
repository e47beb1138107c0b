using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Messaging.Bot.Activities;
using Messaging.Bot.Engine;
using Messaging.Core.Conversations;
using Messaging.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Messaging.Server.DirectLine;

/// <summary>
/// Direct Line 3.0 as the official clients (botframework-directlinejs, Bot Framework Web Chat) speak it: tokens from
/// a site secret, conversations, activities in and out with watermarks, and the WebSocket stream. Statuses and error
/// bodies follow the published protocol: 401 without credentials, 403 for an expired or revoked credential or another
/// conversation, 404 for an unknown one, and <c>{"error":{"code","message"}}</c>.
/// </summary>
public static class DirectLineApi
{
    public const string CorsPolicy = "directline";
    private const string Channel = "directline";

    public static IServiceCollection AddDirectLine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DirectLineOptions>().BindConfiguration(DirectLineOptions.Section);
        services.AddSingleton<DirectLineTokens>();
        services.AddSingleton<DirectLineLimits>();
        var origins = configuration.GetSection(DirectLineOptions.Section).Get<DirectLineOptions>()?.AllowedOrigins ?? [];
        // x-ms-bot-agent and Authorization make every browser call a preflighted one.
        services.AddCors(o => o.AddPolicy(CorsPolicy, p => p.WithOrigins([.. origins]).AllowAnyHeader().WithMethods("GET", "POST")));
        return services;
    }

    public static void MapDirectLine(this WebApplication app)
    {
        var api = app.MapGroup("/v3/directline").RequireCors(CorsPolicy);
        api.MapPost("/tokens/generate", GenerateAsync).RequireRateLimiting(Security.Edge.ConversationsPolicy);
        api.MapPost("/tokens/refresh", Refresh).RequireRateLimiting(Security.Edge.ConversationsPolicy);
        api.MapPost("/conversations", StartAsync).RequireRateLimiting(Security.Edge.ConversationsPolicy);
        api.MapGet("/conversations/{id}", Reconnect).RequireRateLimiting(Security.Edge.ConversationsPolicy);
        api.MapPost("/conversations/{id}/activities", PostActivityAsync).RequireRateLimiting(Security.Edge.TurnsPolicy);
        api.MapGet("/conversations/{id}/activities", GetActivitiesAsync).RequireRateLimiting(Security.Edge.PollingPolicy);
        api.Map("/conversations/{id}/stream", StreamAsync).RequireRateLimiting(Security.Edge.ConversationsPolicy);
    }

    private sealed record TokenRequest(ChannelAccount? User);

    private static async Task<IResult> GenerateAsync(HttpRequest request, DirectLineTokens tokens, DirectLineLimits limits, CancellationToken ct)
    {
        var (caller, refusal) = tokens.Authenticate(Bearer(request));
        if (caller is null) return Refused(refusal);
        if (caller.Grant is not null) return Error(403, "BadArgument", "Tokens are generated with a site secret, not with another token.");
        if (!limits.TryOpen(caller.SecretName)) return Error(429, "TooManyRequests", "This site has started too many conversations this minute.");
        TokenRequest? body = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                body = await JsonSerializer.DeserializeAsync<TokenRequest>(request.Body, ActivityJson.Options, ct);
            }
            catch (JsonException)
            {
                return Error(400, "BadArgument", "The body is not valid JSON.");
            }
        }
        var conversation = DirectLineTokens.NewConversationId();
        return Results.Json(Body(tokens, conversation, tokens.Issue(conversation, body?.User?.Id, caller.SecretName), stream: null));
    }

    private static IResult Refresh(HttpRequest request, DirectLineTokens tokens)
    {
        var (caller, refusal) = tokens.Authenticate(Bearer(request));
        if (caller is null) return Refused(refusal);
        if (caller.Grant is not { } grant) return Error(403, "BadArgument", "Only a token can be refreshed.");
        return Results.Json(Body(tokens, grant.ConversationId, tokens.Issue(grant.ConversationId, grant.UserId, grant.SecretName), stream: null));
    }

    private static async Task<IResult> StartAsync(HttpContext http, DirectLineTokens tokens, DirectLineLimits limits, ConversationStore store, CancellationToken ct)
    {
        var (caller, refusal) = tokens.Authenticate(Bearer(http.Request));
        if (caller is null) return Refused(refusal);
        if (caller.Grant is null && !limits.TryOpen(caller.SecretName))
            return Error(429, "TooManyRequests", "This site has started too many conversations this minute.");
        var id = caller.Grant?.ConversationId ?? DirectLineTokens.NewConversationId();
        var token = caller.Grant is { } g ? tokens.Issue(id, g.UserId, g.SecretName) : tokens.Issue(id, null, caller.SecretName);
        // A token's conversation that has already begun is resumed (200); a new one is created (201).
        var started = caller.Grant is not null && await store.LoadAsync(id, ct) is not null;
        var body = Body(tokens, id, token, StreamUrl(http.Request, id, token));
        return started ? Results.Json(body) : Results.Json(body, statusCode: 201);
    }

    private static IResult Reconnect(string id, HttpContext http, DirectLineTokens tokens)
    {
        var (caller, refused) = Authorize(Bearer(http.Request), tokens, id);
        if (caller is null) return refused!;
        var token = tokens.Issue(id, caller.Grant?.UserId, caller.SecretName);
        return Results.Json(Body(tokens, id, token, StreamUrl(http.Request, id, token)));
    }

    private static async Task<IResult> PostActivityAsync(string id, HttpContext http, DirectLineTokens tokens, ConversationEngine engine,
        Messaging.Core.Language.LanguageModelProvider language, TimeProvider time, IOptionsMonitor<DirectLineOptions> options, CancellationToken ct)
    {
        var request = http.Request;
        var (caller, refused) = Authorize(Bearer(request), tokens, id);
        if (caller is null) return refused!;
        var bytes = await Api.BoundedBody.ReadAsync(request, Api.BotApi.MaxActivityBytes, ct);
        if (bytes is null) return Error(413, "MessageSizeTooBig", $"An activity has at most {Api.BotApi.MaxActivityBytes} bytes.");
        Activity? activity;
        try
        {
            activity = JsonSerializer.Deserialize<Activity>(bytes, ActivityJson.Options);
        }
        catch (JsonException e)
        {
            return Error(400, "BadArgument", $"The body is not a valid activity: {e.Message}");
        }
        if (activity is null) return Error(400, "MissingProperty", "The body is empty.");
        if (ActivityRules.Problem(activity with { Conversation = new ConversationAccount(id), From = null, ChannelId = null }) is { } problem)
            return Error(400, "BadArgument", problem);
        var claimed = caller.Grant?.UserId ?? activity.From?.Id;
        if (!ActivityRules.IsValidId(claimed)) return Error(400, "MissingProperty", $"from.id is required (at most {ActivityRules.MaxIdLength} letters, digits or . _ - : @ | + =).");
        if ((activity.TextOrValue?.Length ?? 0) > language.Options.MaxTextLength)
            return Error(400, "MessageSizeTooBig", $"A message has at most {language.Options.MaxTextLength} characters.");

        var activityId = $"{id}|{Guid.NewGuid():N}";
        // Only messages make a turn; typing and events are acknowledged, as the bot has nothing to say to them.
        if (activity.Type != ActivityTypes.Message) return Results.Json(new { id = activityId });
        // A user the site's server named (in the token, or calling with its secret) is that site's user, when the site
        // says it signs its users in; otherwise the conversation is the identity, whatever from.id the browser sends.
        // Caps count against the caller's address either way: a site's random user ids must not reset them.
        var authenticates = options.CurrentValue.Secrets.FirstOrDefault(s => s.Name == caller.SecretName)?.AuthenticatesUsers == true;
        var vouched = authenticates && (caller.Grant is null || caller.Grant.UserId is not null);
        var identity = vouched
            ? new TurnIdentity(Channel, caller.SecretName + "/" + claimed, IdentityKind.ChannelUser, Security.ClientKeys.Of(http))
            : new TurnIdentity(Channel, id, IdentityKind.Conversation, Security.ClientKeys.Of(http));
        var sanitized = ActivityRules.Sanitized(activity with { Conversation = new ConversationAccount(id) }, Channel);
        try
        {
            await engine.RunAsync(sanitized with
            {
                Id = activityId,
                From = new ChannelAccount(claimed!, sanitized.From?.Name, "user"),
                Timestamp = time.GetUtcNow(),
                DeliveryMode = null,
            }, identity, ct);
        }
        catch (TurnRefusedException)
        {
            return Error(403, "BadArgument", "The conversation belongs to another user.");
        }
        return Results.Json(new { id = activityId });
    }

    private static async Task<IResult> GetActivitiesAsync(string id, string? watermark, HttpRequest request, DirectLineTokens tokens,
        MessagingDbContext db, CancellationToken ct)
    {
        if (Authorize(Bearer(request), tokens, id).Refused is { } refused) return refused;
        var (json, _) = await ConversationFeed.ReadAsync(db, id, ConversationFeed.ParseWatermark(watermark), ct);
        return Results.Text(json, "application/json; charset=utf-8");
    }

    /// <summary>
    /// The stream: every activity after the watermark as {"activities":[…],"watermark":"N"}, then new ones as they are
    /// written (at once for this node's writes, within a second for others'). What the client sends is only its
    /// keep-alive and is read to notice that it went away.
    /// </summary>
    private static async Task StreamAsync(string id, HttpContext http, DirectLineTokens tokens, IServiceScopeFactory scopes,
        ConversationSignals signals, IOptionsMonitor<DirectLineOptions> options, DirectLineLimits limits)
    {
        // Browsers cannot set headers on a WebSocket: the token rides in the stream URL's t parameter.
        var credential = http.Request.Query["t"].FirstOrDefault() ?? Bearer(http.Request);
        var (caller, refused) = Authorize(credential, tokens, id);
        refused ??= !http.WebSockets.IsWebSocketRequest ? Error(400, "BadArgument", "The stream is a WebSocket.")
            : !OriginAllowed(http, options.CurrentValue) ? Error(403, "BadArgument", "This site may not open the stream.")
            : !limits.TryOpen(caller!.SecretName) ? Error(429, "TooManyRequests", "This site has opened too many streams this minute.")
            : null;
        using var slot = refused is null ? limits.TryHoldStream(id) : null;
        if (refused is null && slot is null) refused = Error(429, "TooManyRequests", "This conversation already has its streams open.");
        if (refused is not null)
        {
            await refused.ExecuteAsync(http);
            return;
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var reader = DrainAsync(socket, closed);
        var after = ConversationFeed.ParseWatermark(http.Request.Query["watermark"].FirstOrDefault());
        try
        {
            while (!closed.IsCancellationRequested && socket.State == WebSocketState.Open)
            {
                // A stream lives no longer than its credential: an expired token or a revoked secret closes it.
                if (tokens.Authenticate(credential).Caller is null)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "credential expired or revoked", CancellationToken.None);
                    break;
                }
                await using (var scope = scopes.CreateAsyncScope())
                {
                    var (json, next) = await ConversationFeed.ReadAsync(scope.ServiceProvider.GetRequiredService<MessagingDbContext>(), id, after, closed.Token);
                    if (next > after)
                    {
                        await socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, closed.Token);
                        after = next;
                        continue;
                    }
                }
                await signals.WaitAsync(id, TimeSpan.FromSeconds(1), closed.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
        await closed.CancelAsync();
        await reader.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private static async Task DrainAsync(WebSocket socket, CancellationTokenSource closed)
    {
        var buffer = new byte[1024];
        try
        {
            while (socket.State == WebSocketState.Open)
                if ((await socket.ReceiveAsync(buffer, closed.Token)).MessageType == WebSocketMessageType.Close) break;
        }
        finally
        {
            await closed.CancelAsync();
        }
    }

    /// <summary>CORS does not cover WebSockets: the browser's Origin is checked here against the same list.</summary>
    private static bool OriginAllowed(HttpContext http, DirectLineOptions options)
    {
        var origin = http.Request.Headers.Origin.FirstOrDefault();
        if (origin is null || Uri.TryCreate(origin, UriKind.Absolute, out var o) && o.Authority == http.Request.Host.Value) return true;
        return options.AllowedOrigins.Contains(origin.TrimEnd('/'), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The caller of one conversation's endpoints, or why it is refused; the credential is checked once.</summary>
    private static (DirectLineCaller? Caller, IResult? Refused) Authorize(string? bearer, DirectLineTokens tokens, string id)
    {
        var (caller, refusal) = tokens.Authenticate(bearer);
        if (caller is null) return (null, Refused(refusal));
        // A site secret may act on any Direct Line conversation (it is a server's credential), never on the citizens'
        // Zalo or own-page conversations; a token only on its own.
        if (!DirectLineTokens.IsDirectLineConversation(id)) return (null, Error(404, "BadArgument", "No such conversation."));
        return caller.Grant is { } g && g.ConversationId != id
            ? (null, Error(403, "BadArgument", "The token is for another conversation."))
            : (caller, null);
    }

    private static string? Bearer(HttpRequest request) =>
        request.Headers.Authorization.FirstOrDefault() is { } h && h.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? h[7..].Trim() : null;

    private static IResult Refused(DirectLineRefusal refusal) => refusal switch
    {
        DirectLineRefusal.Expired => Error(403, "TokenExpired", "The token has expired."),
        DirectLineRefusal.Revoked => Error(403, "BadArgument", "The secret has been revoked."),
        DirectLineRefusal.Missing => Error(401, "BadArgument", "An Authorization: Bearer header with a secret or token is required."),
        _ => Error(401, "BadArgument", "The secret or token is not valid."),
    };

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new { error = new { code, message } }, statusCode: status);

    private static object Body(DirectLineTokens tokens, string id, string token, string? stream) => stream is null
        ? new { conversationId = id, token, expires_in = (int)tokens.Lifetime.TotalSeconds }
        : new { conversationId = id, token, expires_in = (int)tokens.Lifetime.TotalSeconds, streamUrl = stream };

    private static string StreamUrl(HttpRequest request, string id, string token) =>
        $"{(request.IsHttps ? "wss" : "ws")}://{request.Host}{request.PathBase}/v3/directline/conversations/{Uri.EscapeDataString(id)}/stream?watermark=-&t={Uri.EscapeDataString(token)}";
}

/// <summary>A conversation's activities after a watermark, both directions, as the stored JSON, and the new watermark.</summary>
public static class ConversationFeed
{
    public static long ParseWatermark(string? watermark) =>
        long.TryParse(watermark, NumberStyles.None, CultureInfo.InvariantCulture, out var w) ? w : 0;

    public static async Task<(string Json, long Watermark)> ReadAsync(MessagingDbContext db, string id, long after, CancellationToken ct)
    {
        var rows = await db.ConversationActivities.AsNoTracking()
            .Where(a => a.ConversationId == id && a.Sequence > after)
            .OrderBy(a => a.Sequence).Take(100).Select(a => new { a.Sequence, a.Json }).ToListAsync(ct);
        var next = rows.Count > 0 ? rows[^1].Sequence : after;
        var json = "{\"activities\":[" + string.Join(',', rows.Select(r => r.Json)) + "],\"watermark\":\"" +
                   next.ToString(CultureInfo.InvariantCulture) + "\"}";
        return (json, next);
    }
}
