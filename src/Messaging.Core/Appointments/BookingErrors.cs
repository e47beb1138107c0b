namespace Messaging.Core.Appointments;

public enum BookingError
{
    UnknownProcedure,
    UnknownOffice,
    SlotUnavailable,
    SlotFull,
    PhoneLimitReached,
    InvalidPhone,
    InvalidCitizenId,
    InvalidName,
    NotFound,
    NotActive,
    SessionConflict,
    /// <summary>Too many bookings today from this phone or this client.</summary>
    DailyLimitReached,
    /// <summary>Whoever books must first prove the phone with a one-time code.</summary>
    PhoneNotVerified,
}

/// <summary>A booking rule said no. <see cref="Error"/> tells callers which rule, so they can answer the citizen.</summary>
public sealed class BookingException(BookingError error, string message) : Exception(message)
{
    public BookingError Error { get; } = error;
}

public sealed class BookingOptions
{
    public const string Section = "Booking";

    /// <summary>Future bookings one phone number may hold at once.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 50)]
    public int MaxActiveBookingsPerPhone { get; set; } = 3;
}

/// <summary>A citizen's booking request. <see cref="Start"/> must be the start of a slot the office offers.</summary>
public sealed record BookingRequest(
    string ProcedureId,
    string OfficeId,
    DateTimeOffset Start,
    string CitizenName,
    string Phone,
    string? CitizenId = null,
    Guid? SessionId = null,
    string Channel = "api",
    string? ChannelUserId = null,
    string Locale = "vi",
    string? IdempotencyKey = null,
    bool PhoneVerified = false,
    string? ClientKey = null,
    string? Email = null);

/// <summary>Where a booking should move to. A null office keeps the booking's office.</summary>
public sealed record RescheduleRequest(DateTimeOffset Start, string? OfficeId = null, Guid? SessionId = null);
