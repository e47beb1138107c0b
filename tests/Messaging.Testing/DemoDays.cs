using Messaging.Core.Appointments;
using Messaging.Core.Seeding;

namespace Messaging.Testing;

/// <summary>Days a test can book on in the demo offices, whatever weekday the suite runs on.</summary>
public static class DemoDays
{
    /// <summary>The first day, at least <paramref name="daysAhead"/> days from today, on which the demo offices take card
    /// bookings: Monday to Friday and not a listed holiday. A fixed offset lands on a Sunday one day in seven.</summary>
    public static DateOnly CardDay(int daysAhead)
    {
        var closed = DemoData.Offices().SelectMany(o => o.Closures).Select(c => c.Date).ToHashSet();
        var day = OfficeTime.LocalDate(DateTimeOffset.UtcNow, null).AddDays(daysAhead);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || closed.Contains(day)) day = day.AddDays(1);
        return day;
    }
}
