using System.Text.Json;
using Messaging.Core.Appointments;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Messaging.Notifier.Queues;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Messaging.Notifier.Worker;

/// <summary>
/// Puts due reminders on the queue. Enqueue first, mark after: a crash in between enqueues again, and the reminder's
/// key makes the worker send it once. A reminder whose booking is gone or started is dropped; the request also expires
/// at the appointment's start, so a late queue never sends a reminder after it.
/// </summary>
public sealed class ReminderScheduler(IServiceScopeFactory scopes, INotificationQueue queue, TimeProvider time)
{
    public async Task<int> EnqueueDueAsync(int max, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        var catalog = scope.ServiceProvider.GetRequiredService<ProcedureCatalog>();
        var now = time.GetUtcNow();
        var due = await db.Set<Reminder>().AsNoTracking()
            .Where(r => r.Status == ReminderStatus.Pending && r.DueAt <= now.UtcTicks)
            .OrderBy(r => r.DueAt).Take(max).ToListAsync(ct);
        foreach (var reminder in due)
        {
            var booking = await db.Bookings.AsNoTracking().FirstOrDefaultAsync(b => b.Id == reminder.BookingId, ct);
            if (booking is not null && booking.IsActiveAt(now))
            {
                var template = reminder.Kind == Reminders.DayBefore ? "notify/booking.reminder-day-before" : "notify/booking.reminder-soon";
                var request = await OutboxDispatcher.BookingRequestAsync(db, catalog, booking, $"reminder:{reminder.Id:N}", template,
                    new Dictionary<string, object?>(), null, null, ct);
                await queue.SendAsync(JsonSerializer.Serialize(request, NotificationProcessor.Json), null, ct);
            }
            await db.Set<Reminder>().Where(r => r.Id == reminder.Id && r.Status == ReminderStatus.Pending)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, booking?.IsActiveAt(now) == true ? ReminderStatus.Enqueued : ReminderStatus.Cancelled), ct);
        }
        return due.Count;
    }
}

public sealed class ReminderSchedulerService(ReminderScheduler scheduler, ILogger<ReminderSchedulerService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await scheduler.EnqueueDueAsync(200, stoppingToken) > 0) continue;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Scheduling reminders failed; trying again");
            }
            await Task.Delay(TimeSpan.FromSeconds(15), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
