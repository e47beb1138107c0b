using System.ComponentModel.DataAnnotations;
using Messaging.Core.Appointments;
using Messaging.Core.Identity;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Messaging.Core.HomeVisits;

public enum HomeVisitStatus { Requested, Scheduled, Declined, Done, Cancelled }

/// <summary>Why the person cannot come to the office: the categories officers triage by.</summary>
public enum HomeVisitReason { Elderly, Illness, Disability, Other }

/// <summary>
/// A request that commune police come to someone's home to take their identity-card application, because they cannot
/// travel (old age, illness, disability). A relative usually asks for them: <see cref="Phone"/> is whoever asked.
/// </summary>
public sealed class HomeVisitRequest
{
    public Guid Id { get; set; }
    /// <summary>A short reference the family can read out on the phone (booking-code alphabet, own unique index).</summary>
    public required string Code { get; set; }
    public string OfficeId { get; set; } = "";
    /// <summary>The card procedure, when the request named one ("đổi căn cước"); otherwise the officer decides at the door.</summary>
    public string? ProcedureId { get; set; }
    public bool ForSelf { get; set; }
    /// <summary>Who the person is to the one asking, in their words ("mẹ tôi"); null when they ask for themselves.</summary>
    public string? Relation { get; set; }
    public int? PersonAge { get; set; }
    public required string PersonName { get; set; }
    public HomeVisitReason Reason { get; set; }
    public string? ReasonNote { get; set; }
    public required string Address { get; set; }
    /// <summary>
    /// The address names the office's commune. False means the citizen confirmed it lies in the commune although the text
    /// does not say so: the officer checks it before going.
    /// </summary>
    public bool AddressMatched { get; set; }
    public required string Phone { get; set; }
    public bool PhoneVerified { get; set; }
    /// <summary>"yyyy-MM-dd" for a day picked from the buttons, "any", or what the citizen typed.</summary>
    public string? PreferredDays { get; set; }
    public string Channel { get; set; } = "api";
    public string? ChannelUserId { get; set; }
    public string Locale { get; set; } = "vi";
    /// <summary>Fingerprint of the client that asked, for per-client caps.</summary>
    public string? ClientKey { get; set; }
    /// <summary>One key, one request: a chat turn run twice creates one.</summary>
    public string? IdempotencyKey { get; set; }
    public HomeVisitStatus Status { get; set; }
    public DateOnly? ScheduledDate { get; set; }
    public TimeOnly? WindowStart { get; set; }
    public TimeOnly? WindowEnd { get; set; }
    public string? OfficerUserName { get; set; }
    public string? OfficerName { get; set; }
    /// <summary>The per-office-per-day counter this visit holds a place in while it is scheduled (or done).</summary>
    public string? DayKey { get; set; }
    public string? DeclineReason { get; set; }
    /// <summary>The staff member who last changed the request.</summary>
    public string? HandledBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public int Version { get; set; }

    public bool IsOpen => Status is HomeVisitStatus.Requested or HomeVisitStatus.Scheduled;

    /// <summary>When the visit window opens, in the office's time; null until scheduled.</summary>
    public DateTimeOffset? StartsAt() =>
        ScheduledDate is { } d && WindowStart is { } s ? OfficeTime.At(d, s, OfficeTime.DefaultTimeZoneId) : null;

    public DateTimeOffset? EndsAt() =>
        ScheduledDate is { } d && WindowEnd is { } e ? OfficeTime.At(d, e, OfficeTime.DefaultTimeZoneId) : null;

    /// <summary>"08:00–10:00", or "" before scheduling.</summary>
    public string WindowText() => WindowStart is { } s && WindowEnd is { } e ? $"{s:HH\\:mm}–{e:HH\\:mm}" : "";
}

/// <summary>How many visits one office has scheduled on one day: the row that makes the daily limit hold.</summary>
public sealed class HomeVisitDay
{
    public required string Key { get; set; }
    public int Scheduled { get; set; }
}

