using System.Text.Json;
using Messaging.Core.Appointments;
using Messaging.Core.Dossiers;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Messaging.Language.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Notifier.Planning;

/// <summary>What a planner may read: the database, the knowledge base, the clock.</summary>
public sealed record PlanContext(MessagingDbContext Db, ProcedureCatalog Catalog, DateTimeOffset Now);

/// <summary>Turns one kind of domain event into the notifications it causes.</summary>
public interface INotificationPlanner
{
    string EventType { get; }
    Task<IReadOnlyList<NotificationRequest>> PlanAsync(PlanContext context, OutboxMessage row, CancellationToken ct);
}

/// <summary>A planner for one event type, which it reads once, typed.</summary>
public abstract class NotificationPlanner<TEvent> : INotificationPlanner where TEvent : IDomainEvent
{
    public abstract string EventType { get; }

    public Task<IReadOnlyList<NotificationRequest>> PlanAsync(PlanContext context, OutboxMessage row, CancellationToken ct) =>
        PlanAsync(context, JsonSerializer.Deserialize<TEvent>(row.Payload, DomainEvents.Json)
            ?? throw new JsonException($"outbox row {row.Id} is not a {typeof(TEvent).Name}"), row, ct);

    protected abstract Task<IReadOnlyList<NotificationRequest>> PlanAsync(PlanContext context, TEvent e, OutboxMessage row, CancellationToken ct);

    /// <summary>Officers' changes close to the appointment may wake people: within a day of it, a notice is critical.</summary>
    protected static NotificationPriority Urgency(DateTimeOffset appointment, DateTimeOffset now) =>
        appointment - now <= TimeSpan.FromHours(24) ? NotificationPriority.Critical : NotificationPriority.Normal;
}

/// <summary>Every planner, by the event type it reads.</summary>
public sealed class NotificationPlanners(IEnumerable<INotificationPlanner> planners)
{
    private readonly Dictionary<string, INotificationPlanner> _byType = planners.ToDictionary(p => p.EventType);

    public Task<IReadOnlyList<NotificationRequest>> PlanAsync(PlanContext context, OutboxMessage row, CancellationToken ct) =>
        _byType.TryGetValue(row.Type, out var planner) ? planner.PlanAsync(context, row, ct) : Task.FromResult<IReadOnlyList<NotificationRequest>>([]);

    public static IServiceCollection AddPlanners(IServiceCollection services)
    {
        services.AddSingleton<INotificationPlanner, BookingCreatedPlanner>();
        services.AddSingleton<INotificationPlanner, BookingCancelledPlanner>();
        services.AddSingleton<INotificationPlanner, BookingRescheduledPlanner>();
        services.AddSingleton<INotificationPlanner, SessionChangedPlanner>();
        services.AddSingleton<INotificationPlanner, SessionCancelledPlanner>();
        services.AddSingleton<INotificationPlanner, DossierStatusChangedPlanner>();
        services.AddSingleton<INotificationPlanner, QueueCalledPlanner>();
        services.AddSingleton<INotificationPlanner, HomeVisitRequestedPlanner>();
        services.AddSingleton<INotificationPlanner, HomeVisitScheduledPlanner>();
        services.AddSingleton<INotificationPlanner, HomeVisitDeclinedPlanner>();
        services.AddSingleton<INotificationPlanner, HomeVisitDonePlanner>();
        services.AddSingleton<NotificationPlanners>();
        return services;
    }
}

public sealed class BookingCreatedPlanner : NotificationPlanner<BookingCreated>
{
    public override string EventType => "booking.created";

    protected override async Task<IReadOnlyList<NotificationRequest>> PlanAsync(PlanContext c, BookingCreated e, OutboxMessage row, CancellationToken ct)
    {
        var booking = await c.Db.Bookings.AsNoTracking().FirstOrDefaultAsync(b => b.Id == e.BookingId, ct);
        if (booking is null) return [];
        // The citizen just saw the confirmation in the chat they booked in: it goes out of band only.
        return [await BookingNotices.RequestAsync(c, booking, row.Key, "notify/booking.confirmed", [], null, ct, skipChannel: booking.Channel)];
    }
}

public sealed class BookingCancelledPlanner : NotificationPlanner<BookingCancelled>
{
    public override string EventType => "booking.cancelled";

    protected override async Task<IReadOnlyList<NotificationRequest>> PlanAsync(PlanContext c, BookingCancelled e, OutboxMessage row, CancellationToken ct)
    {
        var booking = await c.Db.Bookings.AsNoTracking().FirstOrDefaultAsync(b => b.Id == e.BookingId, ct);
        if (booking is null) return [];
        // An officer's reason is told to the citizen; a citizen's own words are never echoed in an official SMS. An officer's
        // cancellation of a near appointment is critical: the citizen must not set out for it.
        var byCitizen = e.CancelledBy == "citizen";
        return [await BookingNotices.RequestAsync(c, booking, row.Key, "notify/booking.cancelled",
            new() { ["reason"] = byCitizen ? "" : e.Reason ?? "" }, null, ct,
            priority: byCitizen ? NotificationPriority.Normal : Urgency(booking.Start, c.Now), expires: false)];
    }
}

public sealed class BookingRescheduledPlanner : NotificationPlanner<BookingRescheduled>
{
    public override string EventType => "booking.rescheduled";

    protected override async Task<IReadOnlyList<NotificationRequest>> PlanAsync(PlanContext c, BookingRescheduled e, OutboxMessage row, CancellationToken ct)
    {
        var booking = await c.Db.Bookings.AsNoTracking().FirstOrDefaultAsync(b => b.Id == e.BookingId, ct);
        if (booking is null) return [];
        return [await BookingNotices.RequestAsync(c, booking, row.Key, "notify/booking.rescheduled", [], e.OldStart, ct)];
    }
}

