using Messaging.Core.Appointments;
using Messaging.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Core.Notifications;

public enum ReminderStatus { Pending, Enqueued, Cancelled }

/// <summary>A reminder of one booking, due at a moment; stored so it survives restarts and moves with the booking.</summary>
public sealed class Reminder
{
    public Guid Id { get; set; }
    public Guid BookingId { get; set; }
    /// <summary>"day-before" or "soon".</summary>
    public string Kind { get; set; } = "";
    /// <summary>UTC ticks, so the due query compares integers on every provider.</summary>
    public long DueAt { get; set; }
    public ReminderStatus Status { get; set; }
    /// <summary>UTC ticks until which one worker holds the reminder for enqueueing; another may take it after (a crash).</summary>
    public long ClaimedUntil { get; set; }
}

public sealed class ReminderOptions
{
    public const string Section = "Reminders";
    /// <summary>Local time of the day-before reminder.</summary>
    public TimeOnly DayBeforeAt { get; set; } = new(8, 0);
    /// <summary>How long before the appointment the second reminder goes.</summary>
    public TimeSpan SoonBefore { get; set; } = TimeSpan.FromHours(2);
}

/// <summary>Schedules, moves and cancels a booking's reminders inside the caller's transaction.</summary>
public static class Reminders
{
    public const string DayBefore = "day-before";
    public const string Soon = "soon";

    /// <summary>Replaces the pending reminders of a booking with ones for its current start; none that would already be late.</summary>
    public static async Task RescheduleAsync(MessagingDbContext db, Booking booking, ReminderOptions options, DateTimeOffset now,
        CancellationToken ct)
    {
        await CancelAsync(db, booking.Id, ct);
        if (booking.Status != BookingStatus.Booked) return;
        var day = OfficeTime.LocalDate(booking.Start, null).AddDays(-1);
        var dayBefore = OfficeTime.At(day, options.DayBeforeAt, null);
        var soon = booking.Start - options.SoonBefore;
        foreach (var (kind, due) in new[] { (DayBefore, dayBefore), (Soon, soon) })
        {
            if (due <= now) continue;
            db.Add(new Reminder { Id = Guid.NewGuid(), BookingId = booking.Id, Kind = kind, DueAt = due.UtcTicks, Status = ReminderStatus.Pending });
        }
    }

    public static Task CancelAsync(MessagingDbContext db, Guid bookingId, CancellationToken ct) =>
        db.Set<Reminder>().Where(r => r.BookingId == bookingId && r.Status == ReminderStatus.Pending)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, ReminderStatus.Cancelled), ct);
}
