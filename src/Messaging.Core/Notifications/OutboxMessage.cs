using System.Text.Json;

namespace Messaging.Core.Notifications;

/// <summary>
/// A domain event saved in the same transaction as the change that caused it; the notifier dispatches it.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }
    /// <summary>Deterministic: the same change always yields the same key, so a replay is recognised.</summary>
    public required string Key { get; set; }
    public required string Type { get; set; }
    public required string Payload { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public DateTimeOffset? DispatchedAt { get; set; }
    /// <summary>UTC ticks until which one dispatcher holds the row; another may take it after (crash recovery).</summary>
    public long ClaimedUntil { get; set; }
    /// <summary>The W3C traceparent of the request that caused the change, so its notifications join the same trace.</summary>
    public string? TraceParent { get; set; }

    public static OutboxMessage From(IDomainEvent e, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Key = e.Key,
        Type = e.Type,
        Payload = JsonSerializer.Serialize(e, e.GetType(), DomainEvents.Json),
        OccurredAt = now,
        TraceParent = Telemetry.MessagingTraces.CurrentParent(),
    };
}

public interface IDomainEvent
{
    string Type { get; }
    string Key { get; }
}

public static class DomainEvents
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

public sealed record BookingCreated(Guid BookingId, string Code, string OfficeId, string ProcedureId,
    DateTimeOffset Start, int QueueNumber, Guid? SessionId) : IDomainEvent
{
    public string Type => "booking.created";
    public string Key => $"booking.created:{BookingId:N}";
}

public sealed record BookingCancelled(Guid BookingId, string Code, string? Reason, string CancelledBy, int Version)
    : IDomainEvent
{
    public string Type => "booking.cancelled";
    public string Key => $"booking.cancelled:{BookingId:N}";
}

public sealed record BookingRescheduled(Guid BookingId, string Code, DateTimeOffset OldStart, DateTimeOffset NewStart,
    int QueueNumber, int Version) : IDomainEvent
{
    public string Type => "booking.rescheduled";
    public string Key => $"booking.rescheduled:{BookingId:N}:{Version}";
}

/// <summary>A session moved or relocated; <see cref="BookingIds"/> are the bookings it moved, the only ones to tell.</summary>
public sealed record SessionChanged(Guid SessionId, string OfficeId, DateTimeOffset OldStart, DateTimeOffset NewStart,
    DateTimeOffset NewEnd, string Place, long Revision, IReadOnlyList<Guid>? BookingIds = null, string? OldPlace = null) : IDomainEvent
{
    public string Type => "session.changed";
    public string Key => $"session.changed:{SessionId:N}:{Revision}";
}

/// <summary>A session was cancelled; <see cref="BookingIds"/> are the bookings it cancelled (not those cancelled before).</summary>
public sealed record SessionCancelled(Guid SessionId, string OfficeId, string? Reason, IReadOnlyList<Guid>? BookingIds = null) : IDomainEvent
{
    public string Type => "session.cancelled";
    public string Key => $"session.cancelled:{SessionId:N}";
}

public sealed record DossierStatusChanged(string Code, string Status, string? Note, int Version) : IDomainEvent
{
    public string Type => "dossier.status-changed";
    public string Key => $"dossier.status-changed:{Code}:{Version}";
}

/// <summary>
/// A desk called a queue number; <see cref="Near"/> are the booked citizens the call brought within reach, each claimed
/// for it once (so each is told once however many desks call).
/// </summary>
public sealed record QueueCalled(Guid EntryId, string OfficeId, string Number, string Desk, int Calls, IReadOnlyList<TurnNear> Near)
    : IDomainEvent
{
    public string Type => "queue.called";
    public string Key => $"queue.called:{EntryId:N}:{Calls}";
}

/// <summary>A booked citizen whose turn is near: <see cref="Ahead"/> numbers will be called before theirs.</summary>
public sealed record TurnNear(Guid BookingId, Guid EntryId, int Ahead);
