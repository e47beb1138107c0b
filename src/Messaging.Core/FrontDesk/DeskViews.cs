using Messaging.Core.Appointments;

namespace Messaging.Core.FrontDesk;

/// <summary>
/// One number in the day's queue as the desk sees it: a stored entry, or a booking of the day no desk has acted on yet
/// (<see cref="EntryId"/> null). <see cref="Sequence"/> is the number, <see cref="Number"/> how it is shown.
/// </summary>
public sealed record DeskItem(
    Guid? EntryId,
    Guid? BookingId,
    string? BookingCode,
    int Sequence,
    string Number,
    QueueEntryKind Kind,
    QueueEntryStatus Status,
    string? ProcedureId,
    string? CitizenName,
    DateTimeOffset OrderAt,
    bool CheckedIn,
    bool Due,
    string? Desk,
    DateTimeOffset? CalledAt,
    DateTimeOffset? AnnouncedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset? NearNoticeAt,
    int Calls);

/// <summary>
/// An office's queue today. <see cref="Waiting"/> is in call order: booked numbers by slot start and walk-ins by issue
/// time, interleaved, the number breaking ties; the desk calls the first that is <see cref="DeskItem.Due"/>.
/// </summary>
public sealed record DeskDay(
    Office Office,
    DateOnly Day,
    IReadOnlyList<DeskItem> Waiting,
    IReadOnlyList<DeskItem> Called,
    IReadOnlyList<DeskItem> Finished,
    double MinutesPerCitizen);

/// <summary>What the waiting-room display shows: numbers and desk labels only, never a name or a phone.</summary>
public sealed record QueueBoard(
    string OfficeId,
    string Office,
    string OfficeEn,
    DateOnly Day,
    IReadOnlyList<BoardDesk> Serving,
    IReadOnlyList<string> Next,
    int Waiting);

public sealed record BoardDesk(string Desk, string Number, DateTimeOffset AnnouncedAt);

public enum DeskOutcome
{
    Done,
    /// <summary>Nobody waiting can be called now.</summary>
    Empty,
    /// <summary>No such office, entry or day (or the entry is another office's).</summary>
    NotFound,
    /// <summary>The entry is not in a state that allows the action (already served, not called…).</summary>
    NotAllowed,
    /// <summary>A no-show can only be recorded after the grace time.</summary>
    TooEarly,
}

/// <summary>What a desk action did, the number it concerned (as shown), and for a refused no-show how long is left.</summary>
public sealed record DeskResult(DeskOutcome Outcome, string? Number = null, DeskItem? Item = null, TimeSpan? Wait = null);

/// <summary>A printed walk-in ticket: the number, how many are before it, and a wait estimated from today's pace.</summary>
public sealed record QueueTicket(Guid EntryId, string OfficeId, string OfficeName, string Number, string? ProcedureId,
    string? CitizenName, DateTimeOffset IssuedAt, QueueEntryStatus Status, int Ahead, int EstimatedMinutes);

public enum PositionStatus { Waiting, Called, Served, NoShow, NotInQueue }

/// <summary>
/// A booked citizen's place today: how many numbers will be called before theirs, and a wait estimated from today's
/// pace (never earlier than their number can be called).
/// </summary>
public sealed record QueuePosition(PositionStatus Status, string Number, int Ahead, int EstimatedMinutes, string? Desk,
    string? CallingNow);
