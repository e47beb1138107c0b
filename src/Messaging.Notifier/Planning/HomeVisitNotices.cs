using System.Globalization;
using System.Text.Json;
using Messaging.Core.HomeVisits;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Messaging.Language.Entities;
using Messaging.Notifier.Queues;
using Messaging.Notifier.Worker;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Notifier.Planning;

/// <summary>
/// A notice about one home-visit request, and who receives it: the phone that asked (with the owner's opt-outs; the
/// owner's other channels only when whoever asked proved the phone), the Zalo account it was asked from, and a copy in
/// the web chat it was asked in. Each step has its own deterministic key, so a step is told once however often its
/// outbox row is dispatched.
/// </summary>
public static class HomeVisitNotices
{
    /// <summary>The subject kind a notice is re-read under at send time (see <see cref="Freshness"/>).</summary>
    public const string SubjectKind = "home-visit";

    public const string Received = "notify/home-visit.received";
    public const string Scheduled = "notify/home-visit.scheduled";
    public const string Declined = "notify/home-visit.declined";
    public const string Done = "notify/home-visit.done";
    public const string DayBeforeReminder = "notify/home-visit.reminder-day-before";

    public static Task<HomeVisitRequest?> FindAsync(PlanContext c, Guid id, CancellationToken ct) =>
        c.Db.Set<HomeVisitRequest>().AsNoTracking().FirstOrDefaultAsync(v => v.Id == id, ct);

    public static async Task<NotificationRequest> RequestAsync(PlanContext c, HomeVisitRequest v, string key, string template, CancellationToken ct,
        string? skipChannel = null, NotificationPriority priority = NotificationPriority.Normal, DateTimeOffset? expiresAt = null,
        long? version = null, string? declineReason = null)
    {
        var office = await c.Db.Offices.AsNoTracking().FirstOrDefaultAsync(o => o.Id == v.OfficeId, ct);
        var knowledge = c.Catalog.Find(HomeVisitService.KnowledgeId);
        var model = new Dictionary<string, object?>
        {
            ["citizen"] = new { name = v.ForSelf ? v.PersonName : "", phone = VietnamesePhone.Mask(v.Phone) },
            ["visit"] = new
            {
                code = v.Code,
                person_name = v.PersonName,
                relation = v.Relation ?? "",
                age = v.PersonAge?.ToString(CultureInfo.InvariantCulture) ?? "",
                reason = HomeVisitReasons.Label(v.Reason, "vi"),
                reason_en = HomeVisitReasons.Label(v.Reason, "en"),
                address = v.Address,
                date = v.ScheduledDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
                window = v.WindowText(),
                // Plain times too: the en dash of the window would push an SMS out of the GSM alphabet.
                start_time = v.WindowStart?.ToString("HH:mm", CultureInfo.InvariantCulture) ?? "",
                end_time = v.WindowEnd?.ToString("HH:mm", CultureInfo.InvariantCulture) ?? "",
                officer = v.OfficerName ?? "",
                decline_reason = declineReason ?? v.DeclineReason ?? "",
                // Both languages: the recipient's is chosen when the message is rendered.
                documents = ProcedureText.ToBring(knowledge, "vi"),
                documents_en = ProcedureText.ToBring(knowledge, "en"),
            },
            ["office"] = BookingNotices.OfficeModel(office),
        };
        return new NotificationRequest(key, template, await RecipientAsync(c.Db, v, skipChannel, ct), JsonSerializer.SerializeToElement(model),
            priority, ExpiresAt: expiresAt, Origin: v.ClientKey,
            Subject: new NotificationSubject(SubjectKind, v.Id.ToString(), version ?? v.Version));
    }

    /// <summary>The same rules as a booking's recipient (see <see cref="BookingNotices.RecipientAsync"/>), for the phone that asked.</summary>
    public static async Task<Recipient> RecipientAsync(MessagingDbContext db, HomeVisitRequest v, string? skipChannel, CancellationToken ct)
    {
        string? conversation = null;
        if (v.Channel is "webchat" or "directline" && v.ChannelUserId is not null)
            conversation = await db.Conversations.AsNoTracking().Where(x => x.ChannelId == v.Channel && x.UserId == v.ChannelUserId)
                .OrderByDescending(x => x.UpdatedAt).Select(x => x.Id).FirstOrDefaultAsync(ct);
        var contact = await db.Set<Contact>().AsNoTracking().FirstOrDefaultAsync(x => x.Phone == v.Phone, ct);
        var routing = v.PhoneVerified ? contact : null;
        var zaloUser = v.Channel == "zalo" ? v.ChannelUserId : routing?.ZaloUserId;
        var optedOut = new List<string>(contact?.OptedOut ?? []);
        if (skipChannel is not null) optedOut.Add(skipChannel);
        if (zaloUser is not null && await db.ZaloUsers.AsNoTracking().AnyAsync(u => u.UserId == zaloUser && u.OptedOut, ct)) optedOut.Add(ChannelNames.Zalo);
        optedOut = optedOut.Distinct().ToList();
        // The person visited is often not the one who asked: a name is used only when they asked for themselves.
        return new Recipient(v.ForSelf ? v.PersonName : null, v.Phone, routing?.Email, zaloUser, conversation,
            routing?.ChannelOrder is { Count: > 0 } order ? order : null, optedOut.Count > 0 ? optedOut : null,
            routing?.Locale is "en" ? "en" : v.Locale, v.PhoneVerified);
    }

