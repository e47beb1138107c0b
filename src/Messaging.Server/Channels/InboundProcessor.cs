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
    TimeProvider time, ILogger<InboundProcessor> log) : BackgroundService
{
    public const int MaxAttempts = 5;
    private static readonly TimeSpan Claim = TimeSpan.FromMinutes(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RunOnceAsync(stoppingToken) > 0) { }
                await signal.WaitAsync(TimeSpan.FromSeconds(2), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogError(e, "The inbound processor failed; it carries on in a moment");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    /// <summary>Handles the events due now; returns how many it took.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
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
                e.ProcessedAt = time.GetUtcNow();
                e.ClaimedUntil = null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                log.LogWarning(ex, "Inbound {Channel} event {Id} ({Event}) failed on attempt {Attempt}", e.Channel, e.Id, e.EventName, e.Attempts);
                e.Error = ex.Message;
                e.ClaimedUntil = time.GetUtcNow() + TimeSpan.FromSeconds(5 * Math.Pow(3, e.Attempts - 1));
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
