namespace Messaging.Core.Appointments;

/// <summary>Converts between instants and an office's local calendar.</summary>
public static class OfficeTime
{
    public const string DefaultTimeZoneId = "Asia/Ho_Chi_Minh";

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, TimeZoneInfo> Zones = new();

    public static TimeZoneInfo Zone(string? id) =>
        Zones.GetOrAdd(string.IsNullOrEmpty(id) ? DefaultTimeZoneId : id, TimeZoneInfo.FindSystemTimeZoneById);

    public static DateTimeOffset ToLocal(DateTimeOffset instant, string? zoneId) =>
        TimeZoneInfo.ConvertTime(instant, Zone(zoneId));

    public static DateOnly LocalDate(DateTimeOffset instant, string? zoneId) =>
        DateOnly.FromDateTime(ToLocal(instant, zoneId).DateTime);

    public static DateTimeOffset At(DateOnly date, TimeOnly time, string? zoneId)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Zone(zoneId).GetUtcOffset(local));
    }
}
