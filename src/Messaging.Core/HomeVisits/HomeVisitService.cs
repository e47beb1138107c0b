using System.Globalization;
using Messaging.Core.Appointments;
using Messaging.Core.Identity;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Messaging.Core.Staff;
using Messaging.Core.Templates;
using Messaging.Language.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Messaging.Core.HomeVisits;

/// <summary>
/// Requests for officers to take an identity-card application at someone's home: the citizen asks; an officer of the
/// office schedules a day, a time window and who goes, declines with a reason, or marks the visit done. Every step the
/// citizen hears of goes to the outbox in the same transaction as the change.
/// </summary>
public sealed class HomeVisitService(
    MessagingDbContext db, TimeProvider time, IOptions<HomeVisitOptions> options, ProcedureCatalog catalog, IBookingCodes codes,
    OfficeDirectory directory, IOptions<ReminderOptions> reminders, AbuseGuard guard, IOptions<IdentityOptions> identity,
    Fingerprinter fingerprints)
{
    private const int CodeAttempts = 3;

    /// <summary>The knowledge-base entry on home visits: who may ask, what to have ready at home.</summary>
    public const string KnowledgeId = "cccd-home-visit";

    /// <summary>What an officer can take at someone's home: the card, and the level-2 e-ID account made with it.</summary>
    public static readonly IReadOnlyList<string> CardProcedures = ["cccd-first-issue", "cccd-renewal", "cccd-reissue", "vneid-level2"];

    /// <summary>Offices that make identity cards take home visits; the immigration office does not.</summary>
    public static bool TakesHomeVisits(Office office) => office.Services.Any(s => s.ProcedureIds.Any(p => CardProcedures.Contains(p)));

    /// <summary>The counter row of one office's day.</summary>
    public static string DayKey(string officeId, DateOnly date) =>
        officeId + "|" + DateRecognizer.Iso(date);

    private DbSet<HomeVisitRequest> Visits => db.Set<HomeVisitRequest>();

    public async Task<HomeVisitRequest> CreateAsync(HomeVisitInput input, CancellationToken ct)
    {
        if (!VietnamesePhone.TryNormalize(input.Phone, out var phone))
            throw new HomeVisitException(HomeVisitError.InvalidPhone, "The phone number is not a Vietnamese mobile number.");
        var name = Clean(input.PersonName, 2, 100)
            ?? throw new HomeVisitException(HomeVisitError.InvalidName, "The name must have 2 to 100 characters.");
        var address = Clean(input.Address, 6, 300)
            ?? throw new HomeVisitException(HomeVisitError.InvalidAddress, "The address must have 6 to 300 characters.");
        if (!Enum.IsDefined(input.Reason)) throw new HomeVisitException(HomeVisitError.InvalidReason, "Unknown reason.");
        var office = await directory.FindAsync(db, input.OfficeId, ct);
        if (office is null || !TakesHomeVisits(office))
            throw new HomeVisitException(HomeVisitError.UnknownOffice, $"Office '{input.OfficeId}' does not take home visits.");
        // A repeat is recognised only from the identity that made the request: keys are built from ids a client chose.
        if (input.IdempotencyKey is { } key && await FindByKeyAsync(key, ct) is { } earlier)
            return earlier.Channel == input.Channel && earlier.ChannelUserId == input.ChannelUserId
                ? earlier
                : throw new HomeVisitException(HomeVisitError.Conflict, "That request key was already used.");
        if (identity.Value.CodesRequired && !input.PhoneVerified)
            throw new HomeVisitException(HomeVisitError.PhoneNotVerified, "The phone number must be confirmed with a one-time code first.");

        // Claimed before the request and withdrawn if it fails: notices go to the phone given, so invented numbers are capped.
        var o = options.Value;
        var claims = await guard.TryClaimAllAsync([(o.PerPhone, phone), (o.PerClient, input.ClientKey)], ct)
            ?? throw new HomeVisitException(HomeVisitError.DailyLimitReached, "Too many home-visit requests today from this phone or this client.");
        try
        {
            return await CreateClaimedAsync(input, office, phone, name, address, ct);
        }
        catch
        {
            foreach (var c in claims) await guard.ReleaseAsync(c, CancellationToken.None);
            throw;
        }
    }

    private async Task<HomeVisitRequest> CreateClaimedAsync(HomeVisitInput input, Office office, string phone, string name, string address,
        CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            if (attempt > 1 && input.IdempotencyKey is { } key && await FindByKeyAsync(key, ct) is { } made) return made;
            var now = time.GetUtcNow();
            await using var tx = await db.BeginWriteAsync(ct);
            // Touching the phone's row locks it until commit, so two requests of one phone are counted one after the other.
            await db.ExecuteAsync(
                "INSERT INTO phone_guards (phone, hits) VALUES (@phone, 1) " +
                "ON CONFLICT (phone) DO UPDATE SET hits = phone_guards.hits + 1", ct, ("@phone", phone));
            var open = await Visits.CountAsync(v => v.Phone == phone
                && (v.Status == HomeVisitStatus.Requested || v.Status == HomeVisitStatus.Scheduled), ct);
            if (open >= options.Value.MaxOpenPerPhone)
                throw new HomeVisitException(HomeVisitError.OpenLimitReached, $"This phone number already has {open} open home-visit requests.");

            var visit = new HomeVisitRequest
            {
                Id = Guid.CreateVersion7(now),
                Code = codes.Next(),
                OfficeId = office.Id,
                ProcedureId = input.ProcedureId is { } p && CardProcedures.Contains(p) && catalog.Find(p) is not null ? p : null,
                ForSelf = input.ForSelf,
                Relation = input.ForSelf ? null : Clean(Cut(input.Relation, 100), 1, 100),
                PersonAge = input.PersonAge is >= 0 and <= 130 ? input.PersonAge : null,
                PersonName = name,
                Reason = input.Reason,
                ReasonNote = Clean(Cut(input.ReasonNote, 200), 1, 200),
                Address = address,
                AddressMatched = input.AddressMatched,
                Phone = phone,
                PhoneVerified = input.PhoneVerified,
                PreferredDays = Clean(Cut(input.PreferredDays, 200), 1, 200),
                Channel = input.Channel,
                ChannelUserId = input.ChannelUserId,
                Locale = input.Locale == "en" ? "en" : "vi",
                ClientKey = input.ClientKey is { } client ? fingerprints.Of(client) : null,
                IdempotencyKey = input.IdempotencyKey,
                Status = HomeVisitStatus.Requested,
                CreatedAt = now,
                UpdatedAt = now,
            };
            Visits.Add(visit);
            db.Outbox.Add(OutboxMessage.From(new HomeVisitRequested(visit.Id, visit.Code, visit.OfficeId), now));
            try
            {
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return visit;
            }
            catch (DbUpdateException e) when (attempt < CodeAttempts && RawSql.IsUniqueViolation(e))
            {
                // A code collided, or the same turn on another node made the request first: the next round looks again.
            }
        }
    }

    /// <summary>
    /// Schedules (or moves) a visit. The day's place is claimed first with one conditional increment of the office's
    /// counter for that day, inside the transaction that saves the visit: under any concurrency, across processes, at
    /// most <see cref="Office.HomeVisitsPerDay"/> visits hold a place on one day. A move gives up the old day's place in
    /// the same transaction.
    /// </summary>
    public async Task<HomeVisitRequest> ScheduleAsync(Guid id, HomeVisitSchedule schedule, HomeVisitActor actor, CancellationToken ct)
    {
        var visit = await FindForChangeAsync(id, actor, ct);
        if (!visit.IsOpen) throw new HomeVisitException(HomeVisitError.NotActive, "Only an open request can be scheduled.");
        if (schedule.To <= schedule.From) throw new HomeVisitException(HomeVisitError.InvalidSchedule, "The window must end after it starts.");
        var office = await directory.FindAsync(db, visit.OfficeId, ct)
            ?? throw new HomeVisitException(HomeVisitError.UnknownOffice, "The request's office no longer exists.");
        var now = time.GetUtcNow();
        var today = OfficeTime.LocalDate(now, office.TimeZoneId);
        if (schedule.Date < today || schedule.Date > today.AddDays(options.Value.HorizonDays)
            || OfficeTime.At(schedule.Date, schedule.To, office.TimeZoneId) <= now)
            throw new HomeVisitException(HomeVisitError.InvalidSchedule, "The visit must be in the coming weeks, not in the past.");
        var officer = await OfficerAsync(visit.OfficeId, schedule.OfficerUserName, ct)
            ?? throw new HomeVisitException(HomeVisitError.UnknownOfficer, "The officer is not an active officer of this office.");
        if (visit.Status == HomeVisitStatus.Scheduled && visit.ScheduledDate == schedule.Date && visit.WindowStart == schedule.From
            && visit.WindowEnd == schedule.To && visit.OfficerUserName == officer.UserName)
            return visit; // the same form sent twice: nothing to change, nothing to tell

        var dayKey = DayKey(office.Id, schedule.Date);
        await using var tx = await db.BeginWriteAsync(ct);
        // Counter rows are touched in key order, so two visits moved in opposite directions never wait on each other.
        foreach (var key in new[] { visit.DayKey, dayKey }.OfType<string>().Distinct().Order(StringComparer.Ordinal))
        {
            if (key == dayKey && key == visit.DayKey) continue; // same day, another window or officer: the place is kept
            if (key == dayKey) await ClaimDayAsync(key, office.Id, ct);
            else await ReleaseDayAsync(key, ct);
        }
        visit.Status = HomeVisitStatus.Scheduled;
        visit.ScheduledDate = schedule.Date;
        visit.WindowStart = schedule.From;
        visit.WindowEnd = schedule.To;
        visit.OfficerUserName = officer.UserName;
        visit.OfficerName = string.IsNullOrWhiteSpace(officer.DisplayName) ? officer.UserName : officer.DisplayName;
        visit.DayKey = dayKey;
        visit.HandledBy = actor.UserName;
        visit.UpdatedAt = now;
        visit.Version++;
        db.Outbox.Add(OutboxMessage.From(new HomeVisitScheduled(visit.Id, visit.Code, schedule.Date, schedule.From, schedule.To, visit.Version), now));
        await HomeVisitReminders.RescheduleAsync(db, visit, reminders.Value, now, ct);
        Audit(actor, "home-visit.schedule", visit,
            $"{DateRecognizer.Iso(schedule.Date)} {visit.WindowText()} {officer.UserName}");
        await SaveOrConflictAsync(ct);
        await tx.CommitAsync(ct);
        return visit;
    }

    /// <summary>Declines an open request with a reason the citizen is told; a scheduled visit gives its day's place back.</summary>
    public async Task<HomeVisitRequest> DeclineAsync(Guid id, string reason, HomeVisitActor actor, CancellationToken ct)
    {
        var text = Clean(reason, 3, 300)
            ?? throw new HomeVisitException(HomeVisitError.InvalidReason, "The reason must have 3 to 300 characters.");
        var visit = await FindForChangeAsync(id, actor, ct);
        if (!visit.IsOpen) throw new HomeVisitException(HomeVisitError.NotActive, "Only an open request can be declined.");
        var now = time.GetUtcNow();
        await using var tx = await db.BeginWriteAsync(ct);
        await GiveBackDayAsync(visit, ct);
        visit.Status = HomeVisitStatus.Declined;
        visit.DeclineReason = text;
        Close(visit, actor.UserName, now);
        db.Outbox.Add(OutboxMessage.From(new HomeVisitDeclined(visit.Id, visit.Code, text, visit.Version), now));
        await HomeVisitReminders.RescheduleAsync(db, visit, reminders.Value, now, ct);
        Audit(actor, "home-visit.decline", visit, text);
        await SaveOrConflictAsync(ct);
        await tx.CommitAsync(ct);
        return visit;
    }

    /// <summary>Records a scheduled visit as made, on its day or after: the citizen is thanked and told what follows.</summary>
    public async Task<HomeVisitRequest> MarkDoneAsync(Guid id, HomeVisitActor actor, CancellationToken ct)
    {
        var visit = await FindForChangeAsync(id, actor, ct);
        if (visit.Status != HomeVisitStatus.Scheduled)
            throw new HomeVisitException(HomeVisitError.NotActive, "Only a scheduled visit can be marked done.");
        var now = time.GetUtcNow();
        if (visit.ScheduledDate > OfficeTime.LocalDate(now, OfficeTime.DefaultTimeZoneId))
            throw new HomeVisitException(HomeVisitError.NotActive, "A visit can be marked done from its day on.");
        await using var tx = await db.BeginWriteAsync(ct);
        // The day's place stays taken: the officers went that day.
        visit.Status = HomeVisitStatus.Done;
        Close(visit, actor.UserName, now);
        db.Outbox.Add(OutboxMessage.From(new HomeVisitDone(visit.Id, visit.Code, visit.Version), now));
        await HomeVisitReminders.RescheduleAsync(db, visit, reminders.Value, now, ct);
        Audit(actor, "home-visit.done", visit, null);
        await SaveOrConflictAsync(ct);
        await tx.CommitAsync(ct);
        return visit;
    }

    /// <summary>
    /// The citizen withdraws an open request with its code and phone (a wrong code and a wrong phone get the same answer).
    /// Nothing is sent: they asked for it, and notices already queued go stale when they are re-read.
    /// </summary>
    public async Task<HomeVisitRequest> CancelAsync(string code, string phone, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        HomeVisitRequest? visit = null;
        if (BookingCode.TryNormalize(code, out var normalized) && VietnamesePhone.TryNormalize(phone, out var p))
            visit = await Visits.FirstOrDefaultAsync(v => v.Code == normalized && v.Phone == p, ct);
        if (visit is null) throw new HomeVisitException(HomeVisitError.NotFound, "No request matches that code and phone number.");
        if (!visit.IsOpen) throw new HomeVisitException(HomeVisitError.NotActive, "The request is no longer open.");
        var now = time.GetUtcNow();
        await using var tx = await db.BeginWriteAsync(ct);
        await GiveBackDayAsync(visit, ct);
        visit.Status = HomeVisitStatus.Cancelled;
        Close(visit, "citizen", now);
        await HomeVisitReminders.RescheduleAsync(db, visit, reminders.Value, now, ct);
        await SaveOrConflictAsync(ct);
        await tx.CommitAsync(ct);
        return visit;
    }

    /// <summary>An office's daily limit; 0 stops new visits being scheduled. Visits already scheduled keep their place.</summary>
    public async Task SetDailyLimitAsync(string officeId, int perDay, HomeVisitActor actor, CancellationToken ct)
    {
        if (!actor.MayActFor(officeId)) throw new HomeVisitException(HomeVisitError.NotFound, "No such office.");
        if (perDay is < 0 or > 20) throw new HomeVisitException(HomeVisitError.InvalidSchedule, "The limit is 0 to 20 visits a day.");
        await using (var tx = await db.BeginWriteAsync(ct))
        {
            var changed = await db.Offices.Where(o => o.Id == officeId)
                .ExecuteUpdateAsync(u => u.SetProperty(o => o.HomeVisitsPerDay, perDay), ct);
            if (changed == 0) throw new HomeVisitException(HomeVisitError.NotFound, "No such office.");
            db.AuditLog.Add(new AuditEntry
            {
                At = time.GetUtcNow(), Actor = actor.UserName, Action = "office.home-visits-per-day", Subject = officeId,
                Details = perDay.ToString(CultureInfo.InvariantCulture),
            });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        directory.Invalidate();
    }

    public async Task<HomeVisitRequest?> FindAsync(Guid id, CancellationToken ct) =>
        await Visits.AsNoTracking().FirstOrDefaultAsync(v => v.Id == id, ct);

    /// <summary>One office's requests in one status (all when null): open ones oldest first, scheduled ones by day.</summary>
    public async Task<IReadOnlyList<HomeVisitRequest>> ListAsync(string officeId, HomeVisitStatus? status, CancellationToken ct)
    {
        var query = Visits.AsNoTracking().Where(v => v.OfficeId == officeId && (status == null || v.Status == status));
        query = status switch
        {
            HomeVisitStatus.Requested => query.OrderBy(v => v.CreatedAt),
            HomeVisitStatus.Scheduled => query.OrderBy(v => v.ScheduledDate).ThenBy(v => v.WindowStart).ThenBy(v => v.CreatedAt),
            _ => query.OrderByDescending(v => v.UpdatedAt),
        };
        return await query.Take(300).ToListAsync(ct);
    }

    /// <summary>Active officers of an office: who may be sent on a visit.</summary>
    public async Task<IReadOnlyList<StaffUser>> OfficersOfAsync(string officeId, CancellationToken ct)
    {
        // A few dozen accounts at most: read them and filter here, the same on both databases.
        var officers = await db.StaffUsers.AsNoTracking().Where(u => !u.Disabled && u.Role == StaffRoles.Officer)
            .OrderBy(u => u.UserName).ToListAsync(ct);
        return officers.Where(u => u.Offices.Contains(officeId)).ToList();
    }

    /// <summary>Visits holding a place on each of the days, from the counters the limit is enforced on.</summary>
    public async Task<IReadOnlyDictionary<DateOnly, int>> DayLoadAsync(string officeId, DateOnly from, int days, CancellationToken ct)
    {
        var byKey = Enumerable.Range(0, days).Select(i => from.AddDays(i)).ToDictionary(d => DayKey(officeId, d));
        var keys = byKey.Keys.ToList();
        var rows = await db.Set<HomeVisitDay>().AsNoTracking().Where(d => keys.Contains(d.Key)).ToListAsync(ct);
        return rows.Where(r => r.Scheduled > 0).ToDictionary(r => byKey[r.Key], r => r.Scheduled);
    }

    private Task<HomeVisitRequest?> FindByKeyAsync(string key, CancellationToken ct) =>
        Visits.AsNoTracking().FirstOrDefaultAsync(v => v.IdempotencyKey == key, ct);

    /// <summary>The request, tracked; another office's request is answered as if it did not exist.</summary>
    private async Task<HomeVisitRequest> FindForChangeAsync(Guid id, HomeVisitActor actor, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var visit = await Visits.FirstOrDefaultAsync(v => v.Id == id, ct);
        if (visit is null || !actor.MayActFor(visit.OfficeId))
            throw new HomeVisitException(HomeVisitError.NotFound, "No such home-visit request.");
        return visit;
    }

    private async Task<StaffUser?> OfficerAsync(string officeId, string userName, CancellationToken ct)
    {
        var name = StaffAccounts.Normalize(userName);
        var user = await db.StaffUsers.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == name, ct);
        return user is { Disabled: false, Role: StaffRoles.Officer } && user.Offices.Contains(officeId) ? user : null;
    }

    /// <summary>
    /// One conditional increment: under any concurrency, at most the office's limit of callers succeed. The limit is read
    /// in the same statement, not from the office cache, so a limit an admin just lowered holds on every node at once.
    /// </summary>
    private async Task ClaimDayAsync(string key, string officeId, CancellationToken ct)
    {
        await db.ExecuteAsync("INSERT INTO home_visit_days (key, scheduled) VALUES (@key, 0) ON CONFLICT (key) DO NOTHING", ct,
            ("@key", key));
        var updated = await db.ExecuteAsync(
            "UPDATE home_visit_days SET scheduled = scheduled + 1 WHERE key = @key " +
            "AND scheduled < (SELECT home_visits_per_day FROM offices WHERE id = @office)", ct,
            ("@key", key), ("@office", officeId));
        if (updated == 0) throw new HomeVisitException(HomeVisitError.DayFull, "The office takes no more home visits that day.");
    }

    private Task ReleaseDayAsync(string key, CancellationToken ct) =>
        db.ExecuteAsync("UPDATE home_visit_days SET scheduled = scheduled - 1 WHERE key = @key AND scheduled > 0", ct, ("@key", key));

    private async Task GiveBackDayAsync(HomeVisitRequest visit, CancellationToken ct)
    {
        if (visit.DayKey is not { } key) return;
        await ReleaseDayAsync(key, ct);
        visit.DayKey = null;
    }

    private static void Close(HomeVisitRequest visit, string by, DateTimeOffset now)
    {
        visit.ClosedAt = now;
        visit.HandledBy = by;
        visit.UpdatedAt = now;
        visit.Version++;
    }

    private void Audit(HomeVisitActor actor, string action, HomeVisitRequest visit, string? details) =>
        db.AuditLog.Add(new AuditEntry { At = time.GetUtcNow(), Actor = actor.UserName, Action = action, Subject = visit.Code, Details = details });

    private async Task SaveOrConflictAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new HomeVisitException(HomeVisitError.Conflict, "The request was changed at the same time; try again.");
        }
    }

    /// <summary>What the citizen typed, cut to the column's length: a long note loses its end, not its whole.</summary>
    private static string? Cut(string? value, int max) => value is { Length: > 0 } v && v.Length > max ? v[..max] : value;

    /// <summary>Spaces collapsed; null when empty, too short, too long or holding control characters.</summary>
    private static string? Clean(string? value, int min, int max)
    {
        var trimmed = string.Join(' ', (value ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return trimmed.Length < min || trimmed.Length > max || trimmed.Any(char.IsControl) ? null : trimmed;
    }
}
