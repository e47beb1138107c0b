using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Messaging.Core.FrontDesk;

public enum QueueEntryKind { Booked, WalkIn }

/// <summary>Waiting, then Called by a desk, then Served or NoShow; a no-show who turns up late can be put back to Waiting.</summary>
public enum QueueEntryStatus { Waiting, Called, Served, NoShow }

/// <summary>
/// One place in an office's queue on one day: a walk-in ticket from the moment it is printed, a booking from the moment
/// a desk first acts on it (called, or told its turn is near). Until then a booking of the day is in the queue through
/// the booking itself, so every way a booking is made, moved or cancelled keeps the queue right without touching it.
/// The booking's facts (name, procedure, slot) stay on the booking; this row holds what the desk did.
/// </summary>
public sealed class QueueEntry
{
    public Guid Id { get; set; }
    public string OfficeId { get; set; } = "";
    /// <summary>The office's local day the number belongs to.</summary>
    public DateOnly Day { get; set; }
    /// <summary>From the office's one sequence of the day, shared by bookings and walk-ins.</summary>
    public int Number { get; set; }
    public QueueEntryKind Kind { get; set; }
    public Guid? BookingId { get; set; }
    /// <summary>Walk-ins only (a booking has its own): what the citizen came for, when the officer noted it.</summary>
    public string? ProcedureId { get; set; }
    /// <summary>Walk-ins only, optional: a name the officer typed on the ticket.</summary>
    public string? CitizenName { get; set; }
    /// <summary>
    /// Where the entry stands in the line: a walk-in's issue time, a booking's slot start (read from the booking while it
    /// has never been called), the moment a no-show was put back in line.
    /// </summary>
    public DateTimeOffset OrderAt { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public string? IssuedBy { get; set; }
    public QueueEntryStatus Status { get; set; }
    /// <summary>The desk that called the number ("Quầy 2"), shown on the waiting-room display.</summary>
    public string? Desk { get; set; }
    public string? CalledBy { get; set; }
    /// <summary>The first call: the no-show grace time counts from it.</summary>
    public DateTimeOffset? CalledAt { get; set; }
    /// <summary>The last call or recall: the display shows the number again when it changes.</summary>
    public DateTimeOffset? AnnouncedAt { get; set; }
    /// <summary>Times the number was called by "next" (not recalls): part of the call event's key.</summary>
    public int Calls { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>Set once, in the transaction that writes the "turn near" event: each citizen is told once.</summary>
    public DateTimeOffset? NearNoticeAt { get; set; }
    public int Version { get; set; }
}

internal sealed class QueueEntryConfiguration : IEntityTypeConfiguration<QueueEntry>
{
    public void Configure(EntityTypeBuilder<QueueEntry> e)
    {
        e.ToTable("queue_entries");
        e.HasKey(x => x.Id);
        e.Property(x => x.OfficeId).HasMaxLength(64);
        e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.ProcedureId).HasMaxLength(64);
        e.Property(x => x.CitizenName).HasMaxLength(100);
        e.Property(x => x.IssuedBy).HasMaxLength(64);
        e.Property(x => x.Desk).HasMaxLength(32);
        e.Property(x => x.CalledBy).HasMaxLength(64);
        e.Property(x => x.Version).IsConcurrencyToken();
        // The database's word that one office never hands out one number twice on a day, whoever draws it.
        e.HasIndex(x => new { x.OfficeId, x.Day, x.Number }).IsUnique();
        // A booking is one place in its office's line of the day; two desks materialising it at once cannot both win.
        e.HasIndex(x => new { x.OfficeId, x.Day, x.BookingId }).IsUnique();
        e.HasIndex(x => new { x.OfficeId, x.Day, x.Status });
    }
}
