using System.Globalization;
using Messaging.Bot.Engine;
using Messaging.Core.Appointments;
using Messaging.Core.Persistence;
using Messaging.Language.Entities;

namespace Messaging.Bot.Dialogs;

public enum Pick { Ready, Asked, Impossible }

/// <summary>
/// Date and time-slot selection shared by booking and rescheduling: takes a date, a part of the day or a time from
/// the message when given, offers free days and free slots as buttons when not, and says why when a choice is gone.
/// </summary>
internal static class SlotPicker
{
    private const int DaysOffered = 5;
    private const int SlotsOffered = 8;
    private const int DaysAhead = 30;

    public static async Task<Pick> PickAsync(TurnContext t, DialogFrame f, string procedure, string office, CancellationToken ct)
    {
        if (f.Get("slot") is { } value && BotFormat.ParseSlot(value) is null)
        {
            // The answer to the slot question was a typed time ("9h"), not a button.
            if (TimeOnly.TryParse(value, CultureInfo.InvariantCulture, out _)) f.Set("time", value);
            f.Set("slot", null);
        }
        if (BotFormat.ParseSlot(f.Get("slot")) is not null) return Pick.Ready;

        var bookings = t.Service<BookingService>();
        var today = OfficeTime.LocalDate(t.Now, null);
        var officeName = await OfficeNameAsync(t, office, ct);
        var procedureTitle = t.Service<Messaging.Core.Procedures.ProcedureCatalog>().Find(procedure)?.Title ?? procedure;

        DateOnly? date = DateRecognizer.FromIso(f.Get("date"));
        if (date is { } past && past < today)
        {
            await t.SayAsync("bot/booking.date-in-past", new { date = DateRecognizer.Iso(past) }, ct: ct);
            f.Set("date", null);
            date = null;
        }
        if (date is null && Week(f.Get("week"), today) is var (from, until))
        {
            var inWeek = await FreeDaysAsync(bookings, procedure, office, from, until, ct);
            if (inWeek.Count > 0)
            {
                await t.PromptAsync(f, "date", PromptKind.Date, "bot/booking.ask-date-in-week", new { procedure = procedureTitle, office = officeName },
                    inWeek.Select(x => new Choice(DateRecognizer.Iso(x), BotFormat.DayTitle(x, t.Locale))).ToList(), ct: ct);
                return Pick.Asked;
            }
            await t.SayAsync("bot/booking.no-slots-in-week", new { from = DateRecognizer.Iso(from), until = DateRecognizer.Iso(until) }, ct: ct);
        }
        // The week was asked about above; whatever came of it, the nearest free days are offered next.
        f.Set("week", null);
        if (date is null)
        {
            var days = await FreeDaysAsync(bookings, procedure, office, today, today.AddDays(DaysAhead), ct);
            if (days.Count == 0)
            {
                await t.SayAsync("bot/booking.no-availability", new { procedure = procedureTitle, office = officeName }, ct: ct);
                return Pick.Impossible;
            }
            await t.PromptAsync(f, "date", PromptKind.Date, "bot/booking.ask-date", new { procedure = procedureTitle, office = officeName },
                days.Select(x => new Choice(DateRecognizer.Iso(x), BotFormat.DayTitle(x, t.Locale))).ToList(), ct: ct);
            return Pick.Asked;
        }

        var daySlots = await bookings.FindFreeSlotsAsync(new SlotQuery(procedure, date.Value, date.Value, office), ct);
        if (daySlots.Count == 0)
        {
            await t.SayAsync("bot/booking.no-slots-on-date", new { date = DateRecognizer.Iso(date.Value) }, ct: ct);
            f.Set("date", null);
            return await PickAsync(t, f, procedure, office, ct);
        }
        var candidates = ByPartOfDay(daySlots, f.Get("pod"));
        if (candidates.Count == 0) candidates = daySlots.ToList();
        if (f.Get("time") is { } wanted && TimeOnly.TryParse(wanted, CultureInfo.InvariantCulture, out var time))
        {
            var exact = daySlots.FirstOrDefault(s => TimeOnly.FromDateTime(OfficeTime.ToLocal(s.Start, null).DateTime) == time);
            f.Set("time", null);
            if (exact is not null)
            {
                f.Set("slot", BotFormat.SlotValue(exact));
                return Pick.Ready;
            }
            await t.SayAsync("bot/booking.time-unavailable", new { time = wanted }, ct: ct);
            // TimeOnly subtraction wraps at midnight; compare ticks so 16:40 is nearer to 23:00 than 07:30 is.
            candidates = daySlots.OrderBy(s => Math.Abs(TimeOnly.FromDateTime(OfficeTime.ToLocal(s.Start, null).DateTime).Ticks - time.Ticks)).ToList();
        }
        if (f.Get("pod") is not null && f.Get("auto") is null && candidates.Count > 0 && ByPartOfDay(daySlots, f.Get("pod")).Count > 0)
        {
            // "sáng mai" without a time: take the first free place that morning; the confirmation offers another time.
            f.Set("auto", "1");
            f.Set("slot", BotFormat.SlotValue(candidates.OrderBy(s => s.Start).First()));
            return Pick.Ready;
        }
        var offered = candidates.Take(SlotsOffered).OrderBy(s => s.Start).ToList();
        await t.PromptAsync(f, "slot", PromptKind.Choice, "bot/booking.ask-slot",
            new { date = DateRecognizer.Iso(date.Value), office = officeName, procedure = procedureTitle, mobile = offered.Any(s => s.SessionId is not null) },
            offered.Select(s => new Choice(BotFormat.SlotValue(s), BotFormat.SlotTitle(s))).ToList(), acceptsEntity: "time", ct: ct);
        return Pick.Asked;
    }

