using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Messaging.Core.Appointments;
using Messaging.Core.Identity;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Core.Telemetry;
using Messaging.Core.Templates;
using Messaging.Language.Entities;
using Messaging.Notifier.Channels;
using Messaging.Notifier.Channels.Zalo;
using Messaging.Notifier.Planning;
using Messaging.Notifier.Queues;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Messaging.Notifier.Worker;

public enum Outcome { Sent, AlreadyDone, Deferred, Retrying, Poisoned, Skipped, Obsolete, HeldElsewhere }

/// <summary>
/// Handles one queue message: claim the delivery under its key (committed before any provider is called) → skip what
/// expired, was cancelled or no longer applies → hold for quiet hours or a later start → pick the channel → render →
/// send → record. A second holder of the key backs off while the claim's lease runs; a worker that died mid-send leaves
/// the lease to lapse and the next claimant sends with the same key, which providers take as their idempotency key.
/// Any failure is an attempt: transient ones come back after a backoff, up to <see cref="NotifierOptions.MaxAttempts"/>,
/// then poison in one transaction with the delivery's failure; permanent ones move to the next channel.
/// </summary>
public sealed class NotificationProcessor(
    IServiceScopeFactory scopes, INotificationQueue queue, IEnumerable<IChannelSender> senders, TimeProvider time,
    IOptions<NotifierOptions> options, IOptions<ZnsOptions> zns, IOptions<TemplateChannelOptions> channelLimits,
    ILogger<NotificationProcessor> log, BroadcastService broadcasts, DeliveryLedger ledger, WorkerIdentity worker)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Dictionary<string, IChannelSender> _senders = senders.ToDictionary(s => s.Channel);

    /// <summary>Officers' free text in notifications: shortened, never the fixed wording, when an SMS would run past its parts.</summary>
    private static readonly string[][] FreeText = [["message"], ["reason"], ["dossier", "note"]];

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
        var outcome = await ProcessOnceAsync(message, ct);
        MessagingMetrics.Notifications.Add(1, MessagingMetrics.Tag("outcome", outcome.ToString().ToLowerInvariant()));
        return outcome;
    }

    private async Task<Outcome> ProcessOnceAsync(QueueMessage message, CancellationToken ct)
    {
        if (Parse(message.Body) is not { } request)
        {
            await queue.PoisonAsync(message, "malformed notification: " + ParseError(message.Body), ct);
            log.NotANotification(message.Id);
            return Outcome.Poisoned;
        }
        using var logScope = log.BeginNotificationScope(request.Key);
        using var span = MessagingTraces.StartFrom("notification.send", System.Diagnostics.ActivityKind.Consumer, request.TraceParent);
        // Keys are built from record ids and hashes, never from a phone or a name.
        span?.SetTag("messaging.key", request.Key);
        span?.SetTag("messaging.template", request.TemplateKey);
        span?.SetTag("messaging.dequeue_count", message.DequeueCount);
        var outcome = await HandleAsync(message, request, ct);
        span?.SetTag("messaging.outcome", outcome.ToString().ToLowerInvariant());
        // A retry is a failed attempt too: the span says so, the next attempt gets its own.
        if (outcome is Outcome.Poisoned or Outcome.Retrying) span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error);
        return outcome;
    }

    private async Task<Outcome> HandleAsync(QueueMessage message, NotificationRequest request, CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        if (message.DequeueCount > o.MaxDequeues)
        {
            // Received again and again without an outcome (a worker that dies on it, a database that refuses it).
            var reason = $"received {message.DequeueCount} times without an outcome";
            await db.Deliveries.Where(d => d.Key == request.Key && d.Status == DeliveryStatus.Pending && (d.LeaseUntil == null || d.LeaseUntil < now))
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.Status, DeliveryStatus.Failed).SetProperty(d => d.Error, reason)
                    .SetProperty(d => d.UpdatedAt, now).SetProperty(d => d.Owner, (string?)null).SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null), ct);
            await queue.PoisonAsync(message, reason, ct);
            log.NotificationPoisoned(request.Key, reason);
            return Outcome.Poisoned;
        }

        var owner = worker.NewClaim();
        var lease = now + o.Lease;
        var fresh = New(request, message.Body, now);
        var claim = await ledger.ClaimAsync(new ClaimRequest(fresh, owner, now, lease), ct);
        if (!claim.Acquired) return await BackOffAsync(message, request, claim, now, ct);

        Delivery delivery;
        if (claim.IsNew)
        {
            fresh.Id = claim.Id;
            fresh.Owner = owner;
            fresh.LeaseUntil = lease;
            db.Deliveries.Attach(fresh);
            delivery = fresh;
        }
        else
        {
            delivery = await db.Deliveries.Include(d => d.Attempts).FirstAsync(d => d.Id == claim.Id, ct);
        }
        try
        {
            return await HandleClaimedAsync(scope.ServiceProvider, db, delivery, request, message, owner, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The lease lapsed while this worker was slow and another took the delivery over: it is theirs now.
            log.ClaimLapsed(request.Key);
            return Outcome.HeldElsewhere;
        }
    }

    private async Task<Outcome> HandleClaimedAsync(IServiceProvider sp, MessagingDbContext db, Delivery delivery, NotificationRequest request,
        QueueMessage message, string owner, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // A worker died calling this channel's provider, which may hold the message now: it goes there again under the same
        // key (the provider takes it once), whatever changed meanwhile. Calling it obsolete or holding it would record as
        // unsent what the citizen may have got.
        var inFlight = delivery.SendingChannel;
        if (inFlight is null)
        {
            var cancelled = request.BroadcastId is { } broadcast && await broadcasts.IsCancelledAsync(broadcast, ct);
            if (cancelled || (request.ExpiresAt is { } expires && now >= expires))
                return await FinishAsync(db, delivery, message, DeliveryStatus.Skipped,
                    cancelled ? "the broadcast was cancelled" : "expired before it could be sent", Outcome.Skipped, ct);
            if (await Freshness.ObsoleteAsync(db, request, now, ct) is { } stale)
                return await FinishAsync(db, delivery, message, DeliveryStatus.Obsolete, stale, Outcome.Obsolete, ct);
            if (HoldUntil(request, now) is { } until)
            {
                // Not yet: quiet hours or a later start. The message sleeps in the queue, not in memory, and the claim is given
                // back; the delivery stays pending, so admins see what is being held.
                Release(delivery, now);
                await db.SaveChangesAsync(ct);
                await RenewQuietlyAsync(message, Min(until - now, TimeSpan.FromDays(6)), ct);
                return Outcome.Deferred;
            }
        }

        var templates = sp.GetRequiredService<TemplateStore>();
        var znsTemplate = request.Prepared is null ? await ZnsTemplateIdAsync(templates, request.TemplateKey, ct) : null;
        var order = Channels(request, delivery, znsTemplate is not null).ToList();
        if (inFlight is not null)
        {
            if (!order.Remove(inFlight)) return await DecideAfreshAsync(sp, db, delivery, request, message, owner, ct);
            log.ResendingInFlight(delivery.Key, inFlight);
            order.Insert(0, inFlight);
        }
        // A web chat is a tab that is usually closed by the time a reminder or a change goes out: a copy there never
        // counts as the delivery while another channel can reach the person.
        var outOfBand = order.Where(c => c != ChannelNames.WebChat).ToList();
        if (outOfBand.Count > 0 && order.Contains(ChannelNames.WebChat))
        {
            await CopyToWebChatAsync(templates, db, delivery, request, ct);
            order = outOfBand;
        }
        bool? phoneAllowed = null;
        var capped = false;
        foreach (var channel in order)
        {
            using var channelScope = log.BeginChannelScope(channel);
            if (channel is ChannelNames.Sms or ChannelNames.Zns
                && !(phoneAllowed ??= await PhoneChannelsAllowedAsync(sp, request, delivery, ct)))
            {
                capped = true;
                continue;
            }
            OutgoingMessage outgoing;
            try
            {
                outgoing = await RenderAsync(templates, request, channel, ct, znsTemplate);
                // A reply in parts resumes after the parts a failed try got through.
                if (outgoing.Parts is not null)
                    outgoing = outgoing with { SkipParts = delivery.Attempts.Where(a => a.Channel == channel && !a.Succeeded).Select(a => a.Segments ?? 0).DefaultIfEmpty(0).Max() };
            }
            catch (Exception e) when (e is TemplateRenderException or TemplateException)
            {
                return await FailAsync(db, delivery, message, $"template {request.TemplateKey} failed: {e.Message}", ct);
            }
            var attempt = new DeliveryAttempt
            {
                DeliveryId = delivery.Id, Number = delivery.Attempts.Count + 1, Channel = channel, StartedAt = time.GetUtcNow(),
            };
            if (channel == ChannelNames.Zns && await ZnsProblemAsync(templates, request.TemplateKey, outgoing, ct) is { } znsProblem)
            {
                // Zalo would refuse it: not an attempt on the provider, the next channel at once.
                attempt.Error = znsProblem;
                attempt.Permanent = true;
                delivery.Attempts.Add(attempt);
                delivery.FailedChannels.Add(channel);
                await db.SaveChangesAsync(ct);
                continue;
            }
            if (_limits.TryGetValue(channel, out var limiter))
            {
                using var permit = await limiter.AcquireAsync(1, ct);
            }
            // The facts again, now: a channel's rate limit (above) can hold a send for seconds under a backlog, and a booking
            // moved or cancelled meanwhile must not get the old notice. After the mark below a send is resent whatever
            // changed, so this is the last moment to decide. (A chaos run caught a notice sent seconds after its change.)
            if (inFlight is null && await Freshness.ObsoleteAsync(db, request, time.GetUtcNow(), ct) is { } changed)
                return await FinishAsync(db, delivery, message, DeliveryStatus.Obsolete, changed, Outcome.Obsolete, ct);
            if (!await ledger.StartSendAsync(new SendStart(delivery.Id, owner, channel, time.GetUtcNow()), ct))
            {
                // The lease lapsed while this worker was slow and another took the delivery over: only the owner calls a provider.
                log.ClaimLapsed(request.Key);
                return Outcome.HeldElsewhere;
            }
            Sending(db, delivery, channel);
            var watch = Stopwatch.StartNew();
            SendResult result;
            try
            {
                result = await _senders[channel].SendAsync(outgoing, ct);
                MessagingMetrics.SendDuration.Record(watch.Elapsed.TotalSeconds, MessagingMetrics.Tag("channel", channel), MessagingMetrics.Tag("ok", true));
            }
            catch (ChannelException e) when (e.Permanent)
            {
                MessagingMetrics.SendDuration.Record(watch.Elapsed.TotalSeconds, MessagingMetrics.Tag("channel", channel), MessagingMetrics.Tag("ok", false));
                attempt.Segments = e.Progress;
                Failed(delivery, attempt, channel, e.Message, permanent: true, watch);
                delivery.FailedChannels.Add(channel);
                await db.SaveChangesAsync(ct);
                // The provider refused what a dead worker had started: nothing is out, so the next channel only if still true.
                if (channel == inFlight) return await HandleClaimedAsync(sp, db, delivery, request, message, owner, ct);
                continue; // the next channel in the recipient's order, now
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // Whatever it was (a gateway timeout, a disk, a refused address), it was a try: counted, so a message that can
                // never go out reaches poison instead of coming back forever.
                MessagingMetrics.SendDuration.Record(watch.Elapsed.TotalSeconds, MessagingMetrics.Tag("channel", channel), MessagingMetrics.Tag("ok", false));
                var error = e is ChannelException ? e.Message : $"{e.GetType().Name}: {e.Message}";
                attempt.Segments = (e as ChannelException)?.Progress;
                Failed(delivery, attempt, channel, error, permanent: false, watch);
                var failures = delivery.Attempts.Count(a => !a.Succeeded && !a.Permanent);
                if (failures >= options.Value.MaxAttempts)
                    return await FailAsync(db, delivery, message, $"{channel} failed {failures} times: {error}", ct);
                Release(delivery, time.GetUtcNow());
                await db.SaveChangesAsync(ct);
                await RenewQuietlyAsync(message, Backoff(failures), ct);
                return Outcome.Retrying;
            }
            attempt.Succeeded = true;
            attempt.ProviderMessageId = result.ProviderMessageId;
            attempt.Segments = result.Segments;
            attempt.DurationMs = (int)watch.ElapsedMilliseconds;
            delivery.Channel = channel;
            delivery.ProviderMessageId = result.ProviderMessageId;
            delivery.SentAt = delivery.UpdatedAt = time.GetUtcNow();
            await RecordSentAsync(delivery, attempt, owner, message, ct);
            return Outcome.Sent;
        }
        if (capped)
            // An expected outcome, not a failure for admins to replay.
            return await FinishAsync(db, delivery, message, DeliveryStatus.Skipped,
                "the daily cap of messages to a number nobody proved was reached", Outcome.Skipped, ct);
        return await FailAsync(db, delivery, message, "no channel left that can reach the recipient" +
            (delivery.Error is null ? "" : ": " + delivery.Error), ct);
    }

    /// <summary>The key is another holder's, or finished: a finished one's message goes, a held one's comes back after the lease.</summary>
    private async Task<Outcome> BackOffAsync(QueueMessage message, NotificationRequest request, DeliveryClaim claim, DateTimeOffset now, CancellationToken ct)
    {
        if (claim.Status != DeliveryStatus.Pending)
        {
            try
            {
                await queue.DeleteAsync(message, ct);
            }
            catch (QueueReceiptException)
            {
            }
            return Outcome.AlreadyDone;
        }
        var wait = (claim.HeldUntil ?? now) - now + TimeSpan.FromSeconds(1);
        await RenewQuietlyAsync(message, wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : Min(wait, options.Value.Visibility), ct);
        log.ClaimedElsewhere(request.Key);
        return Outcome.HeldElsewhere;
    }

    private async Task CopyToWebChatAsync(TemplateStore templates, MessagingDbContext db, Delivery delivery, NotificationRequest request, CancellationToken ct)
    {
        if (delivery.Attempts.Any(a => a.Channel == ChannelNames.WebChat && a.Succeeded)) return;
        var attempt = new DeliveryAttempt
        {
            DeliveryId = delivery.Id, Number = delivery.Attempts.Count + 1, Channel = ChannelNames.WebChat, StartedAt = time.GetUtcNow(),
        };
        var watch = Stopwatch.StartNew();
        try
        {
            var copy = await RenderAsync(templates, request, ChannelNames.WebChat, ct);
            var result = await _senders[ChannelNames.WebChat].SendAsync(copy, ct);
            attempt.Succeeded = true;
            attempt.ProviderMessageId = result.ProviderMessageId;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Best effort: the delivery itself goes out of band either way.
            attempt.Error = "copy to the web chat: " + e.Message;
            attempt.Permanent = true;
        }
        attempt.DurationMs = (int)watch.ElapsedMilliseconds;
        delivery.Attempts.Add(attempt);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Forgets a dead worker's unfinished send that cannot be repeated (the channel is out of the order now): decided as new.</summary>
    private async Task<Outcome> DecideAfreshAsync(IServiceProvider sp, MessagingDbContext db, Delivery delivery, NotificationRequest request,
        QueueMessage message, string owner, CancellationToken ct)
    {
        delivery.SendingChannel = null;
        await db.SaveChangesAsync(ct);
        return await HandleClaimedAsync(sp, db, delivery, request, message, owner, ct);
    }

    /// <summary>The ledger committed the channel on the row; EF is told so, so the outcome's save clears it.</summary>
    private static void Sending(MessagingDbContext db, Delivery delivery, string channel)
    {
        delivery.SendingChannel = channel;
        var property = db.Entry(delivery).Property(d => d.SendingChannel);
        property.OriginalValue = channel;
        property.IsModified = false;
    }

    private void Failed(Delivery delivery, DeliveryAttempt attempt, string channel, string error, bool permanent, Stopwatch watch)
    {
        // The attempt has its outcome: the provider did not take it.
        delivery.SendingChannel = null;
        attempt.Error = error.Length > 1000 ? error[..1000] : error;
        attempt.Permanent = permanent;
        attempt.DurationMs = (int)watch.ElapsedMilliseconds;
        delivery.Attempts.Add(attempt);
        delivery.Channel = channel;
        delivery.Error = attempt.Error;
        delivery.UpdatedAt = time.GetUtcNow();
    }

    private static void Release(Delivery delivery, DateTimeOffset now)
    {
        delivery.Owner = null;
        delivery.LeaseUntil = null;
        delivery.UpdatedAt = now;
    }

    /// <summary>A final outcome other than sent: the delivery's status and the message's delete commit together where they can.</summary>
    private async Task<Outcome> FinishAsync(MessagingDbContext db, Delivery delivery, QueueMessage message, DeliveryStatus status, string reason,
        Outcome outcome, CancellationToken ct)
    {
        delivery.Status = status;
        delivery.Error = reason;
        Release(delivery, time.GetUtcNow());
        await SettleAsync(db, message, null, ct);
        return outcome;
    }

    private async Task<Outcome> FailAsync(MessagingDbContext db, Delivery delivery, QueueMessage message, string reason, CancellationToken ct)
    {
        delivery.Status = DeliveryStatus.Failed;
        delivery.Error = reason.Length > 1000 ? reason[..1000] : reason;
        Release(delivery, time.GetUtcNow());
        await SettleAsync(db, message, reason, ct);
        log.NotificationFailed(delivery.Key, reason);
        return Outcome.Poisoned;
    }

    /// <summary>
    /// Saves the delivery and deletes (or poisons) its message: in one transaction on the embedded queue; on a queue
    /// outside the database, record first, then settle, so a crash between the two leaves a message whose key is final.
    /// </summary>
    private async Task SettleAsync(MessagingDbContext db, QueueMessage message, string? poisonReason, CancellationToken ct)
    {
        if (queue.InDatabase)
        {
            await using var tx = await db.BeginWriteAsync(ct);
            await db.SaveChangesAsync(ct);
            if (!await queue.SettleInTransactionAsync(db, message, poisonReason, ct))
            {
                // Another receiver holds the message now; it will find the key final and drop it.
                log.ReceivedBeforeSettled(message.Id);
            }
            await tx.CommitAsync(ct);
            return;
        }
        await db.SaveChangesAsync(ct);
        try
        {
            if (poisonReason is null) await queue.DeleteAsync(message, ct);
            else await queue.PoisonAsync(message, poisonReason, ct);
        }
        catch (QueueReceiptException)
        {
        }
    }

    /// <summary>The record of a send goes through the ledger: status, attempt and (embedded queue) the message's delete in one commit.</summary>
    private async Task RecordSentAsync(Delivery delivery, DeliveryAttempt attempt, string owner, QueueMessage message, CancellationToken ct)
    {
        var inDatabase = queue.InDatabase;
        var outcome = await ledger.RecordSentAsync(new SentRecord(delivery, attempt, owner,
            inDatabase ? long.Parse(message.Id, System.Globalization.CultureInfo.InvariantCulture) : null, message.PopReceipt), ct);
        if (!outcome.ClaimHeld)
            log.SentAfterClaimLapsed(delivery.Key);
        // The visibility lapsed and another worker received the message: it finds the key sent and only deletes.
        if (inDatabase && !outcome.QueueRowDeleted) throw new QueueReceiptException(message.Id);
        if (inDatabase) return;
        try
        {
            await queue.DeleteAsync(message, ct);
        }
        catch (QueueReceiptException)
        {
            // Received again meanwhile: the next holder finds the key sent and drops it.
        }
    }

    private async Task RenewQuietlyAsync(QueueMessage message, TimeSpan visibility, CancellationToken ct)
    {
        try
        {
            await queue.RenewAsync(message, visibility, ct);
        }
        catch (QueueReceiptException)
        {
        }
    }

    private static NotificationRequest? Parse(string body)
    {
        try
        {
            var request = JsonSerializer.Deserialize<NotificationRequest>(body, Json);
            return request is { Key.Length: > 0 and <= 200, TemplateKey.Length: > 0 and <= 100 } && !string.IsNullOrWhiteSpace(request.Key)
                && request.Recipient is not null ? request : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string ParseError(string body)
    {
        try
        {
            JsonSerializer.Deserialize<NotificationRequest>(body, Json);
            return "key (at most 200 characters), templateKey (at most 100) and recipient are required";
        }
        catch (JsonException e)
        {
            return e.Message;
        }
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
        if (delivery.Attempts.Any(a => a.Channel is ChannelNames.Sms or ChannelNames.Zns) || delivery.SendingChannel is ChannelNames.Sms or ChannelNames.Zns)
            return true;
        if (!VietnamesePhone.TryNormalize(request.Recipient.Phone, out var phone)) return true;
        var abuse = sp.GetRequiredService<IOptions<Messaging.Core.Identity.AbuseOptions>>().Value;
        var claims = await sp.GetRequiredService<Messaging.Core.Identity.AbuseGuard>().TryClaimAllAsync(
            [(abuse.UnverifiedPerPhone, phone), (abuse.UnverifiedPerClient, request.Origin)], ct);
        return claims is not null;
    }

    private IEnumerable<string> Channels(NotificationRequest request, Delivery delivery, bool znsApproved)
    {
        var r = request.Recipient;
        var order = r.ChannelOrder is { Count: > 0 } preferred ? preferred : options.Value.ChannelOrder;
        foreach (var channel in order.Distinct())
        {
            if (delivery.FailedChannels.Contains(channel) || !_senders.TryGetValue(channel, out var sender)) continue;
            if (request.Priority != NotificationPriority.Critical && r.OptedOut?.Contains(channel) == true) continue;
            // ZNS carries only templates Zalo approved; a prepared reply is chat, never ZNS, SMS or email.
            if (channel == ChannelNames.Zns && (request.Prepared is not null || !znsApproved)) continue;
            if (request.Prepared is not null && channel is not (ChannelNames.Zalo or ChannelNames.WebChat)) continue;
            if (sender.CanReach(r)) yield return channel;
        }
    }

    private async Task<OutgoingMessage> RenderAsync(TemplateStore templates, NotificationRequest request, string channel, CancellationToken ct,
        string? znsTemplate = null)
    {
        if (request.Prepared is { } prepared)
            return new OutgoingMessage(request.Key, channel, request.Recipient, string.Join("\n\n", prepared.Select(p => p.Text)), Parts: prepared);
        var locale = request.Recipient.Locale == "en" ? "en" : "vi";
        async Task<RenderedVariant> One(string variant, JsonElement data) =>
            await templates.RenderAsync(request.TemplateKey, variant, locale, data, ct)
            ?? throw new TemplateException($"{request.TemplateKey} has no {variant} variant");
        switch (channel)
        {
            case ChannelNames.Email:
                var subject = await One(TemplateChannels.EmailSubject, request.Data);
                var text = await One(TemplateChannels.EmailText, request.Data);
                var html = await One(TemplateChannels.EmailHtml, request.Data);
                return new OutgoingMessage(request.Key, channel, request.Recipient, text.Text, subject.Text, html.Text);
            case ChannelNames.Sms:
                var sms = await SmsWithinPartsAsync(request.Data, data => One(TemplateChannels.Sms, data));
                return new OutgoingMessage(request.Key, channel, request.Recipient, sms.Text, Sms: sms.Sms);
            case ChannelNames.Zns:
                var rendered = await One(TemplateChannels.Zns, request.Data);
                return new OutgoingMessage(request.Key, channel, request.Recipient, rendered.Text, ZnsParameters: rendered.ZnsParameters,
                    ZnsTemplateId: znsTemplate);
            case ChannelNames.Zalo:
                return new OutgoingMessage(request.Key, channel, request.Recipient, (await One(TemplateChannels.Zalo, request.Data)).Text);
            default:
                return new OutgoingMessage(request.Key, channel, request.Recipient, (await One(TemplateChannels.Chat, request.Data)).Text);
        }
    }

    /// <summary>
    /// An SMS within the configured parts: when an officer's free text (a broadcast, a reason, a note) pushes it past
    /// them, that text is cut at a word with "…" to the longest that fits; the fixed wording never is.
    /// </summary>
    internal async Task<RenderedVariant> SmsWithinPartsAsync(JsonElement data, Func<JsonElement, Task<RenderedVariant>> render)
    {
        var max = channelLimits.Value.MaxSmsSegments;
        var full = await render(data);
        if (full.Sms is null || full.Sms.Segments <= max || data.ValueKind != JsonValueKind.Object) return full;
        var root = JsonNode.Parse(data.GetRawText())!.AsObject();
        var texts = FreeText.Select(path => (Path: path, Text: Get(root, path))).Where(x => x.Text is { Length: > 0 }).ToList();
        if (texts.Count == 0) return full;
        JsonElement With(double share)
        {
            foreach (var (path, text) in texts) Set(root, path, Shorten(text!, (int)(text!.Length * share)));
            return JsonSerializer.SerializeToElement(root);
        }
        var (low, high) = (0.0, 1.0);
        RenderedVariant? best = null;
        for (var i = 0; i < 12; i++)
        {
            var mid = (low + high) / 2;
            var candidate = await render(With(mid));
            if (candidate.Sms!.Segments <= max)
            {
                best = candidate;
                low = mid;
            }
            else
            {
                high = mid;
            }
        }
        return best ?? await render(With(0));
    }

    private static string? Get(JsonObject root, string[] path)
    {
        JsonNode? node = root;
        foreach (var p in path) node = node is JsonObject o && o.TryGetPropertyValue(p, out var next) ? next : null;
        return node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    }

    private static void Set(JsonObject root, string[] path, string value)
    {
        var node = root;
        foreach (var p in path[..^1]) node = (JsonObject)node[p]!;
        node[path[^1]] = value;
    }

    private static string Shorten(string text, int length)
    {
        if (length >= text.Length) return text;
        if (length <= 1) return "";
        var cut = text[..(length - 1)];
        var space = cut.LastIndexOf(' ');
        return (space > length / 2 ? cut[..space] : cut).TrimEnd(' ', ',', '.', ';', ':') + "…";
    }

    /// <summary>
    /// The approved ZNS template for a notification type: from configuration (<see cref="ZnsOptions"/>), else the id an
    /// admin entered in the template's own ZNS variant; null when neither names one.
    /// </summary>
    private async Task<string?> ZnsTemplateIdAsync(TemplateStore templates, string templateKey, CancellationToken ct)
    {
        if (zns.Value.TemplateIdFor(templateKey) is { } configured) return configured;
        if ((await templates.LiveAsync(templateKey, ct))?.Variants.GetValueOrDefault(TemplateChannels.Variant("vi", TemplateChannels.Zns)) is not { } source)
            return null;
        try
        {
            using var doc = JsonDocument.Parse(source);
            return doc.RootElement.TryGetProperty("template_id", out var id) && id.ValueKind == JsonValueKind.String
                && !string.IsNullOrWhiteSpace(id.GetString()) ? id.GetString()!.Trim() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Why Zalo would refuse this ZNS: no approved template, or a parameter longer than the template allows.</summary>
    private async Task<string?> ZnsProblemAsync(TemplateStore templates, string templateKey, OutgoingMessage m, CancellationToken ct)
    {
        if (m.ZnsTemplateId is null || m.ZnsParameters is null) return "no approved ZNS template is mapped for " + templateKey;
        var limits = (await templates.LiveAsync(templateKey, ct))?.ZnsLimits;
        foreach (var (name, value) in m.ZnsParameters)
        {
            var limit = limits is not null && limits.TryGetValue(name, out var l) ? l : channelLimits.Value.ZnsDefaultParameterLimit;
            if (value.Length > limit) return $"ZNS parameter '{name}' has {value.Length} characters; the template allows {limit}";
        }
        return null;
    }

    /// <summary>When a message may go out: its own start, and for non-critical messages the end of quiet hours.</summary>
    public DateTimeOffset? HoldUntil(NotificationRequest request, DateTimeOffset now)
    {
        if (request.NotBefore is { } notBefore && now < notBefore) return notBefore;
        if (request.Priority == NotificationPriority.Critical || request.Prepared is not null) return null;
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
    public TimeSpan Backoff(long failures)
    {
        var o = options.Value;
        var exponential = o.BaseBackoff.TotalSeconds * Math.Pow(2, Math.Max(0, failures - 1));
        var capped = Math.Min(exponential, o.MaxBackoff.TotalSeconds);
        return TimeSpan.FromSeconds(capped * (0.8 + Random.Shared.NextDouble() * 0.4));
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static string Summary(Recipient r) =>
        r.Phone is { } p && VietnamesePhone.TryNormalize(p, out var phone) ? VietnamesePhone.Mask(phone)
        : r.Email is { } e && e.Contains('@') ? e[0] + "***@" + e.Split('@')[^1]
        : r.ZaloUserId is not null ? "zalo user" : r.WebChatConversationId is not null ? "web chat" : "?";
}
