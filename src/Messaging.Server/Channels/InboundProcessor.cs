using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Server.Channels;

/// <summary>
/// Works through the stored webhook events in order. Each event is claimed for a while (an optimistic update of its
/// attempt count, so two nodes never take the same one), handled, and marked processed; a failure is retried later
/// with a growing delay, up to <see cref="MaxAttempts"/> times, and stays visible with its error.
/// </summary>
public sealed class InboundProcessor(IServiceScopeFactory scopes, InboundSignal signal, ZaloEventHandler zalo,
    TimeProvider time, ILogger<InboundProcessor> log, Messaging.Notifier.Worker.Heartbeats beats) : Messaging.Notifier.Worker.PollingWorker(time, log, beats)
{
    public const int MaxAttempts = 5;
    private static readonly TimeSpan Claim = TimeSpan.FromMinutes(2);

    protected override TimeSpan Idle => TimeSpan.FromSeconds(2);

    // A webhook's event is handled as soon as it is stored: the signal cuts the wait short.
    protected override async Task WaitAsync(CancellationToken ct) => await signal.WaitAsync(Idle, ct);

    public override async Task<bool> RunOnceAsync(CancellationToken ct) => await ProcessDueAsync(ct) > 0;

    /// <summary>Handles the events due now; returns how many it took.</summary>
    public async Task<int> ProcessDueAsync(CancellationToken ct)
    {
        var now = Time.GetUtcNow();
        List<InboundEvent> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
            due = await db.InboundEvents.AsNoTracking()
                .Where(e => e.ProcessedAt == null && e.Attempts < MaxAttempts && (e.ClaimedUntil == null || e.ClaimedUntil < now))
                .OrderBy(e => e.Id).Take(20).ToListAsync(ct);
        }
        var taken = 0;
        foreach (var e in due)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
            db.Attach(e);
            e.Attempts++;
            e.ClaimedUntil = now + Claim;
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                continue; // another node took it
            }
            taken++;
            try
            {
                e.Error = await HandleAsync(e, ct);
                e.ProcessedAt = Time.GetUtcNow();
                e.ClaimedUntil = null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                Log.InboundEventFailed(ex, e.Channel, e.Id, e.EventName, e.Attempts);
                e.Error = ex.Message;
                e.ClaimedUntil = Time.GetUtcNow() + TimeSpan.FromSeconds(5 * Math.Pow(3, e.Attempts - 1));
            }
            await db.SaveChangesAsync(CancellationToken.None);
        }
        return taken;
    }

    private Task<string?> HandleAsync(InboundEvent e, CancellationToken ct) => e.Channel switch
    {
        "zalo" => zalo.HandleAsync(e, ct),
        _ => Task.FromResult<string?>($"no handler for channel {e.Channel}"),
    };
}
