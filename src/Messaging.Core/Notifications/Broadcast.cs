namespace Messaging.Core.Notifications;

public enum BroadcastStatus { Draft, Running, Completed, Cancelled }

/// <summary>
/// An officer's message to many citizens: an office's bookings on a date or range (optionally one procedure or one
/// session), or everyone who booked there in the last N days. Fan-out walks the audience in pages from
/// <see cref="CursorBookingId"/>, so it resumes where it stopped and never queues a recipient twice.
/// </summary>
public sealed class Broadcast
{
    public Guid Id { get; set; }
    public string OfficeId { get; set; } = "";
    public DateOnly? From { get; set; }
    public DateOnly? To { get; set; }
    public string? ProcedureId { get; set; }
    public Guid? SessionId { get; set; }
    public int? RecentDays { get; set; }
    /// <summary>notify/broadcast wraps free text; another template takes <see cref="DataJson"/>.</summary>
    public string TemplateKey { get; set; } = "notify/broadcast";
    public string? Message { get; set; }
    public string DataJson { get; set; } = "{}";
    public bool Critical { get; set; }
    /// <summary>The channels to use, in order; empty means each recipient's own order.</summary>
    public List<string> Channels { get; set; } = [];
    public BroadcastStatus Status { get; set; }
    public Guid? CursorBookingId { get; set; }
    /// <summary>The worker fanning the broadcast out until <see cref="LeaseUntil"/>: one at a time, a dead one's share taken over.</summary>
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
    /// <summary>The last phone whose message was queued: fan-out goes person by person, in phone order.</summary>
    public string? CursorPhone { get; set; }
    public int Queued { get; set; }
    public int Recipients { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