    /// <summary>Why a home-visit notice should not go any more (the request moved on since), or null when it still holds.</summary>
    public static async Task<string?> ObsoleteAsync(MessagingDbContext db, NotificationRequest request, NotificationSubject s, DateTimeOffset now,
        CancellationToken ct)
    {
        var visit = Guid.TryParse(s.Id, out var id)
            ? await db.Set<HomeVisitRequest>().AsNoTracking().FirstOrDefaultAsync(v => v.Id == id, ct)
            : null;
        if (visit is null) return "the home-visit request no longer exists";
        return request.TemplateKey switch
        {
            Received => visit.IsOpen ? null : "the request was closed before its receipt went out",
            Declined => visit.Status == HomeVisitStatus.Declined ? null : "the request is not declined",
            Done => visit.Status == HomeVisitStatus.Done ? null : "the visit is not recorded as done",
            _ when visit.Status != HomeVisitStatus.Scheduled => "the visit is no longer scheduled",
            _ when visit.Version != s.Version => "the visit changed after this notice was written; a newer notice follows",
            _ when visit.StartsAt() is { } start && start <= now => "the visit window has begun",
            _ => null,
        };
    }

    /// <summary>
    /// Puts a visit's day-before reminder on the queue, or drops it when the visit is no longer scheduled, and marks the
    /// reminder: together on the embedded queue, as the booking reminders are.
    /// </summary>
    public static async Task EnqueueReminderAsync(PlanContext c, INotificationQueue queue, Reminder reminder, CancellationToken ct)
    {
        var db = c.Db;
        var visit = await FindAsync(c, reminder.BookingId, ct);
        var start = visit?.StartsAt();
        var active = visit is { Status: HomeVisitStatus.Scheduled } && start > c.Now;
        var bodies = new List<string>(1);
        if (active)
        {
            var request = await RequestAsync(c, visit!, $"reminder:{reminder.Id:N}", DayBeforeReminder, ct, expiresAt: start);
            bodies.Add(JsonSerializer.Serialize(request, NotificationProcessor.Json));
        }
        await OutboxDispatcher.EnqueueAndMarkAsync(db, queue, bodies, () =>
            db.Set<Reminder>().Where(r => r.Id == reminder.Id && r.Status == ReminderStatus.Pending)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, active ? ReminderStatus.Enqueued : ReminderStatus.Cancelled), ct), ct);
    }
}

public sealed class HomeVisitRequestedPlanner : NotificationPlanner<HomeVisitRequested>
{
    public override string EventType => HomeVisitEvents.Requested;

    protected override async Task<IReadOnlyList<NotificationRequest>> PlanAsync(PlanContext c, HomeVisitRequested e, OutboxMessage row, CancellationToken ct)
    {
        var visit = await HomeVisitNotices.FindAsync(c, e.VisitId, ct);
        if (visit is null) return [];
        // The citizen just read the confirmation in the chat they asked in: the receipt goes out of band only.
        return [await HomeVisitNotices.RequestAsync(c, visit, row.Key, HomeVisitNotices.Received, ct, skipChannel: visit.Channel)];
    }
}

public sealed class HomeVisitScheduledPlanner : NotificationPlanner<HomeVisitScheduled>
{
    public override string EventType => HomeVisitEvents.Scheduled;

    protected override async Task<IReadOnlyList<NotificationRequest>> PlanAsync(PlanContext c, HomeVisitScheduled e, OutboxMessage row, CancellationToken ct)
    {
        var visit = await HomeVisitNotices.FindAsync(c, e.VisitId, ct);
        if (visit is null || visit.StartsAt() is not { } start) return [];
        // Written for this version: a later move or a decline makes it stale, and the newer step is told instead. A visit
        // set for within a day is news the family must not sleep through.
        return [await HomeVisitNotices.RequestAsync(c, visit, row.Key, HomeVisitNotices.Scheduled, ct,
            priority: Urgency(start, c.Now), expiresAt: visit.EndsAt(), version: e.Version)];
    }
}

public sealed class HomeVisitDeclinedPlanner : NotificationPlanner<HomeVisitDeclined>
{
    public override string EventType => HomeVisitEvents.Declined;

    protected override async Task<IReadOnlyList<NotificationRequest>> PlanAsync(PlanContext c, HomeVisitDeclined e, OutboxMessage row, CancellationToken ct)
    {
        var visit = await HomeVisitNotices.FindAsync(c, e.VisitId, ct);
        if (visit is null) return [];
        // A decline of a visit set for within a day is urgent: nobody should wait at home for officers who are not coming.
        var priority = visit.StartsAt() is { } start && start > c.Now ? Urgency(start, c.Now) : NotificationPriority.Normal;
        return [await HomeVisitNotices.RequestAsync(c, visit, row.Key, HomeVisitNotices.Declined, ct,
            priority: priority, version: e.Version, declineReason: e.Reason)];
    }
}

public sealed class HomeVisitDonePlanner : NotificationPlanner<HomeVisitDone>
{
    public override string EventType => HomeVisitEvents.Done;

    protected override async Task<IReadOnlyList<NotificationRequest>> PlanAsync(PlanContext c, HomeVisitDone e, OutboxMessage row, CancellationToken ct)
    {
        var visit = await HomeVisitNotices.FindAsync(c, e.VisitId, ct);
        if (visit is null) return [];
        return [await HomeVisitNotices.RequestAsync(c, visit, row.Key, HomeVisitNotices.Done, ct, version: e.Version)];
    }
}
