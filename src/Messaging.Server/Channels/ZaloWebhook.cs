using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Notifier.Channels.Zalo;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Messaging.Server.Channels;

/// <summary>Wakes the inbound processor as soon as a webhook event is stored; it also polls, for events left by a crash.</summary>
public sealed class InboundSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try { _signal.Release(); } catch (SemaphoreFullException) { } // already signalled
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}

/// <summary>
/// POST /webhooks/zalo: checks the event's signature and age, stores it once (a redelivery has the same key and is
/// acknowledged without being stored again), and answers 200 at once; <see cref="InboundProcessor"/> does the work.
/// Zalo wants its answer within two seconds and redelivers otherwise.
/// </summary>
public static class ZaloWebhook
{
    private const int MaxBody = 256 * 1024;
    private static readonly TimeSpan FutureSkew = TimeSpan.FromMinutes(5);

    public static void MapZaloWebhook(this IEndpointRouteBuilder app) =>
        app.MapPost("/webhooks/zalo", ReceiveAsync).RequireRateLimiting(ServerSetup.WebhookPolicy);

    private static async Task<IResult> ReceiveAsync(HttpRequest request, IOptions<ZaloOptions> options, MessagingDbContext db,
        InboundSignal signal, TimeProvider time, ILoggerFactory logs, CancellationToken ct)
    {
        var o = options.Value;
        var log = logs.CreateLogger(typeof(ZaloWebhook));
        if (!o.WebhookConfigured) return Results.Problem("Zalo is not configured on this server.", statusCode: 404);
        var body = await ReadAsync(request, ct);
        if (body is null) return Results.Problem($"An event has at most {MaxBody} bytes.", statusCode: 413);

        string? appId, timestamp, eventName;
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(body);
            root = doc.RootElement.Clone();
            if (root.ValueKind != JsonValueKind.Object) throw new JsonException("not an object");
            appId = Text(root, "app_id");
            timestamp = Text(root, "timestamp");
            eventName = Text(root, "event_name");
        }
        catch (JsonException e)
        {
            return Results.Problem("The body is not a JSON event: " + e.Message, statusCode: 400, title: "Malformed event");
        }

        if (appId is null || timestamp is null
            || !ZaloSignature.Verify(appId, body, timestamp, o.OaSecretKey!, request.Headers[ZaloSignature.Header]))
        {
            log.ZaloSignatureRefused();
            return Unauthorized("The signature does not match.");
        }
        if (appId != o.AppId) return Unauthorized("The event is for another app.");
        var now = time.GetUtcNow();
        if (!long.TryParse(timestamp, out var ms) || DateTimeOffset.FromUnixTimeMilliseconds(ms) is var at
            && (now - at > o.MaxEventAge || at - now > FutureSkew))
        {
            log.ZaloStaleEventRefused();
            return Unauthorized("The event is too old, or from the future.");
        }

        var key = EventKey(root, eventName ?? "", timestamp);
        // Redeliveries are common (Zalo retries whenever an answer is slow): recognised here, and by the unique index in a race.
        if (await db.InboundEvents.AnyAsync(e => e.Channel == "zalo" && e.EventKey == key, ct)) return Results.Ok(new { status = "duplicate" });
        db.InboundEvents.Add(new InboundEvent
        {
            Channel = "zalo", EventKey = key, EventName = eventName ?? "",
            Body = Encoding.UTF8.GetString(body), ReceivedAt = now,
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (RawSql.IsUniqueViolation(e))
        {
            return Results.Ok(new { status = "duplicate" });
        }
        signal.Notify();
        return Results.Ok(new { status = "accepted" });
    }

    private static IResult Unauthorized(string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Event refused");

    /// <summary>
    /// What makes a redelivery recognisable: the message id where the event has one (with the event name, since a
    /// receipt carries the id of the message it confirms), otherwise the event, its time and its user.
    /// </summary>
    public static string EventKey(JsonElement root, string eventName, string timestamp)
    {
        string key;
        if (root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object
            && Text(message, "msg_id") is { } id)
        {
            key = $"{eventName}:{id}";
        }
        else if (root.TryGetProperty("message", out message) && message.ValueKind == JsonValueKind.Object
            && message.TryGetProperty("msg_ids", out var ids) && ids.ValueKind == JsonValueKind.Array)
        {
            key = $"{eventName}:{string.Join(',', ids.EnumerateArray().Select(i => i.ToString()))}";
        }
        else
        {
            key = $"{eventName}:{timestamp}:{UserOf(root)}";
        }
        return key.Length <= 200 ? key : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>The user an event is about: the sender, the follower, or the top-level user id, depending on the event.</summary>
    public static string? UserOf(JsonElement root) =>
        Id(root, "sender") ?? Id(root, "follower") ?? Text(root, "user_id");

    public static string? Id(JsonElement root, string property) =>
        root.TryGetProperty(property, out var p) && p.ValueKind == JsonValueKind.Object ? Text(p, "id") : null;

    /// <summary>Ids are numeric strings longer than 53 bits: read as text, whatever JSON type they arrive in.</summary>
    public static string? Text(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;

    private static async Task<byte[]?> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > MaxBody) return null;
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }
}
