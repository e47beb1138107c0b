using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Core.Appointments;

public sealed record SessionDraft(string OfficeId, int ServiceId, SessionKind Kind, string Title, string Place,
    DateTimeOffset Start, DateTimeOffset End, int CapacityPerSlot);

/// <summary>Officers' extra and mobile sessions. Changes move the bookings inside and write outbox events.</summary>
public sealed class SessionService(MessagingDbContext db, TimeProvider time, Microsoft.Extensions.Options.IOptions<ReminderOptions> reminders)
{
    public async Task<Session> CreateAsync(SessionDraft draft, CancellationToken ct)
    {
        var service = await ServiceOrThrowAsync(draft.OfficeId, draft.ServiceId, ct);
        Validate(draft, service);
        var now = time.GetUtcNow();
        var session = new Session
        {
            Id = Guid.CreateVersion7(now),
            OfficeId = draft.OfficeId,
            ServiceId = draft.ServiceId,
            Kind = draft.Kind,
            Title = draft.Title.Trim(),
            Place = draft.Place.Trim(),
            Start = draft.Start,
            End = draft.End,
            CapacityPerSlot = draft.CapacityPerSlot,
            Status = SessionStatus.Scheduled,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        db.Sessions.Add(session);
        await db.SaveChangesAsync(ct);
        return session;
    }

    /// <summary>How many active bookings a change or cancellation would notify.</summary>
    public Task<int> CountActiveBookingsAsync(Guid sessionId, CancellationToken ct) =>
        db.Bookings.CountAsync(b => b.SessionId == sessionId && b.Status == BookingStatus.Booked, ct);

    /// <summary>
    /// Moves, resizes or relocates a session. Every booking keeps its position in the session, so it moves by the
    /// same amount; a change that would drop a booked slot or a booked place is refused.
    /// </summary>
    public async Task<Session> ChangeAsync(Guid id, DateTimeOffset start, DateTimeOffset end, string place,
        int capacityPerSlot, CancellationToken ct)
    {
        var session = await db.Sessions.FirstOrDefaultAsync(s => s.Id == id, ct)
            ?? throw new BookingException(BookingError.NotFound, "No session with that id.");
        if (session.Status != SessionStatus.Scheduled)
            throw new BookingException(BookingError.NotActive, "The session was cancelled.");
        var service = await ServiceOrThrowAsync(session.OfficeId, session.ServiceId, ct);
        Validate(new SessionDraft(session.OfficeId, session.ServiceId, session.Kind, session.Title, place, start, end,
            capacityPerSlot), service);

        var length = TimeSpan.FromMinutes(service.SlotMinutes);
        var newSlots = (int)((end - start) / length);
        var bookings = await db.Bookings.Where(b => b.SessionId == id && b.Status == BookingStatus.Booked).ToListAsync(ct);
        var perSlot = bookings.GroupBy(b => b.SlotKey).Select(g => g.Count()).DefaultIfEmpty(0).Max();
        if (perSlot > capacityPerSlot)
            throw new BookingException(BookingError.SessionConflict,
                $"A slot already holds {perSlot} bookings; the capacity cannot go below that.");

        var now = time.GetUtcNow();
        await using var tx = await db.BeginWriteAsync(ct);
        foreach (var booking in bookings)
        {
            var index = (int)((booking.Start - session.Start) / length);
            if (index >= newSlots)
                throw new BookingException(BookingError.SessionConflict,
                    "The shorter session would drop booked slots; cancel those bookings first.");
            var oldDay = OfficeTime.LocalDate(booking.Start, null);
            booking.Start = start + index * length;
            booking.End = booking.Start + length;
            // A session moved to another day takes its bookings into that day's line: numbers there are drawn afresh.
            var newDay = OfficeTime.LocalDate(booking.Start, null);
            if (newDay != oldDay)
                booking.QueueNumber = await FrontDesk.QueueNumbers.NextAsync(db, session.OfficeId, newDay, null, ct);
            booking.UpdatedAt = now;
            booking.Version++;
            await Reminders.RescheduleAsync(db, booking, reminders.Value, now, ct);
        }

        var oldStart = session.Start;
        var oldPlace = session.Place;
        session.Start = start;
        session.End = end;
        session.Place = place.Trim();
        session.CapacityPerSlot = capacityPerSlot;
        session.UpdatedAt = now;
        session.Version++;
        db.Outbox.Add(OutboxMessage.From(new SessionChanged(session.Id, session.OfficeId, oldStart, start, end,
            session.Place, session.Version, [.. bookings.Select(b => b.Id)], oldPlace), now));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return session;
    }

    /// <summary>Cancels the session and every booking in it; the outbox event lets the notifier tell each citizen.</summary>
    public async Task<Session> CancelAsync(Guid id, string? reason, string by, CancellationToken ct)
    {
        var session = await db.Sessions.FirstOrDefaultAsync(s => s.Id == id, ct)
            ?? throw new BookingException(BookingError.NotFound, "No session with that id.");
        if (session.Status == SessionStatus.Cancelled) return session;
        var now = time.GetUtcNow();
        await using var tx = await db.BeginWriteAsync(ct);
        var bookings = await db.Bookings.Where(b => b.SessionId == id && b.Status == BookingStatus.Booked).ToListAsync(ct);
        foreach (var booking in bookings)
        {
            booking.Status = BookingStatus.Cancelled;
            booking.CancelReason = reason ?? "session-cancelled";
            booking.CancelledBy = by;
            booking.UpdatedAt = now;
            booking.Version++;
            await Reminders.CancelAsync(db, booking.Id, ct);
        }
        session.Status = SessionStatus.Cancelled;
        session.CancelReason = reason;
        session.UpdatedAt = now;
        session.Version++;
        db.Outbox.Add(OutboxMessage.From(new SessionCancelled(session.Id, session.OfficeId, reason, [.. bookings.Select(b => b.Id)]), now));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return session;
    }

    private async Task<OfficeService> ServiceOrThrowAsync(string officeId, int serviceId, CancellationToken ct) =>
        await db.OfficeServices.AsNoTracking().FirstOrDefaultAsync(s => s.Id == serviceId && s.OfficeId == officeId, ct)
        ?? throw new BookingException(BookingError.UnknownOffice, "That office does not offer that service.");

    private void Validate(SessionDraft d, OfficeService service)
    {
        if (d.End <= d.Start || d.End - d.Start < TimeSpan.FromMinutes(service.SlotMinutes))
            throw new BookingException(BookingError.SlotUnavailable, "The session must last at least one slot.");
        if (d.End - d.Start > TimeSpan.FromHours(16))
            throw new BookingException(BookingError.SlotUnavailable, "A session lasts at most 16 hours.");
        if (d.Start < time.GetUtcNow())
            throw new BookingException(BookingError.SlotUnavailable, "A session cannot start in the past.");
        if (d.CapacityPerSlot is < 1 or > 100)
            throw new BookingException(BookingError.SlotUnavailable, "Capacity per slot must be between 1 and 100.");
        if (string.IsNullOrWhiteSpace(d.Place) || string.IsNullOrWhiteSpace(d.Title))
            throw new BookingException(BookingError.SlotUnavailable, "A session needs a title and a place.");
    }
}
