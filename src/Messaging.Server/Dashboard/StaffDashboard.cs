using System.Security.Claims;
using Messaging.Core.Appointments;
using Messaging.Core.Language;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Server.Security;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Server.Dashboard;

/// <summary>One local day of an office: its active bookings and the places it offers, extra and mobile sessions included.</summary>
public sealed record DayLoad(DateOnly Date, int Booked, int Capacity);

public sealed record OfficeLoad(string OfficeId, string OfficeName, IReadOnlyList<DayLoad> Days);

/// <summary>Deliveries of one channel (null: none was chosen, e.g. skipped before sending) that ended one way.</summary>
public sealed record DeliveryCount(string? Channel, DeliveryStatus Status, int Count);

/// <summary>
/// One local day of citizens' messages. <see cref="NotUnderstood"/> comes from the learning loop's review items, which
/// keep one open item per distinct text: a lower bound when many citizens type the same thing.
/// </summary>
public sealed record UnderstandingDay(DateOnly Date, int Messages, int NotUnderstood)
{
    public int Understood => Math.Max(0, Messages - NotUnderstood);
}

/// <summary>
/// The numbers behind the staff overview's charts. Each method checks the reader itself: bookings for an office the
/// user may act for; deliveries and understanding for admins only, because neither a delivery nor a transcript records
/// an office, and other offices' citizens are not an officer's business. Times are compared in queries (both databases
/// translate that); local days are counted here, where the time zone is known.
/// </summary>
public sealed class StaffDashboard(MessagingDbContext db, OfficeDirectory directory, TimeProvider time)
{
    public const int LoadDays = 14;
    public const int HistoryDays = 7;

    /// <summary>Today and the next 13 days of one office; null when the office is unknown or not the user's.</summary>
    public async Task<OfficeLoad?> BookingLoadAsync(ClaimsPrincipal user, string officeId, CancellationToken ct)
    {
        if (!StaffAuthentication.MayActFor(user, officeId)) return null;
        if (await directory.FindAsync(db, officeId, ct) is not { } office) return null;
        var zone = office.TimeZoneId;
        var today = OfficeTime.LocalDate(time.GetUtcNow(), zone);
        var end = today.AddDays(LoadDays);
        var from = OfficeTime.At(today, TimeOnly.MinValue, zone);
        var to = OfficeTime.At(end, TimeOnly.MinValue, zone);

        // At most the fortnight's capacity of one office: a bounded list of instants.
        var starts = await db.Bookings.AsNoTracking()
            .Where(b => b.OfficeId == office.Id && b.Start >= from && b.Start < to && b.Status != BookingStatus.Cancelled)
            .Select(b => b.Start)
            .ToListAsync(ct);
        var booked = starts.GroupBy(s => OfficeTime.LocalDate(s, zone)).ToDictionary(g => g.Key, g => g.Count());

        var capacity = new Dictionary<DateOnly, int>();
        for (var day = today; day < end; day = day.AddDays(1))
            capacity[day] = office.Services.Sum(service => WholeDay(office, service, day));
        var sessions = await db.Sessions.AsNoTracking()
            .Where(s => s.OfficeId == office.Id && s.Status == SessionStatus.Scheduled && s.End > from && s.Start < to)
            .ToListAsync(ct);
        foreach (var session in sessions)
        {
            if (office.Services.FirstOrDefault(s => s.Id == session.ServiceId) is not { } service) continue;
            // Seen from before its notice period, a session yields every one of its slots.
            foreach (var slot in SlotGenerator.ForSession(session, service, session.Start.AddMinutes(-service.MinNoticeMinutes)))
            {
                var day = OfficeTime.LocalDate(slot.Start, zone);
                if (capacity.ContainsKey(day)) capacity[day] += slot.Capacity;
            }
        }

        var days = Enumerable.Range(0, LoadDays).Select(i => today.AddDays(i))
            .Select(d => new DayLoad(d, booked.GetValueOrDefault(d), capacity[d]))
            .ToList();
        return new OfficeLoad(office.Id, office.Name, days);
    }

    /// <summary>The last seven days' deliveries by channel and outcome, as the admins' deliveries page and the home tile count them.</summary>
    public async Task<IReadOnlyList<DeliveryCount>?> DeliveriesAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        if (!StaffAuthentication.IsAdmin(user)) return null;
        var since = time.GetUtcNow().AddDays(-HistoryDays);
        var counts = new List<DeliveryCount>();
        // One grouped count per outcome, each on the (status, created_at) index, rather than a scan of every delivery ever made.
        foreach (var status in Enum.GetValues<DeliveryStatus>())
        {
            var byChannel = await db.Deliveries.AsNoTracking()
                .Where(d => d.Status == status && d.CreatedAt >= since)
                .GroupBy(d => d.Channel)
                .Select(g => new { Channel = g.Key, Count = g.Count() })
                .ToListAsync(ct);
            counts.AddRange(byChannel.Select(g => new DeliveryCount(g.Channel, status, g.Count)));
        }
        return counts;
    }

    /// <summary>
    /// Citizens' messages a day over the last seven local days, against those the bot did not understand. A turn keeps no
    /// intent in its transcript, so the misses are the review items the not-understood answer records.
    /// </summary>
    public async Task<IReadOnlyList<UnderstandingDay>?> UnderstandingAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        if (!StaffAuthentication.IsAdmin(user)) return null;
        var today = OfficeTime.LocalDate(time.GetUtcNow(), null);
        var days = new List<UnderstandingDay>(HistoryDays);
        for (var day = today.AddDays(1 - HistoryDays); day <= today; day = day.AddDays(1))
        {
            var from = OfficeTime.At(day, TimeOnly.MinValue, null);
            var to = OfficeTime.At(day.AddDays(1), TimeOnly.MinValue, null);
            // A count a day on the indexed time: never a week of transcript rows in memory.
            var messages = await db.ConversationActivities
                .CountAsync(a => a.Direction == "in" && a.Text != null && a.At >= from && a.At < to, ct);
            var missed = await db.Set<LanguageReview>()
                .CountAsync(r => r.Reason == LanguageReview.NotUnderstoodReason && r.At >= from && r.At < to, ct);
            days.Add(new UnderstandingDay(day, messages, missed));
        }
        return days;
    }

    /// <summary>
    /// The places a service offers on a day, whole. Seen from just before the day's notice period, the slot generator
    /// gives every slot of the day (hours, closures and weekdays honoured), not only those still bookable now; a service
    /// whose notice reaches past its horizon offers none, as it offers none to citizens.
    /// </summary>
    private static int WholeDay(Office office, OfficeService service, DateOnly date) =>
        SlotGenerator.Regular(office, service, date,
                OfficeTime.At(date, TimeOnly.MinValue, office.TimeZoneId).AddMinutes(-service.MinNoticeMinutes))
            .Sum(slot => slot.Capacity);
}