internal sealed class HomeVisitRequestConfiguration : IEntityTypeConfiguration<HomeVisitRequest>
{
    public void Configure(EntityTypeBuilder<HomeVisitRequest> e)
    {
        e.ToTable("home_visit_requests");
        e.HasKey(x => x.Id);
        e.HasIndex(x => x.Code).IsUnique();
        e.HasIndex(x => new { x.OfficeId, x.Status, x.CreatedAt });
        e.HasIndex(x => new { x.Phone, x.Status });
        e.HasIndex(x => x.IdempotencyKey).IsUnique();
        e.Property(x => x.Code).HasMaxLength(16);
        e.Property(x => x.OfficeId).HasMaxLength(64);
        e.Property(x => x.ProcedureId).HasMaxLength(64);
        e.Property(x => x.Relation).HasMaxLength(100);
        e.Property(x => x.PersonName).HasMaxLength(100);
        e.Property(x => x.Reason).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.ReasonNote).HasMaxLength(200);
        e.Property(x => x.Address).HasMaxLength(300);
        e.Property(x => x.Phone).HasMaxLength(16);
        e.Property(x => x.PreferredDays).HasMaxLength(200);
        e.Property(x => x.Locale).HasMaxLength(8);
        e.Property(x => x.ClientKey).HasMaxLength(32);
        e.Property(x => x.IdempotencyKey).HasMaxLength(200);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.OfficerUserName).HasMaxLength(64);
        e.Property(x => x.OfficerName).HasMaxLength(200);
        e.Property(x => x.DayKey).HasMaxLength(96);
        e.Property(x => x.DeclineReason).HasMaxLength(300);
        e.Property(x => x.HandledBy).HasMaxLength(80);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.Ignore(x => x.IsOpen);
    }
}

internal sealed class HomeVisitDayConfiguration : IEntityTypeConfiguration<HomeVisitDay>
{
    public void Configure(EntityTypeBuilder<HomeVisitDay> e)
    {
        e.ToTable("home_visit_days");
        e.HasKey(x => x.Key);
        e.Property(x => x.Key).HasMaxLength(96);
    }
}

public enum HomeVisitError
{
    InvalidPhone,
    InvalidName,
    InvalidAddress,
    InvalidReason,
    UnknownOffice,
    /// <summary>Whoever asks must first prove the phone with a one-time code (where codes are required).</summary>
    PhoneNotVerified,
    /// <summary>Too many requests today from this phone or this client.</summary>
    DailyLimitReached,
    /// <summary>This phone already has as many open requests as it may hold.</summary>
    OpenLimitReached,
    NotFound,
    /// <summary>The request is not in a state that allows this step (declined, done, not yet scheduled, too early).</summary>
    NotActive,
    InvalidSchedule,
    /// <summary>The officer named is not an active officer of the request's office.</summary>
    UnknownOfficer,
    /// <summary>The office has already scheduled as many visits that day as it takes.</summary>
    DayFull,
    /// <summary>Someone else changed the request at the same moment.</summary>
    Conflict,
}

/// <summary>A home-visit rule said no; <see cref="Error"/> says which, so callers can answer in their own words.</summary>
public sealed class HomeVisitException(HomeVisitError error, string message) : Exception(message)
{
    public HomeVisitError Error { get; } = error;
}

public sealed class HomeVisitOptions
{
    public const string Section = "HomeVisits";

    /// <summary>Requests one phone may have open (asked or scheduled) at once: a family asks for a few people, not dozens.</summary>
    [Range(1, 20)]
    public int MaxOpenPerPhone { get; set; } = 3;
    [Range(1, 50)]
    public int RequestsPerPhonePerDay { get; set; } = 3;
    [Range(1, 100)]
    public int RequestsPerClientPerDay { get; set; } = 5;
    /// <summary>How far ahead an officer may schedule a visit.</summary>
    [Range(1, 365)]
    public int HorizonDays { get; set; } = 60;

    public AbuseLimit PerPhone => new("home-visit-phone", RequestsPerPhonePerDay, TimeSpan.FromDays(1));
    public AbuseLimit PerClient => new("home-visit-client", RequestsPerClientPerDay, TimeSpan.FromDays(1));
}

