using System.Text.Json.Nodes;
using Messaging.Core;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Core.Templates;
using Messaging.Language.Entities;
using Messaging.Notifier.Queues;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Server.Api;

public enum RetryOutcome { Queued, NotFound, AlreadySent }

/// <summary>What admins do with deliveries, shared by the admin API and the deliveries page.</summary>
public static class DeliveryActions
{
    /// <summary>Queues a failed delivery again with every channel allowed, under the same key.</summary>
    public static async Task<RetryOutcome> RetryAsync(Guid id, MessagingDbContext db, INotificationQueue queue, string actor, CancellationToken ct)
    {
        var delivery = await db.Deliveries.FirstOrDefaultAsync(d => d.Id == id, ct);
        if (delivery is null) return RetryOutcome.NotFound;
        if (delivery.Status == DeliveryStatus.Sent) return RetryOutcome.AlreadySent;
        delivery.Status = DeliveryStatus.Pending;
        delivery.FailedChannels = [];
        db.AuditLog.Add(new AuditEntry { At = DateTimeOffset.UtcNow, Actor = actor, Action = "delivery.retry", Subject = delivery.Key });
        await db.SaveChangesAsync(ct);
        await queue.SendAsync(delivery.RequestJson, null, ct);
        return RetryOutcome.Queued;
    }

    /// <summary>
    /// Offline mode: what the local senders wrote instead of sending (SMS, Zalo, ZNS lines; emails as .eml files), newest
    /// first. Phone numbers are masked here as everywhere an officer or admin reads.
    /// </summary>
    public static async Task<IReadOnlyList<JsonObject>> LocalOutboxAsync(MessagingOptions options, string? channel, int take, CancellationToken ct)
    {
        var dir = Path.Combine(Path.GetFullPath(options.DataDirectory), "outbox");
        var limit = Math.Clamp(take, 1, 500);
        var items = new List<JsonObject>();
        foreach (var c in channel is null ? ["sms", "zalo", "zns"] : new[] { channel })
        {
            if (c == "email")
            {
                if (!Directory.Exists(Path.Combine(dir, "email"))) continue;
                items.AddRange(new DirectoryInfo(Path.Combine(dir, "email")).GetFiles("*.eml").OrderByDescending(f => f.LastWriteTimeUtc).Take(limit)
                    .Select(f => new JsonObject { ["channel"] = "email", ["file"] = f.Name, ["at"] = f.LastWriteTimeUtc, ["bytes"] = f.Length }));
                continue;
            }
            var file = Path.Combine(dir, c + ".jsonl");
            if (!File.Exists(file)) continue;
            foreach (var line in (await File.ReadAllLinesAsync(file, ct)).Reverse().Take(limit))
            {
                var row = JsonNode.Parse(line)!.AsObject();
                row["channel"] ??= c;
                if (c != "zalo" && row["to"]?.GetValue<string>() is { } to) row["to"] = VietnamesePhone.Mask(to);
                items.Add(row);
            }
        }
        return items.Take(limit).ToList();
    }
}
