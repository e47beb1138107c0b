using Messaging.Core.Telemetry;
using System.Diagnostics;
using System.Text.Json;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Messaging.Notifier.Planning;
using Messaging.Notifier.Queues;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Notifier.Worker;

/// <summary>
/// Turns outbox rows written by the domain into notification requests on the queue, then marks them dispatched. Rows
/// are claimed in one statement with a lease, so several workers can run this at once without taking the same row;
/// on the embedded queue the messages and the mark commit together. A worker that dies after sending to an outside
/// queue but before marking leaves the row to be dispatched again when its lease lapses: the same keys, claimed once
/// by the processor, make that harmless.
/// </summary>
public sealed class OutboxDispatcher(IServiceScopeFactory scopes, INotificationQueue queue, NotificationPlanners planners, TimeProvider time)
{
    private static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(2);

    public async Task<int> DispatchOnceAsync(int max, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        var now = time.GetUtcNow();
        var ids = await db.ClaimRowsAsync("outbox", "dispatched_at IS NULL", "occurred_at", "claimed_until", now, now + ClaimFor, max, ct);
        if (ids.Count == 0) return 0;
        var rows = await db.Outbox.AsNoTracking().Where(o => ids.Contains(o.Id) && o.DispatchedAt == null).OrderBy(o => o.OccurredAt).ToListAsync(ct);
        var context = new PlanContext(db, scope.ServiceProvider.GetRequiredService<ProcedureCatalog>(), now);
        foreach (var row in rows)
        {
            using var span = MessagingTraces.StartFrom("outbox.dispatch", ActivityKind.Producer, row.TraceParent);
            span?.SetTag("messaging.event", row.Type);
            if (row.Type == "booking.created") await RememberContactAsync(scope.ServiceProvider, db, row, ct);
            var parent = MessagingTraces.CurrentParent() ?? row.TraceParent;
            var bodies = (await planners.PlanAsync(context, row, ct))
                .Select(r => JsonSerializer.Serialize(r with { TraceParent = parent }, NotificationProcessor.Json)).ToList();
            await EnqueueAndMarkAsync(db, queue, bodies, () =>
                db.Outbox.Where(o => o.Id == row.Id).ExecuteUpdateAsync(u => u.SetProperty(o => o.DispatchedAt, time.GetUtcNow()), ct), ct);
        }
        return rows.Count;
    }

    /// <summary>
    /// Puts messages on the queue and marks their source done: in one transaction when the queue is in the database (and
    /// nothing is queued when the mark finds the source taken or done by another worker); otherwise send first, mark
    /// after, so a crash in between sends again (and the keys absorb it) rather than never.
    /// </summary>
    internal static async Task<bool> EnqueueAndMarkAsync(MessagingDbContext db, INotificationQueue queue, IReadOnlyList<string> bodies,
        Func<Task<int>> mark, CancellationToken ct)
    {
        if (queue.InDatabase)
        {
            await using var tx = await db.BeginWriteAsync(ct);
            if (bodies.Count > 0) await queue.SendInTransactionAsync(db, bodies, ct);
            if (await mark() == 0) return false;
            await tx.CommitAsync(ct);
            return true;
        }
        if (bodies.Count > 0) await queue.SendBatchAsync(bodies, ct);
        return await mark() > 0;
    }

    private static async Task RememberContactAsync(IServiceProvider sp, MessagingDbContext db, OutboxMessage row, CancellationToken ct)
    {
        var id = JsonDocument.Parse(row.Payload).RootElement.GetProperty("bookingId").GetGuid();
        var b = await db.Bookings.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        // Only whoever proved the phone may set its contact details: otherwise typing someone's number would route
        // that person's messages to the typist's Zalo.
        if (b is null || !b.PhoneVerified) return;
        await sp.GetRequiredService<ContactService>().UpsertAsync(b.Phone, b.CitizenName, b.Email, b.Channel == "zalo" ? b.ChannelUserId : null, null, b.Locale, ct);
    }
}
