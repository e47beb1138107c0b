using System.Globalization;
namespace Messaging.Core.Appointments;

/// <summary>A bookable time at an office, regular or within an extra/mobile session.</summary>
public sealed record Slot(
    string OfficeId, int ServiceId, Guid? SessionId, DateTimeOffset Start, DateTimeOffset End,
    int Capacity, int Booked, string SlotKey)
{
    public int Free => Math.Max(0, Capacity - Booked);
}

/// <summary>What a citizen asks for: a procedure, optionally an office or a commune, and a date range.</summary>
public sealed record SlotQuery(string ProcedureId, DateOnly From, DateOnly To, string? OfficeId = null,
    string? Commune = null, int Limit = 200);

/// <summary>
/// Generates the slots an office offers, honouring hours, closures, weekdays, notice and horizon.
/// Pure: the same inputs give the same slots, so the booking path can re-derive and check a requested slot.
/// </summary>
public static class SlotGenerator
{
    public static IEnumerable<Slot> Regular(Office office, OfficeService service, DateOnly date, DateTimeOffset now)
    {
        var today = OfficeTime.LocalDate(now, office.TimeZoneId);
        if (date < today || date > today.AddDays(service.HorizonDays)) yield break;
        if (office.Closures.Any(c => c.Date == date)) yield break;
        if (service.Weekdays.Count > 0 && !service.Weekdays.Contains(date.DayOfWeek)) yield break;

        var earliest = now.AddMinutes(service.MinNoticeMinutes);
        var length = TimeSpan.FromMinutes(service.SlotMinutes);
        foreach (var hours in office.Hours.Where(h => h.Day == date.DayOfWeek).OrderBy(h => h.Opens))
        {
            for (var t = hours.Opens; t.Add(length) <= hours.Closes && t.Add(length) > t; t = t.Add(length))
            {
                var start = OfficeTime.At(date, t, office.TimeZoneId);
                if (start < earliest) continue;
                yield return new Slot(office.Id, service.Id, null, start, start + length, service.CapacityPerSlot, 0,
                    RegularKey(service.Id, start));
            }
            // TimeOnly wraps at midnight; the guard above stops a block that ends at 24:00 from looping.
        }
    }

    public static IEnumerable<Slot> ForSession(Session session, OfficeService service, DateTimeOffset now)
    {
        if (session.Status != SessionStatus.Scheduled) yield break;
        var earliest = now.AddMinutes(service.MinNoticeMinutes);
        var length = TimeSpan.FromMinutes(service.SlotMinutes);
        var index = 0;
        for (var start = session.Start; start + length <= session.End; start += length, index++)
        {
            if (start < earliest) continue;
            yield return new Slot(session.OfficeId, service.Id, session.Id, start, start + length,
                session.CapacityPerSlot, 0, SessionKey(session.Id, index));
        }
    }

    public static string RegularKey(int serviceId, DateTimeOffset start) =>
        string.Create(CultureInfo.InvariantCulture, $"r{serviceId}:{start.UtcDateTime:yyyyMMddHHmm}");

    /// <summary>Session slots are keyed by position, so moving a session keeps every booking's place.</summary>
    public static string SessionKey(Guid sessionId, int index) => $"s{sessionId:N}:{index}";
}
