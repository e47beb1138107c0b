namespace Messaging.Core.Appointments;

/// <summary>A police office citizens visit: a commune or ward police station, or a provincial department.</summary>
public sealed class Office
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public required string Address { get; set; }
    /// <summary>The commune or ward (xã/phường) after the 2025 two-level reorganisation.</summary>
    public required string Commune { get; set; }
    /// <summary>The pre-2025 district, kept only as a label people still use.</summary>
    public string? LegacyDistrict { get; set; }
    public required string Province { get; set; }
    public string? Phone { get; set; }
    public string? MapUrl { get; set; }
    public string TimeZoneId { get; set; } = OfficeTime.DefaultTimeZoneId;
    /// <summary>A letter shown before the office's queue numbers ("A" → A012), or none ("12"); set on the desk page.</summary>
    public string? QueuePrefix { get; set; }
    /// <summary>Other names citizens use for the office ("phòng xuất nhập cảnh"); the name and commune need not be repeated.</summary>
    public List<string> Aliases { get; set; } = [];
    /// <summary>Home visits (an ID card taken at the home of someone who cannot travel) the office schedules per day at most.</summary>
    public int HomeVisitsPerDay { get; set; } = 2;
    public List<OpeningHours> Hours { get; set; } = [];
    public List<OfficeClosure> Closures { get; set; } = [];
    public List<OfficeService> Services { get; set; } = [];
}

/// <summary>One opening session on one weekday, e.g. Monday 07:30–11:30.</summary>
public sealed class OpeningHours
{
    public int Id { get; set; }
    public string OfficeId { get; set; } = "";
    public DayOfWeek Day { get; set; }
    public TimeOnly Opens { get; set; }
    public TimeOnly Closes { get; set; }
}

/// <summary>A date the office is closed (public holiday, training day).</summary>
public sealed class OfficeClosure
{
    public int Id { get; set; }
    public string OfficeId { get; set; } = "";
    public DateOnly Date { get; set; }
    public string Reason { get; set; } = "";
}

/// <summary>
/// A bookable service at an office: a set of counters handling some procedures. Procedures sharing the same
/// counters share capacity, which is why capacity lives here and not on the procedure.
/// </summary>
public sealed class OfficeService
{
    public int Id { get; set; }
    public string OfficeId { get; set; } = "";
    public required string Name { get; set; }
    public List<string> ProcedureIds { get; set; } = [];
    /// <summary>Weekdays this service is offered; empty means every day the office opens.</summary>
    public List<DayOfWeek> Weekdays { get; set; } = [];
    public int SlotMinutes { get; set; } = 15;
    public int CapacityPerSlot { get; set; } = 1;
    public int MinNoticeMinutes { get; set; } = 60;
    public int HorizonDays { get; set; } = 14;
}

public enum SessionKind { Extra, Mobile }

public enum SessionStatus { Scheduled, Cancelled }

/// <summary>
/// An extra or mobile session outside the regular hours: a mobile ID-card team at a village hall, an overtime
/// evening, a weekend morning. Closures and weekday rules do not apply to it; that is the point of it.
/// </summary>
public sealed class Session
{
    public Guid Id { get; set; }
    public string OfficeId { get; set; } = "";
    public int ServiceId { get; set; }
    public SessionKind Kind { get; set; }
    public required string Title { get; set; }
    public required string Place { get; set; }
    public DateTimeOffset Start { get; set; }
    public DateTimeOffset End { get; set; }
    public int CapacityPerSlot { get; set; }
    public SessionStatus Status { get; set; }
    public string? CancelReason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}
