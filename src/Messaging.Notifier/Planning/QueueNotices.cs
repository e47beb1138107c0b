using Messaging.Core.Appointments;
using Messaging.Core.FrontDesk;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Notifier.Planning;

/// <summary>
/// "Your turn is near": when a desk calls a number, the booked citizens a few places behind it are told on their
/// channel (Zalo, a web chat copy, SMS, email, as for their other booking notices). The desk claimed each citizen's notice
/// once; the key "turn-near:{booking}" makes the delivery once as well, whatever is replayed.
/// </summary>
public static class QueueNotices
{
    public const string TemplateKey = "notify/queue.turn-near";
    /// <summary>The notice is about a place in the queue: it still holds while that place is waiting.</summary>
    public const string SubjectKind = "queue-entry";
    /// <summary>A notice that could not go within this time (quiet hours, a gateway down) tells nothing any more.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    public static string Key(Guid bookingId) => $"turn-near:{bookingId:N}";

    /// <summary>Obsolete once the number was called or closed: the citizen is at the desk, or no longer in line.</summary>
    public static async Task<string?> ObsoleteAsync(MessagingDbContext db, NotificationSubject s, CancellationToken ct)
    {
        if (!Guid.TryParse(s.Id, out var id)) return "the queue entry no longer exists";
        var status = await db.Set<QueueEntry>().AsNoTracking().Where(e => e.Id == id).Select(e => (QueueEntryStatus?)e.Status).FirstOrDefaultAsync(ct);
        return status switch
        {
            null => "the queue entry no longer exists",
            QueueEntryStatus.Waiting => null,
            _ => "the number was called or closed before the notice went",
        };
    }
}

public sealed class QueueCalledPlanner : NotificationPlanner<QueueCalled>
{
    public override string EventType => "queue.called";

    protected override async Task<IReadOnlyList<NotificationRequest>> PlanAsync(PlanContext c, QueueCalled e, OutboxMessage row, CancellationToken ct)
    {
        var ids = e.Near.Select(n => n.BookingId).ToList();
        if (ids.Count == 0) return [];
        var bookings = await c.Db.Bookings.AsNoTracking().Where(b => ids.Contains(b.Id)).ToDictionaryAsync(b => b.Id, ct);
        var office = await c.Db.Offices.AsNoTracking().FirstOrDefaultAsync(o => o.Id == e.OfficeId, ct);
        var entries = e.Near.Select(n => n.EntryId).ToList();
        var numbers = await c.Db.Set<QueueEntry>().AsNoTracking().Where(x => entries.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.Number, ct);
        var list = new List<NotificationRequest>(e.Near.Count);
        foreach (var near in e.Near)
        {
            // A booking cancelled since the call is not in line any more.
            if (bookings.GetValueOrDefault(near.BookingId) is not { } b || b.Status is BookingStatus.Cancelled or BookingStatus.NoShow) continue;
            var extra = new Dictionary<string, object?>
            {
                ["queue"] = new
                {
                    number = QueueLabel.Format(office?.QueuePrefix, numbers.TryGetValue(near.EntryId, out var n) ? n : b.QueueNumber),
                    ahead = near.Ahead,
                    called = e.Number,
                    desk = e.Desk,
                },
            };
            var request = await BookingNotices.RequestAsync(c, b, QueueNotices.Key(b.Id), QueueNotices.TemplateKey, extra, null, ct,
                office: office, expires: false, subject: new NotificationSubject(QueueNotices.SubjectKind, near.EntryId.ToString(), 0));
            list.Add(request with { ExpiresAt = row.OccurredAt + QueueNotices.Lifetime });
        }
        return list;
    }
}