/// <summary>What a citizen (or the bot for them) asks for.</summary>
public sealed record HomeVisitInput(
    string OfficeId,
    string PersonName,
    HomeVisitReason Reason,
    string Address,
    string Phone,
    bool ForSelf = false,
    string? Relation = null,
    int? PersonAge = null,
    string? ReasonNote = null,
    bool AddressMatched = false,
    string? PreferredDays = null,
    string? ProcedureId = null,
    string Channel = "api",
    string? ChannelUserId = null,
    string Locale = "vi",
    string? IdempotencyKey = null,
    bool PhoneVerified = false,
    string? ClientKey = null);

/// <summary>The day, the time window and the officer who goes.</summary>
public sealed record HomeVisitSchedule(DateOnly Date, TimeOnly From, TimeOnly To, string OfficerUserName);

/// <summary>
/// The staff member acting, as the server established them: admins act for every office, officers for theirs only. The
/// service checks it again, so a page that forgot to would still not let one office handle another's requests.
/// </summary>
public sealed record HomeVisitActor(string UserName, bool IsAdmin, IReadOnlyCollection<string> Offices)
{
    public bool MayActFor(string officeId) => IsAdmin || Offices.Contains(officeId);
}

/// <summary>The reason's words, for the chat, the notices and the staff page.</summary>
public static class HomeVisitReasons
{
    public static string Label(HomeVisitReason reason, string locale) => (reason, locale.StartsWith("en", StringComparison.OrdinalIgnoreCase)) switch
    {
        (HomeVisitReason.Elderly, true) => "Old age",
        (HomeVisitReason.Illness, true) => "Illness",
        (HomeVisitReason.Disability, true) => "Disability",
        (_, true) => "Other",
        (HomeVisitReason.Elderly, false) => "Cao tuổi",
        (HomeVisitReason.Illness, false) => "Ốm đau, bệnh nặng",
        (HomeVisitReason.Disability, false) => "Khuyết tật",
        _ => "Khác",
    };
}

public static class HomeVisitEvents
{
    public const string Requested = "home-visit.requested";
    public const string Scheduled = "home-visit.scheduled";
    public const string Declined = "home-visit.declined";
    public const string Done = "home-visit.done";
}

public sealed record HomeVisitRequested(Guid VisitId, string Code, string OfficeId) : IDomainEvent
{
    public string Type => HomeVisitEvents.Requested;
    public string Key => $"{Type}:{VisitId:N}";
}

/// <summary>Scheduled or moved: each version is its own notice, so a move is told and the old one goes stale.</summary>
public sealed record HomeVisitScheduled(Guid VisitId, string Code, DateOnly Date, TimeOnly From, TimeOnly To, int Version) : IDomainEvent
{
    public string Type => HomeVisitEvents.Scheduled;
    public string Key => $"{Type}:{VisitId:N}:{Version}";
}

public sealed record HomeVisitDeclined(Guid VisitId, string Code, string Reason, int Version) : IDomainEvent
{
    public string Type => HomeVisitEvents.Declined;
    public string Key => $"{Type}:{VisitId:N}";
}

public sealed record HomeVisitDone(Guid VisitId, string Code, int Version) : IDomainEvent
{
    public string Type => HomeVisitEvents.Done;
    public string Key => $"{Type}:{VisitId:N}";
}

/// <summary>
/// The day-before reminder of a scheduled visit, kept in the reminders table beside the bookings' (its booking id is the
/// visit's id), so it survives restarts, moves with the visit and is claimed once by whichever worker takes it.
/// </summary>
public static class HomeVisitReminders
{
    /// <summary>The reminder kind (the column holds 16 characters).</summary>
    public const string DayBefore = "hv-day-before";

    /// <summary>Replaces the visit's pending reminder with one for its current day; none when that moment has passed.</summary>
    public static async Task RescheduleAsync(MessagingDbContext db, HomeVisitRequest visit, ReminderOptions options,
        DateTimeOffset now, CancellationToken ct)
    {
        await Reminders.CancelAsync(db, visit.Id, ct);
        if (visit.Status != HomeVisitStatus.Scheduled || visit.ScheduledDate is not { } date) return;
        var due = OfficeTime.At(date.AddDays(-1), options.DayBeforeAt, OfficeTime.DefaultTimeZoneId);
        if (due <= now) return;
        db.Add(new Reminder { Id = Guid.NewGuid(), BookingId = visit.Id, Kind = DayBefore, DueAt = due.UtcTicks, Status = ReminderStatus.Pending });
    }
}
