using Messaging.Core.Appointments;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Notifier.Planning;

/// <summary>
/// The facts a notice was written for, read again just before it goes out. A reminder held for quiet hours, or queued
/// behind a broadcast, must not tell a citizen to come to a booking that was cancelled or moved meanwhile: such a
/// notice is obsolete (the later change sends its own). Returns why, or null when the notice still holds.
/// </summary>
public static class Freshness
{
    public static async Task<string?> ObsoleteAsync(MessagingDbContext db, NotificationRequest request, DateTimeOffset now, CancellationToken ct)
    {
        if (request.Subject is not { } s) return null;
        switch (s.Kind)
        {
            case NotificationSubject.Booking:
            {
                var booking = Guid.TryParse(s.Id, out var id) ? await db.Bookings.AsNoTracking().FirstOrDefaultAsync(b => b.Id == id, ct) : null;
                if (booking is null) return "the booking no longer exists";
                if (request.TemplateKey == "notify/booking.cancelled")
                    return booking.Status == BookingStatus.Cancelled ? null : "the booking is not cancelled";
                if (booking.Status != BookingStatus.Booked) return "the booking was cancelled or has been handled";
                if (booking.Version != s.Version) return "the booking changed after this notice was written; a newer notice follows";
                if (booking.Start <= now) return "the appointment has started";
                return null;
            }
            case NotificationSubject.Session:
            {
                var session = Guid.TryParse(s.Id, out var id) ? await db.Sessions.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) : null;
                if (session is null) return "the session no longer exists";
                if (request.TemplateKey == "notify/session.cancelled")
                    return session.Status == SessionStatus.Cancelled ? null : "the session is not cancelled";
                if (session.Status == SessionStatus.Cancelled) return "the session was cancelled after it changed";
                if (session.Version != s.Version) return "the session changed again; a newer notice follows";
                return null;
            }
            case NotificationSubject.Dossier:
            {
                // Other fields of a dossier may change without a notice; only a newer status makes this one stale.
                var status = await db.Dossiers.AsNoTracking().Where(d => d.Code == s.Id).Select(d => (Messaging.Core.Dossiers.DossierStatus?)d.Status).FirstOrDefaultAsync(ct);
                if (status is null) return "the dossier no longer exists";
                return request.TemplateKey == "notify/dossier." + Messaging.Core.Dossiers.DossierStatuses.ToWire(status.Value)
                    ? null : "the dossier's status changed again; a newer notice follows";
            }
            case HomeVisitNotices.SubjectKind:
                return await HomeVisitNotices.ObsoleteAsync(db, request, s, now, ct);
            case QueueNotices.SubjectKind:
                return await QueueNotices.ObsoleteAsync(db, s, ct);
            default:
                return null;
        }
    }
}
