namespace Messaging.Core.Appointments;

public enum BookingStatus { Booked, CheckedIn, NoShow, Cancelled }

/// <summary>A citizen's appointment in one slot.</summary>
public sealed class Booking
{
    public Guid Id { get; set; }
    public required string Code { get; set; }
    public string OfficeId { get; set; } = "";
    public int ServiceId { get; set; }
    public Guid? SessionId { get; set; }
    public string ProcedureId { get; set; } = "";
    public DateTimeOffset Start { get; set; }
    public DateTimeOffset End { get; set; }
    /// <summary>The capacity counter this booking holds a place in.</summary>
    public string SlotKey { get; set; } = "";
    public int QueueNumber { get; set; }
    public required string CitizenName { get; set; }
    public required string Phone { get; set; }
    public string? CitizenId { get; set; }
    public string Channel { get; set; } = "api";
    public string? ChannelUserId { get; set; }
    public string Locale { get; set; } = "vi";
    public BookingStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? CancelReason { get; set; }
    public string? CancelledBy { get; set; }
    /// <summary>The officer who checked the citizen in or recorded the no-show.</summary>
    public string? HandledBy { get; set; }
    public int Version { get; set; }
    /// <summary>
    /// The phone was proved by whoever booked (a one-time code, Zalo's shared phone, a link proved earlier): only then
    /// may the phone's contact preferences and other channels be used for this booking.
    /// </summary>
    public bool PhoneVerified { get; set; }
    /// <summary>Fingerprint of the client that booked (an address, a Zalo user), for per-client caps on what follows.</summary>
    public string? ClientKey { get; set; }
    /// <summary>An e-mail address the citizen gave with this booking: its notices go there too.</summary>
    public string? Email { get; set; }
    /// <summary>
    /// The request key of the last cancel or reschedule: the same request arriving again (a chat turn run twice) finds its
    /// change already made and succeeds without a second one.
    /// </summary>
    public string? LastChangeKey { get; set; }
    /// <summary>Set by callers that may repeat a request (a chat turn run again after a conflict): one key, one booking.</summary>
    public string? IdempotencyKey { get; set; }

    public bool IsActiveAt(DateTimeOffset now) => Status == BookingStatus.Booked && Start > now;
}

/// <summary>How many places of one slot are taken; the row that makes overbooking impossible.</summary>
public sealed class SlotCounter
{
    public required string SlotKey { get; set; }
    public int Booked { get; set; }
}

/// <summary>The last queue number handed out for one office and day (bookings and walk-in tickets share it).</summary>
public sealed class QueueCounter
{
    public required string Key { get; set; }
    public int Last { get; set; }
}

/// <summary>
/// One row per phone number, locked by every booking of that number so the per-phone limit holds under
/// concurrent requests on every database.
/// </summary>
public sealed class PhoneGuard
{
    public required string Phone { get; set; }
    public long Hits { get; set; }
}
