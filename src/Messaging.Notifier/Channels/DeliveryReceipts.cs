using Messaging.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Messaging.Notifier.Channels;

public enum ReceiptKind { Delivered, Seen, Failed }

/// <summary>
/// Delivery and read receipts from providers (Zalo's user_received_message and user_seen_message, ZNS delivery events,
/// SMS delivery reports), written to the delivery they belong to, found by the provider's message id or by our key.
/// </summary>
public sealed class DeliveryReceipts(MessagingDbContext db, ILogger<DeliveryReceipts> log)
{
    public async Task<bool> RecordAsync(string channel, string? providerMessageId, string? key, ReceiptKind kind,
        DateTimeOffset at, string? detail, CancellationToken ct)
    {
        var delivery = providerMessageId is { Length: > 0 }
            ? await db.Deliveries.FirstOrDefaultAsync(d => d.ProviderMessageId == providerMessageId && d.Channel == channel, ct)
            : null;
        if (delivery is null && key is { Length: > 0 })
            delivery = await db.Deliveries.FirstOrDefaultAsync(d => d.Key == key, ct);
        if (delivery is null)
        {
            log.UnknownReceipt(channel, kind);
            return false;
        }
        switch (kind)
        {
            case ReceiptKind.Delivered:
                delivery.DeliveredAt ??= at;
                delivery.ProviderStatus = "delivered";
                break;
            case ReceiptKind.Seen:
                delivery.DeliveredAt ??= at;
                delivery.SeenAt ??= at;
                delivery.ProviderStatus = "seen";
                break;
            case ReceiptKind.Failed:
                delivery.ProviderStatus = "failed: " + (detail ?? "reported by the provider");
                break;
        }
        delivery.UpdatedAt = at;
        await db.SaveChangesAsync(ct);
        return true;
    }
}
