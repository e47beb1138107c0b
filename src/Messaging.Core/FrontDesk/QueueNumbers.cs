using Messaging.Core.Appointments;
using Messaging.Core.Persistence;
using Messaging.Language.Entities;

namespace Messaging.Core.FrontDesk;

/// <summary>
/// One sequence of queue numbers per office and local day, shared by bookings (drawn when booked) and walk-in tickets
/// (drawn when printed), so an office never hands out two "số 1" on a day.
/// </summary>
public static class QueueNumbers
{
    /// <summary>
    /// The next number, drawn inside the caller's write transaction by one atomic upsert: concurrent callers queue on the
    /// counter row, and a rolled-back caller gives its number back, so the numbers of a day have no gaps. A day's counter
    /// starts above the highest number its bookings already hold, so numbers drawn before the sequence was shared (one
    /// per procedure) are not handed out again.
    /// </summary>
    public static async Task<int> NextAsync(MessagingDbContext db, string officeId, DateOnly day, string? timeZoneId,
        CancellationToken ct)
    {
        var from = OfficeTime.At(day, TimeOnly.MinValue, timeZoneId);
        var to = OfficeTime.At(day.AddDays(1), TimeOnly.MinValue, timeZoneId);
        return (int)await db.ScalarAsync(
            "INSERT INTO queue_counters (key, last) VALUES (@key, " +
            "(SELECT COALESCE(MAX(queue_number), 0) + 1 FROM bookings WHERE office_id = @office AND start >= @from AND start < @to)) " +
            "ON CONFLICT (key) DO UPDATE SET last = queue_counters.last + 1 RETURNING last", ct,
            ("@key", CounterKey(officeId, day)), ("@office", officeId), ("@from", db.InstantValue(from)), ("@to", db.InstantValue(to)));
    }

    /// <summary>Office and day only: the older keys also named a procedure, so they never collide with these.</summary>
    public static string CounterKey(string officeId, DateOnly day) => officeId + "|" + DateRecognizer.Iso(day);
}

/// <summary>How a number is shown and called out: "12", or "A012" where the office set a letter.</summary>
public static class QueueLabel
{
    public static string Format(string? prefix, int number) =>
        string.IsNullOrEmpty(prefix) ? number.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : prefix + number.ToString("000", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>One capital letter A–Z, or none; anything else is refused (a display must read it from across a room).</summary>
    public static bool TryNormalizePrefix(string? value, out string? prefix)
    {
        prefix = null;
        var v = (value ?? "").Trim().ToUpperInvariant();
        if (v.Length == 0) return true;
        if (v.Length != 1 || v[0] is < 'A' or > 'Z') return false;
        prefix = v;
        return true;
    }
}
