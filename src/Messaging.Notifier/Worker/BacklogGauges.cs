using System.Diagnostics.Metrics;
using Messaging.Core.Persistence;
using Messaging.Notifier.Queues;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Messaging.Notifier.Worker;

/// <summary>
/// The notifier's backlog as gauges in the "Messaging" meter (`messaging_outbox_pending`, `messaging_outbox_lag_seconds`,
/// `messaging_queue_poison`), sampled every 15 s by a worker rather than read on each scrape, so a scraper hammering
/// /metrics never queries the database. The same figures readiness checks against its thresholds.
/// </summary>
public sealed class BacklogGauges(IServiceScopeFactory scopes, INotificationQueue queue, TimeProvider time,
    ILogger<BacklogGauges> log, Heartbeats beats) : PollingWorker(time, log, beats)
{
    private const int PoisonCountedUpTo = 1000;
    private long _pending;
    private double _lagSeconds;
    private long _poison;

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
        Meter.CreateObservableGauge("messaging.queue.poison", () => Interlocked.Read(ref _poison), "{message}",
            $"Messages in the poison queue (counted up to {PoisonCountedUpTo})");
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
        var count = await db.Outbox.AsNoTracking().CountAsync(m => m.DispatchedAt == null, ct);
        var lag = await OutboxLagAsync(db, Time.GetUtcNow(), ct);
        var poison = (await queue.PeekPoisonAsync(PoisonCountedUpTo, ct)).Count;
        Interlocked.Exchange(ref _pending, count);
        Volatile.Write(ref _lagSeconds, lag.TotalSeconds);
        Interlocked.Exchange(ref _poison, poison);
        return false;
    }
}
