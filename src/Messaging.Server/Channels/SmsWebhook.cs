using Messaging.Core.Notifications;
using System.Security.Cryptography;
using System.Text;
using Messaging.Notifier.Channels;
using Messaging.Notifier.Channels.Sms;
using Microsoft.Extensions.Options;

namespace Messaging.Server.Channels;

/// <summary>
/// GET /webhooks/sms/esms: the gateway's delivery report (it calls with query parameters and retries on timeout).
/// The gateway signs nothing, so the URL it was given carries a shared token, checked in constant time.
/// </summary>
public static class SmsWebhook
{
    public static void MapSmsWebhook(this IEndpointRouteBuilder app) =>
        app.MapGet("/webhooks/sms/esms", ReportAsync).RequireRateLimiting(ServerSetup.WebhookPolicy);

    private static async Task<IResult> ReportAsync(HttpRequest request, IOptions<SmsOptions> options, DeliveryReceipts receipts,
        TimeProvider time, CancellationToken ct)
    {
        var expected = options.Value.CallbackToken;
        if (string.IsNullOrEmpty(expected)) return Results.Problem("SMS delivery reports are not configured.", statusCode: 404);
        var given = request.Query["token"].ToString();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected)))
            return Results.Problem("The token does not match.", statusCode: StatusCodes.Status401Unauthorized, title: "Report refused");

        var q = request.Query;
        var smsId = q["SMSID"].ToString();
        var requestId = q["RequestId"].ToString();
        int Number(string name) => int.TryParse(q[name], out var n) ? n : 0;
        // 5 = finished (then success or failure counts tell), 4 = rejected; 1, 2 and 7 are steps on the way.
        ReceiptKind? kind = Number("SendStatus") switch
        {
            5 when Number("SendSuccess") > 0 => ReceiptKind.Delivered,
            5 when Number("SendFailed") > 0 => ReceiptKind.Failed,
            4 => ReceiptKind.Failed,
            _ => null,
        };
        if (kind is null) return Results.Ok(new { status = "noted" });
        var found = await receipts.RecordAsync(ChannelNames.Sms, smsId, requestId, kind.Value, time.GetUtcNow(),
            kind == ReceiptKind.Failed ? $"carrier status {q["SendStatus"]}" : null, ct);
        return Results.Ok(new { status = found ? "recorded" : "unknown message" });
    }
}
