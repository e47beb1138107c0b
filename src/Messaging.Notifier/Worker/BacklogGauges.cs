using System.Diagnostics.Metrics;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Notifier.Queues;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Messaging.Notifier.Worker;

/// <summary>
/// The notifier's backlog as gauges in the "Messaging" meter (`messaging_outbox_pending`, `messaging_outbox_lag_seconds`,
/// `messaging_queue_depth`, `messaging_queue_age_seconds`, `messaging_queue_poison`, and recent broadcasts' recipients,
/// queued and settled messages), sampled every 15 s by a worker rather than read on each scrape, so a scraper hammering
/// /metrics never queries the database or the queue service. Readiness checks the same figures against its thresholds.
/// </summary>
public sealed class BacklogGauges(IServiceScopeFactory scopes, INotificationQueue queue, TimeProvider time,
    ILogger<BacklogGauges> log, Heartbeats beats) : PollingWorker(time, log, beats)
{
    private long _pending;
    private double _lagSeconds;
    private long _depth;
    private double _queueAgeSeconds;
    private long _poison;
    private long _broadcasts;
    private long _broadcastRecipients;
    private long _broadcastQueued;
    private long _broadcastSettled;

    /// <summary>One meter per sampler (a process has one): its gauges read this sampler's last figures.</summary>
    public Meter Meter { get; } = CreateMeter();

    private static Meter CreateMeter() => new(Messaging.Core.Telemetry.MessagingMetrics.MeterName, "1.0");

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        Register();
        return base.StartAsync(cancellationToken);
    }

    private int _registered;

    /// <summary>Creates the gauges once; the worker does it at start, a test before it samples.</summary>
    public void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        Meter.CreateObservableGauge("messaging.outbox.pending", () => Interlocked.Read(ref _pending), "{event}", "Outbox events not yet dispatched");
        Meter.CreateObservableGauge("messaging.outbox.lag", () => Volatile.Read(ref _lagSeconds), "s", "Age of the oldest undispatched outbox event");
        Meter.CreateObservableGauge("messaging.queue.depth", () => Interlocked.Read(ref _depth), "{message}",
            "Messages in the notification queue, due, in flight or delayed");
        Meter.CreateObservableGauge("messaging.queue.age", () => Volatile.Read(ref _queueAgeSeconds), "s",
            "Age of the oldest notification message that is due and not yet taken");
        Meter.CreateObservableGauge("messaging.queue.poison", () => Interlocked.Read(ref _poison), "{message}", "Messages in the poison queue");
        Meter.CreateObservableGauge("messaging.broadcast.running", () => Interlocked.Read(ref _broadcasts), "{broadcast}", "Broadcasts being sent");
        Meter.CreateObservableGauge("messaging.broadcast.recipients", () => Interlocked.Read(ref _broadcastRecipients), "{recipient}",
            "Recipients of the broadcasts running or finished in the last day");
        Meter.CreateObservableGauge("messaging.broadcast.queued", () => Interlocked.Read(ref _broadcastQueued), "{recipient}",
            "Recipients of those broadcasts whose message is queued");
        Meter.CreateObservableGauge("messaging.broadcast.settled", () => Interlocked.Read(ref _broadcastSettled), "{notification}",
            "Notifications of those broadcasts that were sent, failed or skipped");
    }

    public override void Dispose()
    {
        Meter.Dispose();
        base.Dispose();
    }

    /// <summary>How far the outbox is behind: the age of its oldest undispatched event (zero when none waits). Readiness reads the same.</summary>
    public static async Task<TimeSpan> OutboxLagAsync(MessagingDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var oldest = await db.Outbox.AsNoTracking().Where(m => m.DispatchedAt == null).OrderBy(m => m.OccurredAt)
            .Select(m => (DateTimeOffset?)m.OccurredAt).FirstOrDefaultAsync(ct);
        return oldest is { } at && now > at ? now - at : TimeSpan.Zero;
    }

    protected override TimeSpan Idle => TimeSpan.FromSeconds(15);

    public override async Task<bool> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        var now = Time.GetUtcNow();
        var count = await db.Outbox.AsNoTracking().CountAsync(m => m.DispatchedAt == null, ct);
        var lag = await OutboxLagAsync(db, now, ct);
        // Fan-out completes once every recipient is queued, while the sends go on: a broadcast stays in the figures for a
        // day after its last change, so its settled count can reach its recipients.
        var since = now - TimeSpan.FromDays(1);
        var recent = db.Set<Broadcast>().AsNoTracking().Where(b => b.Status == BroadcastStatus.Running
            || (b.Status == BroadcastStatus.Completed && b.UpdatedAt >= since));
        var running = await recent.GroupBy(_ => 1).Select(g => new
        {
            Running = g.Count(b => b.Status == BroadcastStatus.Running), Recipients = g.Sum(b => b.Recipients), Queued = g.Sum(b => b.Queued),
        }).FirstOrDefaultAsync(ct);
        var settled = running is null ? 0 : await db.Deliveries.AsNoTracking()
            .CountAsync(d => d.Status != DeliveryStatus.Pending && d.BroadcastId != null && recent.Any(b => b.Id == d.BroadcastId), ct);
        Interlocked.Exchange(ref _pending, count);
        Volatile.Write(ref _lagSeconds, lag.TotalSeconds);
        Interlocked.Exchange(ref _broadcasts, running?.Running ?? 0);
        Interlocked.Exchange(ref _broadcastRecipients, running?.Recipients ?? 0);
        Interlocked.Exchange(ref _broadcastQueued, running?.Queued ?? 0);
        Interlocked.Exchange(ref _broadcastSettled, settled);
        // The queue is read last and apart: on Azure it is another service, and the database figures above stand without it.
        var backlog = await queue.MeasureAsync(ct);
        Interlocked.Exchange(ref _depth, backlog.Depth);
        Volatile.Write(ref _queueAgeSeconds, backlog.OldestDueAge(now).TotalSeconds);
        Interlocked.Exchange(ref _poison, backlog.Poison);
        return false;
    }
}
