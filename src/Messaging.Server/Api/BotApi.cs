using System.Text.Json;
using Messaging.Bot.Activities;
using Messaging.Bot.Engine;
using Messaging.Core.Conversations;
using Messaging.Core.Identity;
using Messaging.Core.Persistence;
using Messaging.Server.Security;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Server.Api;

public sealed record StartConversationBody(string? Locale);

/// <summary>A conversation the web chat starts: its id and the credential every later turn and read must present.</summary>
public sealed record StartedConversation(string ConversationId, string Token);

/// <summary>
/// The Bot Framework Activity protocol: POST /api/messages takes an activity; with deliveryMode "expectReplies" the
/// answer holds every reply of the turn, otherwise 202 and the replies wait in the conversation for polling with a
/// watermark, as Direct Line does.
///
/// Identity is the server's word. A conversation started with POST /api/conversations (the web chat) belongs to the
/// holder of the token returned then; any other conversation id a plain Activity client invents is an anonymous
/// conversation that is its own identity (its from.id is a claim and is ignored). The real channels' id spaces
/// (Zalo, Direct Line) are refused here, and a transcript is read only with its conversation's token.
/// </summary>
public static class BotApi
{
    /// <summary>A whole activity, JSON included: far above any message a person types, far below a flood.</summary>
    public const int MaxActivityBytes = 32 * 1024;

    public static void MapBotApi(this IEndpointRouteBuilder app, IConfiguration configuration)
    {
        if (configuration.GetValue<bool>("Diagnostics:BareEndpoint"))
        {
            // For the benchmark only (off by default): the same pipeline and JSON, no engine, one fixed reply.
            var fixedReply = new ExpectedReplies([new Activity { Type = ActivityTypes.Message, Text = "Xin chào", Id = "fixed" }]);
            app.MapPost("/diagnostics/bare", async (HttpRequest request, CancellationToken ct) =>
            {
                await JsonSerializer.DeserializeAsync<Activity>(request.Body, ActivityJson.Options, ct);
                return Results.Json(fixedReply, ActivityJson.Options);
            });
        }
        app.MapPost("/api/conversations", StartAsync).RequireRateLimiting(Edge.ConversationsPolicy);
        app.MapPost("/api/messages", PostActivityAsync).RequireRateLimiting(Edge.TurnsPolicy);
        app.MapGet("/api/conversations/{id}/activities", GetActivitiesAsync).RequireRateLimiting(Edge.PollingPolicy);
        app.MapGet("/api/admin/conversations/{id}/transcript", TranscriptAsync).RequireAuthorization(Roles.StaffPolicy);
    }

    /// <summary>Creates a conversation with a server-chosen id and a credential only its holder knows; only the hash is kept.</summary>
    private static async Task<IResult> StartAsync(HttpRequest request, MessagingDbContext db, TimeProvider time, CancellationToken ct)
    {
        StartConversationBody? body = null;
        var bytes = await BoundedBody.ReadAsync(request, 1024, ct);
        if (bytes is null) return TooLarge(1024);
        if (bytes.Length > 0)
        {
            try
            {
                body = JsonSerializer.Deserialize<StartConversationBody>(bytes, ActivityJson.Options);
            }
            catch (JsonException)
            {
                return Results.Problem("The body is not valid JSON.", statusCode: 400, title: "Malformed request");
            }
        }
        var now = time.GetUtcNow();
        var id = "wc-" + Fingerprint.NewSecret(18);
        var token = Fingerprint.NewSecret();
        db.Conversations.Add(new ConversationRecord
        {
            Id = id, ChannelId = "webchat", UserId = id, Locale = body?.Locale?.StartsWith("en", StringComparison.OrdinalIgnoreCase) == true ? "en" : "vi",
            StateJson = "{}", Version = 1, CreatedAt = now, UpdatedAt = now, CredentialHash = Fingerprint.HashSecret(token), RecentTurns = "",
        });
        await db.SaveChangesAsync(ct);
        return Results.Json(new StartedConversation(id, token), ActivityJson.Options, statusCode: 201);
    }

    private static async Task<IResult> PostActivityAsync(HttpContext http, ConversationEngine engine,
        Messaging.Core.Language.LanguageModelProvider language, CancellationToken ct)
    {
        var bytes = await BoundedBody.ReadAsync(http.Request, MaxActivityBytes, ct);
        if (bytes is null) return TooLarge(MaxActivityBytes);
        Activity? activity;
        try
        {
            activity = JsonSerializer.Deserialize<Activity>(bytes, ActivityJson.Options);
        }
        catch (JsonException e)
        {
            return Results.Problem($"The body is not a valid activity: {e.Message}", statusCode: 400, title: "Malformed activity");
        }
        if (activity is null) return Results.Problem("The body is empty.", statusCode: 400, title: "Malformed activity");
        if (ActivityRules.Problem(activity) is { } problem) return Results.Problem(problem, statusCode: 400, title: "Malformed activity");
        var conversationId = activity.Conversation!.Id;
        var channel = (activity.ChannelId ?? "webchat").ToLowerInvariant();
        if (ActivityRules.ReservedChannels.Contains(channel))
            return Results.Problem($"The channel '{channel}' speaks through its own adapter, not through /api/messages.", statusCode: 403, title: "Forbidden");
        var bearer = Bearer(http.Request);
        if (ActivityRules.ForeignPrefixes.Any(p => conversationId.StartsWith(p, StringComparison.Ordinal)))
            return Results.Problem("This conversation belongs to another channel (Zalo or Direct Line).", statusCode: 403, title: "Forbidden");
        if (conversationId.StartsWith(ActivityRules.WebChatPrefix, StringComparison.Ordinal) && bearer is null)
            return Unauthorized();
        if (activity.Type != ActivityTypes.Message) return Results.Accepted();
        // The same limit as /model/parse: one setting, Language:MaxTextLength.
        var max = language.Options.MaxTextLength;
        if ((activity.TextOrValue?.Length ?? 0) > max)
            return Results.Problem($"A message has at most {max} characters.", statusCode: 413, title: "Message too long");

        // A conversation with a token is the web chat's own, whatever channel the client names; any other is an anonymous
        // conversation in an identity space of its own, so a channel name cannot reach another channel's identities.
        var identity = new TurnIdentity(bearer is null ? ActivityRules.AnonymousChannel : "webchat", conversationId, IdentityKind.Conversation,
            ClientKeys.Of(http), bearer);
        TurnResult turn;
        try
        {
            turn = await engine.RunAsync(ActivityRules.Sanitized(activity, channel), identity, ct);
        }
        catch (TurnRefusedException e)
        {
            return e.Unauthenticated ? Unauthorized() : Results.Problem(e.Message, statusCode: 403, title: "Forbidden");
        }
        // The replies were serialized once for the transcript; the answer reuses that text.
        return activity.DeliveryMode == DeliveryModes.ExpectReplies
            ? Results.Text("{\"activities\":[" + string.Join(',', turn.ReplyJson) + "]}", "application/json; charset=utf-8")
            : Results.Accepted();
    }