    /// <summary>
    /// The first days with a free place, looked for a week at a time: the first week nearly always has enough, and
    /// reading a month of slots and counters on every date question was the dearest part of a booking turn.
    /// </summary>
    private static async Task<List<DateOnly>> FreeDaysAsync(BookingService bookings, string procedure, string office, DateOnly first,
        DateOnly last, CancellationToken ct)
    {
        var days = new List<DateOnly>(DaysOffered);
        for (var from = first; from <= last && days.Count < DaysOffered; from = from.AddDays(7))
        {
            var to = from.AddDays(6) < last ? from.AddDays(6) : last;
            var free = await bookings.FindFreeSlotsAsync(new SlotQuery(procedure, from, to, office, Limit: 5000), ct);
            foreach (var day in free.Select(s => OfficeTime.LocalDate(s.Start, null)).Distinct())
                if (days.Count < DaysOffered) days.Add(day);
        }
        return days;
    }

    /// <summary>
    /// A week the citizen named ("tuần sau"), stored by <see cref="TakeWeek"/> as its first day: the days from then (and
    /// from today) to its Sunday. A week beyond the offices' horizon stays: finding no day in it, the bot says so rather
    /// than silently offering other days.
    /// </summary>
    private static (DateOnly From, DateOnly Until)? Week(string? stored, DateOnly today)
    {
        if (DateRecognizer.FromIso(stored) is not { } first) return null;
        var until = DateRecognizer.MondayOf(first).AddDays(6);
        var from = first < today ? today : first;
        return from <= until ? (from, until) : null;
    }

    /// <summary>
    /// "hẹn tuần sau": the days offered are that week's. A day still ahead named in the same message wins ("thứ 6 tuần
    /// sau" is a day), and a later day replaces the week.
    /// </summary>
    internal static void TakeWeek(TurnContext t, DialogFrame f)
    {
        var today = DateRecognizer.Iso(OfficeTime.LocalDate(t.Now, null));
        if (t.Nlu.Entities.Any(e => e.Type == EntityTypes.Date && string.CompareOrdinal(e.Value, today) >= 0)) { f.Set("week", null); return; }
        // "tuần này em bận, đặt lịch tuần sau": the week named last is the one wanted.
        if (t.Nlu.Entities.LastOrDefault(e => e.Type == EntityTypes.Week) is not { } week) return;
        f.Set("week", week.Value);
        f.Set("date", null);
        f.Set("slot", null);
    }

    private static List<Slot> ByPartOfDay(IReadOnlyList<Slot> slots, string? pod)
    {
        int Hour(Slot s) => OfficeTime.ToLocal(s.Start, null).Hour;
        return pod switch
        {
            "morning" => slots.Where(s => Hour(s) < 12).ToList(),
            "noon" => slots.Where(s => Hour(s) is >= 11 and < 14).ToList(),
            "afternoon" => slots.Where(s => Hour(s) is >= 12 and < 18).ToList(),
            "evening" => slots.Where(s => Hour(s) >= 17).ToList(),
            _ => slots.ToList(),
        };
    }

    public static async Task<string> OfficeNameAsync(TurnContext t, string officeId, CancellationToken ct) =>
        (await t.Service<OfficeDirectory>().FindAsync(t.Service<MessagingDbContext>(), officeId, ct)) is { } o ? OfficeNames.For(o.Name, t.Locale) : officeId;
}
