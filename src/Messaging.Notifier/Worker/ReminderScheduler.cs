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
/// Puts due reminders on the queue. Due rows are claimed with a lease in one statement, so every worker node can run
/// the scheduler and none takes a reminder another holds; the messages and the reminder's new status commit together
/// on the embedded queue (send first, mark after on an outside queue). A reminder whose booking is gone or started is
/// dropped. The request names the booking and its version: the processor re-reads it at send time, so a reminder held
/// for quiet hours is not sent for a booking cancelled or moved meanwhile.
/// </summary>
public sealed class ReminderScheduler(IServiceScopeFactory scopes, INotificationQueue queue, TimeProvider time)
{
    private static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(2);

    public async Task<int> EnqueueDueAsync(int max, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        var now = time.GetUtcNow();
        var ids = await db.ClaimRowsAsync("reminders", "status = 'Pending' AND due_at <= @due", "due_at", "claimed_until", now, now + ClaimFor, max, ct,
            ("@due", now.UtcTicks));
        if (ids.Count == 0) return 0;
        var due = await db.Set<Reminder>().AsNoTracking().Where(r => ids.Contains(r.Id) && r.Status == ReminderStatus.Pending).ToListAsync(ct);
        var bookingIds = due.Select(r => r.BookingId).Distinct().ToList();
        var bookings = await db.Bookings.AsNoTracking().Where(b => bookingIds.Contains(b.Id)).ToDictionaryAsync(b => b.Id, ct);
        var context = new PlanContext(db, scope.ServiceProvider.GetRequiredService<ProcedureCatalog>(), now);
        foreach (var reminder in due)
        {
            if (reminder.Kind == Messaging.Core.HomeVisits.HomeVisitReminders.DayBefore)
            {
                // A home visit's reminder: its "booking id" is the visit's id.
                await HomeVisitNotices.EnqueueReminderAsync(context, queue, reminder, ct);
                continue;
            }
            var booking = bookings.GetValueOrDefault(reminder.BookingId);
            var active = booking is not null && booking.IsActiveAt(now);
            var bodies = new List<string>(1);
            if (active)
            {
                var template = reminder.Kind == Reminders.DayBefore ? "notify/booking.reminder-day-before" : "notify/booking.reminder-soon";
                var request = await BookingNotices.RequestAsync(context, booking!, $"reminder:{reminder.Id:N}", template, [], null, ct);
                bodies.Add(JsonSerializer.Serialize(request, NotificationProcessor.Json));
            }
            await OutboxDispatcher.EnqueueAndMarkAsync(db, queue, bodies, () =>
                db.Set<Reminder>().Where(r => r.Id == reminder.Id && r.Status == ReminderStatus.Pending)
                    .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, active ? ReminderStatus.Enqueued : ReminderStatus.Cancelled), ct), ct);
        }
        return due.Count;
    }
}
