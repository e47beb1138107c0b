using System.Diagnostics;
using System.Text.Json;
using Messaging.Core.Appointments;
using Messaging.Core.Identity;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Core.Templates;
using Messaging.Language.Entities;
using Messaging.Notifier.Channels;
using Messaging.Notifier.Queues;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Messaging.Notifier.Worker;

public enum Outcome { Sent, AlreadySent, Deferred, Retrying, Poisoned, Skipped }

/// <summary>
/// Handles one queue message: dedupe by the notification key → hold for quiet hours or a later start → pick the channel
/// → render → send → record the attempt → delete (on the embedded queue, in the record's transaction). Transient
/// failures come back after an exponential backoff with jitter, up to a maximum, then poison; permanent ones move to
/// the next channel, or poison when none is left.
/// </summary>
public sealed class NotificationProcessor(
    IServiceScopeFactory scopes, INotificationQueue queue, IEnumerable<IChannelSender> senders, TimeProvider time,
    IOptions<NotifierOptions> options, ILogger<NotificationProcessor> log, BroadcastService broadcasts, DeliveryLedger ledger)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Dictionary<string, IChannelSender> _senders = senders.ToDictionary(s => s.Channel);

    // One bucket per channel, so a burst of notifications never exceeds what a gateway accepts.
    private readonly Dictionary<string, System.Threading.RateLimiting.TokenBucketRateLimiter> _limits =
        options.Value.RatePerSecond.Where(r => r.Value > 0).ToDictionary(r => r.Key, r => new System.Threading.RateLimiting.TokenBucketRateLimiter(
            new System.Threading.RateLimiting.TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(1, (int)Math.Ceiling(r.Value)),
                TokensPerPeriod = Math.Max(1, (int)Math.Ceiling(r.Value / 10)),
                ReplenishmentPeriod = TimeSpan.FromSeconds(Math.Max(1, (int)Math.Ceiling(r.Value / 10)) / r.Value),
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = System.Threading.RateLimiting.QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            }));

    public async Task<Outcome> ProcessAsync(QueueMessage message, CancellationToken ct)
    {
        NotificationRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<NotificationRequest>(message.Body, Json);
            if (request is null || string.IsNullOrWhiteSpace(request.Key) || string.IsNullOrWhiteSpace(request.TemplateKey))
                throw new JsonException("key and templateKey are required");
        }
        catch (JsonException e)
        {
            await queue.PoisonAsync(message, "malformed notification: " + e.Message, ct);
            log.LogWarning("Queue message {Id} is not a notification; moved to poison", message.Id);
            return Outcome.Poisoned;
        }

        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        // Rows are never deleted, so a key the ledger has seen loads; one seen by nobody is not written until there is an
        // outcome, and the unique key settles two holders that race on it.
        var delivery = await ledger.ExistsAsync(request.Key, ct)
            ? await db.Deliveries.Include(d => d.Attempts).FirstAsync(d => d.Key == request.Key, ct)
            : New(request, message.Body, now);
        if (delivery.Status == DeliveryStatus.Sent)
        {
            await queue.DeleteAsync(message, ct);
            return Outcome.AlreadySent;
        }
        var cancelled = request.BroadcastId is { } broadcast && await broadcasts.IsCancelledAsync(broadcast, ct);
        if (cancelled || (request.ExpiresAt is { } expires && now >= expires))
        {
            delivery.Status = DeliveryStatus.Skipped;
            delivery.Error = cancelled ? "the broadcast was cancelled" : "expired before it could be sent";
            delivery.UpdatedAt = now;
            await SaveAsync(db, delivery, ct);
            await queue.DeleteAsync(message, ct);
            return Outcome.Skipped;
        }
        if (HoldUntil(request, now) is { } until)
        {
            // Not yet: quiet hours or a later start. The message sleeps in the queue, not in memory; its delivery is
            // recorded as pending, so admins see what is being held.
            if (db.Entry(delivery).State == EntityState.Detached) await SaveAsync(db, delivery, ct);
            await queue.RenewAsync(message, Min(until - now, TimeSpan.FromDays(6)), ct);
            return Outcome.Deferred;
        }

        var templates = scope.ServiceProvider.GetRequiredService<TemplateStore>();
        var phoneAllowed = await PhoneChannelsAllowedAsync(scope.ServiceProvider, request, delivery, ct);
        var capped = false;
        foreach (var channel in Channels(request, delivery))
        {
            if (!phoneAllowed && channel is ChannelNames.Sms or ChannelNames.Zns)
            {
                capped = true;
                continue;
            }
            OutgoingMessage outgoing;
            try
            {
                outgoing = await RenderAsync(templates, request, channel, ct);
            }
            catch (Exception e) when (e is TemplateRenderException or TemplateException)
            {
                return await FailAsync(db, delivery, message, $"template {request.TemplateKey} failed: {e.Message}", ct);
            }
            var attempt = new DeliveryAttempt
            {
                DeliveryId = delivery.Id, Number = delivery.Attempts.Count + 1, Channel = channel, StartedAt = time.GetUtcNow(),
            };
            if (_limits.TryGetValue(channel, out var limiter))
            {
                using var lease = await limiter.AcquireAsync(1, ct);
            }
            var watch = Stopwatch.StartNew();
            try
            {
                var result = await _senders[channel].SendAsync(outgoing, ct);
                attempt.Succeeded = true;
                attempt.ProviderMessageId = result.ProviderMessageId;
                attempt.Segments = result.Segments;
                attempt.DurationMs = (int)watch.ElapsedMilliseconds;
                delivery.Attempts.Add(attempt);
                delivery.Status = DeliveryStatus.Sent;
                delivery.Channel = channel;
                delivery.ProviderMessageId = result.ProviderMessageId;
                delivery.SentAt = delivery.UpdatedAt = time.GetUtcNow();
                delivery.Error = null;
                await RecordSentAsync(db, delivery, attempt, message, ct);
                return Outcome.Sent;
            }
            catch (ChannelException e)
            {
                attempt.Error = e.Message;
                attempt.Permanent = e.Permanent;
                attempt.DurationMs = (int)watch.ElapsedMilliseconds;
                delivery.Attempts.Add(attempt);
                delivery.Channel = channel;
                delivery.Error = e.Message;
                delivery.UpdatedAt = time.GetUtcNow();
                if (e.Permanent)
                {
                    delivery.FailedChannels.Add(channel);
                    await SaveAsync(db, delivery, ct);
                    continue; // the next channel in the recipient's order, now
                }
                if (message.DequeueCount >= options.Value.MaxAttempts)
                    return await FailAsync(db, delivery, message, $"{channel} failed {message.DequeueCount} times: {e.Message}", ct);
                await SaveAsync(db, delivery, ct);
                await queue.RenewAsync(message, Backoff(message.DequeueCount), ct);
                return Outcome.Retrying;
            }
        }
        if (capped)
        {
            // An expected outcome, not a failure for admins to replay.
            delivery.Status = DeliveryStatus.Skipped;
            delivery.Error = "the daily cap of messages to a number nobody proved was reached";
            delivery.UpdatedAt = time.GetUtcNow();
            await SaveAsync(db, delivery, ct);
            await queue.DeleteAsync(message, ct);
            return Outcome.Skipped;
        }
        return await FailAsync(db, delivery, message, "no channel left that can reach the recipient" +
            (delivery.Error is null ? "" : ": " + delivery.Error), ct);
    }

    private async Task<Outcome> FailAsync(MessagingDbContext db, Delivery delivery, QueueMessage message, string reason, CancellationToken ct)
    {
        delivery.Status = DeliveryStatus.Failed;
        delivery.Error = reason;
        delivery.UpdatedAt = time.GetUtcNow();
        await SaveAsync(db, delivery, ct);
        await queue.PoisonAsync(message, reason, ct);
        log.LogWarning("Notification {Key} failed and went to poison: {Reason}", delivery.Key, reason);
        return Outcome.Poisoned;
    }

    /// <summary>
    /// The first success of a delivery never recorded goes to the ledger's group commit, with the embedded queue's
    /// delete in the same transaction; a delivery EF already tracks is saved by EF, then the message deleted.
    /// </summary>
    private async Task RecordSentAsync(MessagingDbContext db, Delivery delivery, DeliveryAttempt attempt, QueueMessage message, CancellationToken ct)
    {
        if (db.Entry(delivery).State != EntityState.Detached)
        {
            await db.SaveChangesAsync(ct);
            await queue.DeleteAsync(message, ct);
            return;
        }
        var embedded = queue is EmbeddedQueue;
        var deleted = await ledger.RecordSentAsync(new SentRecord(delivery, attempt,
            embedded ? long.Parse(message.Id, System.Globalization.CultureInfo.InvariantCulture) : null, message.PopReceipt), ct);
        if (!embedded) await queue.DeleteAsync(message, ct);
        else if (!deleted) throw new QueueReceiptException(message.Id);
    }

    private static async Task SaveAsync(MessagingDbContext db, Delivery delivery, CancellationToken ct)
    {
        if (db.Entry(delivery).State == EntityState.Detached) db.Deliveries.Add(delivery);
        await db.SaveChangesAsync(ct);
    }

    private static Delivery New(NotificationRequest request, string body, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now), Key = request.Key, TemplateKey = request.TemplateKey, Status = DeliveryStatus.Pending,
        RecipientSummary = Summary(request.Recipient), BroadcastId = request.BroadcastId,
        // A one-time code is not kept: the record says that one was sent, not what it was.
        RequestJson = request.Sensitive ? JsonSerializer.Serialize(request with { Data = JsonSerializer.SerializeToElement(new { }) }, Json) : body,
        CreatedAt = now, UpdatedAt = now,
    };

    /// <summary>
    /// A citizen's action (a booking, a code request) may send only so many SMS and ZNS a day to a number nobody proved
    /// they own, counted per number and per client in the database, so invented numbers cannot be flooded. Officers'
    /// messages (broadcasts, critical session notices) and proved numbers are not capped; a message is counted once,
    /// on its first try of a phone channel.
    /// </summary>
    private static async Task<bool> PhoneChannelsAllowedAsync(IServiceProvider sp, NotificationRequest request, Delivery delivery, CancellationToken ct)
    {
        if (request.Origin is null || request.Recipient.PhoneVerified || request.BroadcastId is not null) return true;
        if (request.Priority == NotificationPriority.Critical && !request.Sensitive) return true;
        if (delivery.Attempts.Any(a => a.Channel is ChannelNames.Sms or ChannelNames.Zns)) return true;
        if (!VietnamesePhone.TryNormalize(request.Recipient.Phone, out var phone)) return true;
        var abuse = sp.GetRequiredService<IOptions<Messaging.Core.Identity.AbuseOptions>>().Value;
        var claims = await sp.GetRequiredService<Messaging.Core.Identity.AbuseGuard>().TryClaimAllAsync(
            [(abuse.UnverifiedPerPhone, phone), (abuse.UnverifiedPerClient, request.Origin)], ct);
        return claims is not null;
    }

    private IEnumerable<string> Channels(NotificationRequest request, Delivery delivery)
    {
        var r = request.Recipient;
        var order = r.ChannelOrder is { Count: > 0 } preferred ? preferred : options.Value.ChannelOrder;
        foreach (var channel in order)
        {
            if (delivery.FailedChannels.Contains(channel) || !_senders.TryGetValue(channel, out var sender)) continue;
            if (request.Priority != NotificationPriority.Critical && r.OptedOut?.Contains(channel) == true) continue;
            if (sender.CanReach(r)) yield return channel;
        }
    }

    private static async Task<OutgoingMessage> RenderAsync(TemplateStore templates, NotificationRequest request, string channel, CancellationToken ct)
    {
        var locale = request.Recipient.Locale == "en" ? "en" : "vi";
        async Task<RenderedVariant> One(string variant) =>
            await templates.RenderAsync(request.TemplateKey, variant, locale, request.Data, ct)
            ?? throw new TemplateException($"{request.TemplateKey} has no {variant} variant");
        switch (channel)
        {
            case ChannelNames.Email:
                var subject = await One(TemplateChannels.EmailSubject);
                var text = await One(TemplateChannels.EmailText);
                var html = await One(TemplateChannels.EmailHtml);
                return new OutgoingMessage(request.Key, channel, request.Recipient, text.Text, subject.Text, html.Text);
            case ChannelNames.Sms:
                var sms = await One(TemplateChannels.Sms);
                return new OutgoingMessage(request.Key, channel, request.Recipient, sms.Text, Sms: sms.Sms);
            case ChannelNames.Zns:
                var zns = await One(TemplateChannels.Zns);
                return new OutgoingMessage(request.Key, channel, request.Recipient, zns.Text, ZnsParameters: zns.ZnsParameters, ZnsTemplateId: zns.ZnsTemplateId);
            case ChannelNames.Zalo:
                return new OutgoingMessage(request.Key, channel, request.Recipient, (await One(TemplateChannels.Zalo)).Text);
            default:
                return new OutgoingMessage(request.Key, channel, request.Recipient, (await One(TemplateChannels.Chat)).Text);
        }
    }

    /// <summary>When a message may go out: its own start, and for non-critical messages the end of quiet hours.</summary>
    public DateTimeOffset? HoldUntil(NotificationRequest request, DateTimeOffset now)
    {
        if (request.NotBefore is { } notBefore && now < notBefore) return notBefore;
        if (request.Priority == NotificationPriority.Critical) return null;
        var o = options.Value;
        var local = OfficeTime.ToLocal(now, null);
        var t = TimeOnly.FromDateTime(local.DateTime);
        var quiet = o.QuietFrom > o.QuietUntil ? t >= o.QuietFrom || t < o.QuietUntil : t >= o.QuietFrom && t < o.QuietUntil;
        if (!quiet) return null;
        var date = DateOnly.FromDateTime(local.DateTime);
        if (t >= o.QuietFrom && o.QuietFrom > o.QuietUntil) date = date.AddDays(1);
        return OfficeTime.At(date, o.QuietUntil, null);
    }

    /// <summary>2^n times the base, capped, with ±20 % jitter so a gateway outage does not end in a thundering herd.</summary>
    public TimeSpan Backoff(long dequeueCount)
    {
        var o = options.Value;
        var exponential = o.BaseBackoff.TotalSeconds * Math.Pow(2, Math.Max(0, dequeueCount - 1));
        var capped = Math.Min(exponential, o.MaxBackoff.TotalSeconds);
        return TimeSpan.FromSeconds(capped * (0.8 + Random.Shared.NextDouble() * 0.4));
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static string Summary(Recipient r) =>
        r.Phone is { } p && VietnamesePhone.TryNormalize(p, out var phone) ? VietnamesePhone.Mask(phone)
        : r.Email is { } e && e.Contains('@') ? e[0] + "***@" + e.Split('@')[^1]
        : r.ZaloUserId is not null ? "zalo user" : r.WebChatConversationId is not null ? "web chat" : "?";
}