    /// <summary>
    /// Activities after the watermark (both directions, as Direct Line returns them) and the new watermark, for the
    /// holder of the conversation's token only. An unknown id, a conversation without a token and a wrong token get
    /// the same answer.
    /// </summary>
    private static async Task<IResult> GetActivitiesAsync(string id, long? watermark, HttpRequest request, MessagingDbContext db,
        TimeProvider time, Microsoft.Extensions.Options.IOptions<BotOptions> options, CancellationToken ct)
    {
        if (!ActivityRules.IsValidId(id) || DirectLine.DirectLineTokens.IsDirectLineConversation(id)) return Results.NotFound();
        if (watermark is < 0) return Results.Problem("watermark must not be negative.", statusCode: 400);
        var bearer = Bearer(request);
        var row = bearer is null ? null : await db.Conversations.AsNoTracking().Where(c => c.Id == id)
            .Select(c => new { c.CredentialHash, c.UpdatedAt }).FirstOrDefaultAsync(ct);
        if (!Fingerprint.MatchesSecret(bearer, row?.CredentialHash) || time.GetUtcNow() - row!.UpdatedAt > options.Value.WebChatIdleExpiry)
            return Unauthorized();
        return Results.Text((await DirectLine.ConversationFeed.ReadAsync(db, id, watermark ?? 0, ct)).Json, "application/json; charset=utf-8");
    }

    /// <summary>
    /// Every turn in and out, phone and ID numbers masked in what the citizen typed: for admins, and for an officer only
    /// when the conversation concerns their offices (a request for an officer there, or a booking made from it there).
    /// </summary>
    private static async Task<IResult> TranscriptAsync(string id, System.Security.Claims.ClaimsPrincipal user, MessagingDbContext db, CancellationToken ct)
    {
        if (!StaffAuthentication.IsAdmin(user))
        {
            var offices = StaffAuthentication.OfficesOf(user);
            var owner = await db.Conversations.AsNoTracking().Where(c => c.Id == id).Select(c => new { c.ChannelId, c.UserId }).FirstOrDefaultAsync(ct);
            var concerns = await db.HandoffRequests.AnyAsync(h => h.ConversationId == id && h.OfficeId != null && offices.Contains(h.OfficeId), ct)
                || (owner is not null && await db.Bookings.AnyAsync(b => b.Channel == owner.ChannelId && b.ChannelUserId == owner.UserId && offices.Contains(b.OfficeId), ct));
            if (!concerns) return Results.NotFound();
        }
        var rows = await db.ConversationActivities.AsNoTracking()
            .Where(a => a.ConversationId == id).OrderBy(a => a.Sequence)
            .Select(a => new { a.Sequence, a.Direction, a.At, a.Text }).ToListAsync(ct);
        return rows.Count == 0 ? Results.NotFound() : Results.Ok(rows);
    }

    private static string? Bearer(HttpRequest request) =>
        request.Headers.Authorization.FirstOrDefault() is { } h && h.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? h[7..].Trim() : null;

    private static IResult Unauthorized() => Results.Problem(
        "This conversation is read and written with its token: start one with POST /api/conversations and send Authorization: Bearer <token>.",
        statusCode: 401, title: "Conversation token required");

    private static IResult TooLarge(int max) =>
        Results.Problem($"The request body is larger than {max} bytes.", statusCode: 413, title: "Request too large");
}

/// <summary>Reads a request body only up to a limit, so an oversized one costs at most the limit in memory.</summary>
public static class BoundedBody
{
    /// <returns>The body, or null when it is longer than <paramref name="max"/> bytes.</returns>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int max, CancellationToken ct)
    {
        if (request.ContentLength > max) return null;
        if (request.ContentLength is { } declared)
        {
            // The usual case: read straight into an array of the declared size (the server never reads past it).
            var body = new byte[declared];
            var filled = await request.Body.ReadAtLeastAsync(body, body.Length, throwOnEndOfStream: false, ct);
            return filled == body.Length ? body : body[..filled];
        }
        using var buffer = new MemoryStream();
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > max) return null;
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }
}