public sealed class SessionChangedPlanner : NotificationPlanner<SessionChanged>
{
    public override string EventType => "session.changed";

    protected override async Task<IReadOnlyList<NotificationRequest>> PlanAsync(PlanContext c, SessionChanged e, OutboxMessage row, CancellationToken ct)
    {
        var session = await c.Db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == e.SessionId, ct);
        if (session is null) return [];
        // Only the bookings the change moved; an older event without the list falls back to the session's active bookings.
        var bookings = await c.Db.Bookings.AsNoTracking()
            .Where(b => e.BookingIds != null ? e.BookingIds.Contains(b.Id) : b.SessionId == e.SessionId && b.Status == BookingStatus.Booked)
            .ToListAsync(ct);
        var office = await c.Db.Offices.AsNoTracking().FirstOrDefaultAsync(o => o.Id == session.OfficeId, ct);
        var list = new List<NotificationRequest>();
        var shift = e.NewStart - e.OldStart;
        var urgency = Urgency(e.OldStart < e.NewStart ? e.OldStart : e.NewStart, c.Now);
        foreach (var b in bookings.Where(b => b.Status == BookingStatus.Booked))
        {
            var extra = new Dictionary<string, object?>
            {
                ["session"] = new { title = session.Title, place = e.Place, old_place = e.OldPlace ?? e.Place },
                ["reason"] = "",
                ["rebook_hint"] = RebookHint(office),
            };
            list.Add(await BookingNotices.RequestAsync(c, b, $"{row.Key}:{b.Id:N}", "notify/session.changed", extra, b.Start - shift, ct,
                priority: urgency, office: office, subject: new NotificationSubject(NotificationSubject.Session, session.Id.ToString(), e.Revision)));
        }
        return list;
    }

    internal static string RebookHint(Office? office) => "nhắn \"đặt lịch\" cho trợ lý của Công an xã hoặc gọi " + (office?.Phone ?? "");
}

public sealed class SessionCancelledPlanner : NotificationPlanner<SessionCancelled>
{
    public override string EventType => "session.cancelled";

    protected override async Task<IReadOnlyList<NotificationRequest>> PlanAsync(PlanContext c, SessionCancelled e, OutboxMessage row, CancellationToken ct)
    {
        var session = await c.Db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == e.SessionId, ct);
        if (session is null) return [];
        // The bookings this cancellation cancelled: a citizen who had cancelled before hears nothing of it.
        var bookings = await c.Db.Bookings.AsNoTracking()
            .Where(b => e.BookingIds != null ? e.BookingIds.Contains(b.Id) : b.SessionId == e.SessionId && b.Status == BookingStatus.Cancelled && b.CancelReason == (e.Reason ?? "session-cancelled"))
            .ToListAsync(ct);
        var office = await c.Db.Offices.AsNoTracking().FirstOrDefaultAsync(o => o.Id == session.OfficeId, ct);
        var list = new List<NotificationRequest>();
        foreach (var b in bookings)
        {
            var extra = new Dictionary<string, object?>
            {
                ["session"] = new { title = session.Title, place = session.Place, old_place = session.Place },
                ["reason"] = session.CancelReason ?? "",
                ["rebook_hint"] = SessionChangedPlanner.RebookHint(office),
            };
            list.Add(await BookingNotices.RequestAsync(c, b, $"{row.Key}:{b.Id:N}", "notify/session.cancelled", extra, null, ct,
                priority: Urgency(session.Start, c.Now), office: office, expires: false,
                subject: new NotificationSubject(NotificationSubject.Session, session.Id.ToString(), session.Version)));
        }
        return list;
    }
}

public sealed class DossierStatusChangedPlanner : NotificationPlanner<DossierStatusChanged>
{
    public override string EventType => "dossier.status-changed";

    protected override async Task<IReadOnlyList<NotificationRequest>> PlanAsync(PlanContext c, DossierStatusChanged e, OutboxMessage row, CancellationToken ct)
    {
        var dossier = await c.Db.Dossiers.AsNoTracking().FirstOrDefaultAsync(d => d.Code == e.Code, ct);
        if (dossier is null) return [];
        var office = await c.Db.Offices.AsNoTracking().FirstOrDefaultAsync(o => o.Id == dossier.OfficeId, ct);
        var data = JsonSerializer.SerializeToElement(new
        {
            citizen = new { name = dossier.ApplicantName, phone = VietnamesePhone.Mask(dossier.Phone) },
            dossier = new
            {
                code = dossier.Code, procedure = c.Catalog.Find(dossier.ProcedureId)?.Title ?? dossier.ProcedureId,
                procedure_en = c.Catalog.Find(dossier.ProcedureId)?.TitleEn ?? dossier.ProcedureId,
                note = e.Note ?? "", expected_date = (dossier.ExpectedResultDate is { } expected ? DateRecognizer.Iso(expected) : ""), updated_at = dossier.UpdatedAt.ToString("O"),
            },
            office = BookingNotices.OfficeModel(office),
        });
        var contact = await c.Db.Set<Contact>().AsNoTracking().FirstOrDefaultAsync(x => x.Phone == dossier.Phone, ct);
        // The portal's record names the phone: the owner's opt-outs apply, their other channels do not (nobody here proved them).
        var recipient = new Recipient(dossier.ApplicantName, dossier.Phone, OptedOut: contact?.OptedOut is { Count: > 0 } o ? o : null);
        return [new NotificationRequest(row.Key, $"notify/dossier.{e.Status}", recipient, data,
            Subject: new NotificationSubject(NotificationSubject.Dossier, dossier.Code, e.Version))];
    }
}
