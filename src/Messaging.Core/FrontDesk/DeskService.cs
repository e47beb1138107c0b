using Messaging.Core.Appointments;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Core.Templates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Messaging.Core.FrontDesk;

/// <summary>
/// The desks of an office and their one queue of the day: calling the next number, recalling, recording a no-show or a
/// finished citizen, printing walk-in tickets; the public board of the waiting room; a booked citizen's place in line.
/// Every change is "claim first, then act": a conditional update (or an insert guarded by a unique index) decides which
/// desk gets a number, so two desks never call the same one, on SQLite and on PostgreSQL alike.
/// </summary>
public sealed class DeskService(MessagingDbContext db, TimeProvider time, OfficeDirectory directory, IOptions<FrontDeskOptions> options,
    QueueSignals signals)
{
    private const int Attempts = 20;
    public const int MaxDeskLength = 32;
    public const int MaxNameLength = 100;

    public static DateOnly Today(Office office, DateTimeOffset now) => OfficeTime.LocalDate(now, office.TimeZoneId);

    /// <summary>"Quầy 2" as typed, tidied: one line, at most <see cref="MaxDeskLength"/> characters; null when empty.</summary>
    public static string? NormalizeDesk(string? value)
    {
        var text = string.Join(' ', (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (text.Any(char.IsControl)) return null;
        if (text.Length > MaxDeskLength) text = text[..MaxDeskLength].TrimEnd();
        return text.Length == 0 ? null : text;
    }

    public async Task<DeskDay?> DayAsync(string officeId, CancellationToken ct)
    {
        var office = await directory.FindAsync(db, officeId, ct);
        if (office is null) return null;
        var now = time.GetUtcNow();
        var day = Today(office, now);
        return Split(office, day, await LoadAsync(office, day, now, ct));
    }

    /// <summary>The waiting room's board: the number each desk is serving and the next few, nothing personal.</summary>
    public async Task<QueueBoard?> BoardAsync(string officeId, CancellationToken ct)
    {
        var d = await DayAsync(officeId, ct);
        if (d is null) return null;
        var serving = d.Called.Where(i => i.Desk is not null).GroupBy(i => i.Desk!, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(i => i.AnnouncedAt).First())
            // "Quầy 2" before "Quầy 10".
            .OrderBy(i => i.Desk!.Length).ThenBy(i => i.Desk, StringComparer.Ordinal)
            .Select(i => new BoardDesk(i.Desk!, i.Number, i.AnnouncedAt ?? i.CalledAt ?? default))
            .ToList();
        return new QueueBoard(d.Office.Id, d.Office.Name, OfficeNames.English(d.Office.Name), d.Day, serving,
            d.Waiting.Take(options.Value.DisplayNext).Select(i => i.Number).ToList(), d.Waiting.Count);
    }

    /// <summary>Where a booking of today stands: numbers to be called before it, and an estimated wait.</summary>
    public async Task<QueuePosition> PositionAsync(Booking booking, CancellationToken ct)
    {
        var office = await directory.FindAsync(db, booking.OfficeId, ct);
        if (office is null) return new QueuePosition(PositionStatus.NotInQueue, booking.QueueNumber.ToString(System.Globalization.CultureInfo.InvariantCulture), 0, 0, null, null);
        var now = time.GetUtcNow();
        var d = Split(office, Today(office, now), await LoadAsync(office, Today(office, now), now, ct));
        var calling = d.Called.FirstOrDefault()?.Number;
        var all = d.Waiting.Concat(d.Called).Concat(d.Finished);
        var mine = all.FirstOrDefault(i => i.BookingId == booking.Id);
        var number = QueueLabel.Format(office.QueuePrefix, mine?.Sequence ?? booking.QueueNumber);
        if (mine is null) return new QueuePosition(PositionStatus.NotInQueue, number, 0, 0, null, calling);
        switch (mine.Status)
        {
            case QueueEntryStatus.Called: return new QueuePosition(PositionStatus.Called, number, 0, 0, mine.Desk, calling);
            case QueueEntryStatus.Served: return new QueuePosition(PositionStatus.Served, number, 0, 0, mine.Desk, calling);
            case QueueEntryStatus.NoShow: return new QueuePosition(PositionStatus.NoShow, number, 0, 0, mine.Desk, calling);
        }
        var ahead = d.Waiting.TakeWhile(i => i.BookingId != booking.Id).Count();
        return new QueuePosition(PositionStatus.Waiting, number, ahead, Estimate(mine, ahead, d.MinutesPerCitizen, now), null, calling);
    }

    /// <summary>A walk-in ticket as printed, with the numbers before it now.</summary>
    public async Task<QueueTicket?> TicketAsync(Guid entryId, CancellationToken ct)
    {
        var entry = await FindEntryAsync(entryId, ct);
        if (entry is null) return null;
        var office = await directory.FindAsync(db, entry.OfficeId, ct);
        if (office is null) return null;
        var now = time.GetUtcNow();
        var d = Split(office, entry.Day, await LoadAsync(office, entry.Day, now, ct));
        var mine = d.Waiting.FirstOrDefault(i => i.EntryId == entry.Id);
        var ahead = mine is null ? 0 : d.Waiting.TakeWhile(i => i.EntryId != entry.Id).Count();
        return new QueueTicket(entry.Id, office.Id, office.Name, QueueLabel.Format(office.QueuePrefix, entry.Number), entry.ProcedureId,
            entry.CitizenName, entry.IssuedAt, entry.Status, ahead, mine is null ? 0 : Estimate(mine, ahead, d.MinutesPerCitizen, now));
    }

    /// <summary>The stored entry, for the caller to check the office before acting on it.</summary>
    public Task<QueueEntry?> FindEntryAsync(Guid entryId, CancellationToken ct) =>
        db.Set<QueueEntry>().AsNoTracking().FirstOrDefaultAsync(e => e.Id == entryId, ct);

    /// <summary>
    /// The desk is done with the number it was serving (recorded as served) and calls the first number of the line that
    /// can be called now. The booked citizens the call brings within <see cref="FrontDeskOptions.NearTurnPlaces"/> are
    /// told, once each, through the outbox.
    /// </summary>
    public async Task<DeskResult> CallNextAsync(string officeId, string desk, string actor, CancellationToken ct)
    {
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            db.ChangeTracker.Clear();
            var office = await directory.FindAsync(db, officeId, ct);
            if (office is null) return new DeskResult(DeskOutcome.NotFound);
            var now = time.GetUtcNow();
            var day = Today(office, now);
            try
            {
                await using var tx = await db.BeginWriteAsync(ct);
                await FinishDeskAsync(office.Id, day, desk, actor, now, ct);
                var line = Split(office, day, await LoadAsync(office, day, now, ct)).Waiting;
                var next = line.FirstOrDefault(i => i.Due);
                if (next is null)
                {
                    await tx.CommitAsync(ct);
                    signals.Notify(office.Id);
                    return new DeskResult(DeskOutcome.Empty);
                }
                var claim = await ClaimAsync(office, day, next, desk, actor, now, ct);
                // Another desk called it first: read the line again.
                if (claim is not { } claimed) continue;
                var (id, number) = claimed;
                var called = next with
                {
                    EntryId = id, Sequence = number, Number = QueueLabel.Format(office.QueuePrefix, number), Status = QueueEntryStatus.Called,
                    Desk = desk, CalledAt = now, AnnouncedAt = now, Calls = next.Calls + 1,
                };
                var near = await MarkNearAsync(office, day, line.Where(i => !ReferenceEquals(i, next)).ToList(), now, ct);
                if (near.Count > 0)
                    db.Outbox.Add(OutboxMessage.From(new QueueCalled(id, office.Id, called.Number, desk, called.Calls, near), now));
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                signals.Notify(office.Id);
                return new DeskResult(DeskOutcome.Done, called.Number, called);
            }
            catch (Exception e) when (attempt < Attempts && Retryable(e))
            {
                // Two desks made the same booking's row at once, or PostgreSQL broke a lock cycle: the loser reads again.
            }
        }
        throw new InvalidOperationException($"The queue kept changing during {Attempts} attempts to call the next number.");
    }

    /// <summary>Calls the number again (the citizen did not hear it): the display shows it anew.</summary>
    public async Task<DeskResult> RecallAsync(Guid entryId, CancellationToken ct)
    {
        var (entry, number) = await EntryAsync(entryId, ct);
        if (entry is null) return new DeskResult(DeskOutcome.NotFound);
        var now = time.GetUtcNow();
        var changed = await db.Set<QueueEntry>().Where(e => e.Id == entryId && e.Status == QueueEntryStatus.Called)
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.AnnouncedAt, now).SetProperty(e => e.Version, e => e.Version + 1), ct);
        if (changed == 0) return new DeskResult(DeskOutcome.NotAllowed, number);
        signals.Notify(entry.OfficeId);
        return new DeskResult(DeskOutcome.Done, number);
    }

    /// <summary>The citizen was served; the desk is free (calling the next number does this too).</summary>
    public async Task<DeskResult> ServeAsync(Guid entryId, string actor, CancellationToken ct) =>
        await FinishAsync(entryId, QueueEntryStatus.Served, actor, ct);

    /// <summary>The citizen did not come: allowed only <see cref="FrontDeskOptions.NoShowGrace"/> after the call.</summary>
    public async Task<DeskResult> SkipAsync(Guid entryId, string actor, CancellationToken ct) =>
        await FinishAsync(entryId, QueueEntryStatus.NoShow, actor, ct);

    /// <summary>
    /// A no-show who arrived after all goes back in line as of now: after the walk-ins issued and the slots begun so far,
    /// before the bookings of later slots.
    /// </summary>
    public async Task<DeskResult> RequeueAsync(Guid entryId, CancellationToken ct)
    {
        var (entry, number) = await EntryAsync(entryId, ct);
        if (entry is null) return new DeskResult(DeskOutcome.NotFound);
        var now = time.GetUtcNow();
        await using var tx = await db.BeginWriteAsync(ct);
        var changed = await db.Set<QueueEntry>().Where(e => e.Id == entryId && e.Status == QueueEntryStatus.NoShow)
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.Status, QueueEntryStatus.Waiting).SetProperty(e => e.OrderAt, now)
                .SetProperty(e => e.Desk, (string?)null).SetProperty(e => e.FinishedAt, (DateTimeOffset?)null)
                .SetProperty(e => e.Version, e => e.Version + 1), ct);
        if (changed == 0) return new DeskResult(DeskOutcome.NotAllowed, number);
        if (entry.BookingId is { } bookingId)
            await db.Bookings.Where(b => b.Id == bookingId && b.Status == BookingStatus.NoShow)
                .ExecuteUpdateAsync(u => u.SetProperty(b => b.Status, BookingStatus.Booked).SetProperty(b => b.UpdatedAt, now)
                    .SetProperty(b => b.Version, b => b.Version + 1), ct);
        await tx.CommitAsync(ct);
        signals.Notify(entry.OfficeId);
        return new DeskResult(DeskOutcome.Done, number);
    }

    /// <summary>
    /// A walk-in ticket: the next number of the office's sequence of the day, in line by the time it was printed. The
    /// procedure must be one the office handles; the name is optional.
    /// </summary>
    public async Task<DeskResult> IssueAsync(string officeId, string? procedureId, string? citizenName, string actor, CancellationToken ct)
    {
        var office = await directory.FindAsync(db, officeId, ct);
        if (office is null) return new DeskResult(DeskOutcome.NotFound);
        if (string.IsNullOrWhiteSpace(procedureId)) procedureId = null;
        if (procedureId is not null && !office.Services.Any(s => s.ProcedureIds.Contains(procedureId))) return new DeskResult(DeskOutcome.NotAllowed);
        var name = string.Join(' ', (citizenName ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (name.Length > MaxNameLength || name.Any(char.IsControl)) return new DeskResult(DeskOutcome.NotAllowed);
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var now = time.GetUtcNow();
            var day = Today(office, now);
            try
            {
                await using var tx = await db.BeginWriteAsync(ct);
                var number = await QueueNumbers.NextAsync(db, office.Id, day, office.TimeZoneId, ct);
                var entry = new QueueEntry
                {
                    Id = Guid.CreateVersion7(now), OfficeId = office.Id, Day = day, Number = number, Kind = QueueEntryKind.WalkIn,
                    ProcedureId = procedureId, CitizenName = name.Length == 0 ? null : name, OrderAt = now, IssuedAt = now,
                    IssuedBy = actor, Status = QueueEntryStatus.Waiting,
                };
                db.Add(entry);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                signals.Notify(office.Id);
                var label = QueueLabel.Format(office.QueuePrefix, number);
                return new DeskResult(DeskOutcome.Done, label, new DeskItem(entry.Id, null, null, number, label, QueueEntryKind.WalkIn,
                    QueueEntryStatus.Waiting, procedureId, entry.CitizenName, now, false, true, null, null, null, null, null, 0));
            }
            catch (Exception e) when (attempt < Attempts && Retryable(e))
            {
            }
        }
    }

    /// <summary>The office's letter before its numbers ("A" → A012), or none; takes effect on the display at once.</summary>
    public async Task<DeskResult> SetPrefixAsync(string officeId, string? value, string actor, CancellationToken ct)
    {
        if (!QueueLabel.TryNormalizePrefix(value, out var prefix)) return new DeskResult(DeskOutcome.NotAllowed);
        var now = time.GetUtcNow();
        await using var tx = await db.BeginWriteAsync(ct);
        if (await db.Offices.Where(o => o.Id == officeId).ExecuteUpdateAsync(u => u.SetProperty(o => o.QueuePrefix, prefix), ct) == 0)
            return new DeskResult(DeskOutcome.NotFound);
        db.AuditLog.Add(new AuditEntry { At = now, Actor = actor, Action = "office.queue-prefix", Subject = officeId, Details = prefix ?? "" });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        directory.Invalidate();
        signals.Notify(officeId);
        return new DeskResult(DeskOutcome.Done, prefix ?? "");
    }

    private async Task<DeskResult> FinishAsync(Guid entryId, QueueEntryStatus status, string actor, CancellationToken ct)
    {
        var (entry, number) = await EntryAsync(entryId, ct);
        if (entry is null) return new DeskResult(DeskOutcome.NotFound);
        if (entry.Status != QueueEntryStatus.Called) return new DeskResult(DeskOutcome.NotAllowed, number);
        var now = time.GetUtcNow();
        var since = now - (entry.CalledAt ?? now);
        if (status == QueueEntryStatus.NoShow && since < options.Value.NoShowGrace)
            return new DeskResult(DeskOutcome.TooEarly, number, Wait: options.Value.NoShowGrace - since);
        await using var tx = await db.BeginWriteAsync(ct);
        var changed = await db.Set<QueueEntry>().Where(e => e.Id == entryId && e.Status == QueueEntryStatus.Called)
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.Status, status).SetProperty(e => e.FinishedAt, now)
                .SetProperty(e => e.Version, e => e.Version + 1), ct);
        if (changed == 0) return new DeskResult(DeskOutcome.NotAllowed, number);
        if (entry.BookingId is { } bookingId)
            await MirrorBookingsAsync([bookingId], status == QueueEntryStatus.Served ? BookingStatus.CheckedIn : BookingStatus.NoShow, actor, now, ct);
        await tx.CommitAsync(ct);
        signals.Notify(entry.OfficeId);
        return new DeskResult(DeskOutcome.Done, number);
    }

    private async Task<(QueueEntry? Entry, string? Number)> EntryAsync(Guid entryId, CancellationToken ct)
    {
        var entry = await FindEntryAsync(entryId, ct);
        if (entry is null) return (null, null);
        var office = await directory.FindAsync(db, entry.OfficeId, ct);
        return (entry, QueueLabel.Format(office?.QueuePrefix, entry.Number));
    }

    /// <summary>Whatever this desk was still serving is served: "next" means the desk is done with it.</summary>
    private async Task FinishDeskAsync(string officeId, DateOnly day, string desk, string actor, DateTimeOffset now, CancellationToken ct)
    {
        var current = db.Set<QueueEntry>().Where(e => e.OfficeId == officeId && e.Day == day && e.Desk == desk && e.Status == QueueEntryStatus.Called);
        var bookings = await current.Where(e => e.BookingId != null).Select(e => e.BookingId!.Value).ToListAsync(ct);
        await current.ExecuteUpdateAsync(u => u.SetProperty(e => e.Status, QueueEntryStatus.Served).SetProperty(e => e.FinishedAt, now)
            .SetProperty(e => e.Version, e => e.Version + 1), ct);
        await MirrorBookingsAsync(bookings, BookingStatus.CheckedIn, actor, now, ct);
    }

    /// <summary>
    /// The booking takes the desk's word (served: present; no-show: absent) only while it is still open: one an officer
    /// already marked on the bookings page keeps that mark.
    /// </summary>
    private async Task MirrorBookingsAsync(List<Guid> ids, BookingStatus status, string actor, DateTimeOffset now, CancellationToken ct)
    {
        if (ids.Count == 0) return;
        await db.Bookings.Where(b => ids.Contains(b.Id) && b.Status == BookingStatus.Booked)
            .ExecuteUpdateAsync(u => u.SetProperty(b => b.Status, status).SetProperty(b => b.HandledBy, actor)
                .SetProperty(b => b.UpdatedAt, now).SetProperty(b => b.Version, b => b.Version + 1), ct);
    }

    /// <returns>The entry this desk now calls and its number, or null when another desk called it first.</returns>
    private async Task<(Guid Id, int Number)?> ClaimAsync(Office office, DateOnly day, DeskItem next, string desk, string actor, DateTimeOffset now,
        CancellationToken ct)
    {
        if (next.EntryId is { } id)
        {
            var claimed = await db.Set<QueueEntry>().Where(e => e.Id == id && e.Status == QueueEntryStatus.Waiting)
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.Status, QueueEntryStatus.Called).SetProperty(e => e.Desk, desk)
                    .SetProperty(e => e.CalledBy, actor).SetProperty(e => e.CalledAt, now).SetProperty(e => e.AnnouncedAt, now)
                    .SetProperty(e => e.Calls, e => e.Calls + 1).SetProperty(e => e.Version, e => e.Version + 1), ct);
            return claimed == 1 ? (id, next.Sequence) : null;
        }
        // A booking no desk has touched: its row is made already called, and the unique (office, day, booking) index lets
        // only one desk's insert commit; the other gets a unique violation and reads the line again.
        var entry = await MaterializeAsync(office, day, next, now, ct);
        entry.Status = QueueEntryStatus.Called;
        entry.Desk = desk;
        entry.CalledBy = actor;
        entry.CalledAt = now;
        entry.AnnouncedAt = now;
        entry.Calls = 1;
        await db.SaveChangesAsync(ct);
        return (entry.Id, entry.Number);
    }

    /// <summary>
    /// Claims the "turn near" notice of the booked citizens up to <see cref="FrontDeskOptions.NearTurnPlaces"/> places
    /// into the line (the number just called taken out): a conditional update of the notice time, so each is told once.
    /// </summary>
    private async Task<List<TurnNear>> MarkNearAsync(Office office, DateOnly day, List<DeskItem> line, DateTimeOffset now, CancellationToken ct)
    {
        var o = options.Value;
        var near = new List<TurnNear>();
        for (var ahead = 0; ahead < Math.Min(o.NearTurnPlaces, line.Count); ahead++)
        {
            var item = line[ahead];
            if (item.BookingId is not { } bookingId || item.NearNoticeAt is not null) continue;
            // Booked for later in the day: told when the number can soon be called, not hours before.
            if (!item.Due && item.OrderAt - o.BookedCallLead > now + o.NearTurnWindow) continue;
            Guid entryId;
            if (item.EntryId is { } id)
            {
                var claimed = await db.Set<QueueEntry>().Where(e => e.Id == id && e.NearNoticeAt == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(e => e.NearNoticeAt, now).SetProperty(e => e.Version, e => e.Version + 1), ct);
                if (claimed == 0) continue;
                entryId = id;
            }
            else
            {
                var entry = await MaterializeAsync(office, day, item, now, ct);
                entry.NearNoticeAt = now;
                entryId = entry.Id;
            }
            near.Add(new TurnNear(bookingId, entryId, ahead));
        }
        return near;
    }

    /// <summary>The row of a booking of the day that has none yet (added, not saved).</summary>
    private async Task<QueueEntry> MaterializeAsync(Office office, DateOnly day, DeskItem item, DateTimeOffset now, CancellationToken ct)
    {
        var number = item.Sequence;
        var bookingId = item.BookingId!.Value;
        // Numbers drawn before the sequence was shared (one per procedure) can repeat on a day: the second one to reach a
        // desk gets a fresh number, so the display never shows one number for two people.
        if (await db.Set<QueueEntry>().AnyAsync(e => e.OfficeId == office.Id && e.Day == day && e.Number == number, ct))
        {
            number = await QueueNumbers.NextAsync(db, office.Id, day, office.TimeZoneId, ct);
            await db.Bookings.Where(b => b.Id == bookingId).ExecuteUpdateAsync(u => u.SetProperty(b => b.QueueNumber, number), ct);
        }
        var entry = new QueueEntry
        {
            Id = Guid.CreateVersion7(now), OfficeId = office.Id, Day = day, Number = number, Kind = QueueEntryKind.Booked,
            BookingId = bookingId, OrderAt = item.OrderAt, IssuedAt = now, Status = QueueEntryStatus.Waiting,
        };
        db.Add(entry);
        return entry;
    }

    /// <summary>
    /// The day's line: the stored entries, and the bookings of the day no desk has acted on yet. A booking cancelled or
    /// moved away before it was ever called has left the line, whatever its row says.
    /// </summary>
    private async Task<List<DeskItem>> LoadAsync(Office office, DateOnly day, DateTimeOffset now, CancellationToken ct)
    {
        var from = OfficeTime.At(day, TimeOnly.MinValue, office.TimeZoneId);
        var to = OfficeTime.At(day.AddDays(1), TimeOnly.MinValue, office.TimeZoneId);
        var entries = await db.Set<QueueEntry>().AsNoTracking().Where(e => e.OfficeId == office.Id && e.Day == day).ToListAsync(ct);
        var linked = entries.Where(e => e.BookingId != null).Select(e => e.BookingId!.Value).ToList();
        var bookings = await db.Bookings.AsNoTracking()
            .Where(b => (b.OfficeId == office.Id && b.Start >= from && b.Start < to) || linked.Contains(b.Id))
            .ToListAsync(ct);
        var byId = bookings.ToDictionary(b => b.Id);
        var lead = options.Value.BookedCallLead;
        var items = new List<DeskItem>(entries.Count + bookings.Count);
        var placed = new HashSet<Guid>();
        foreach (var e in entries)
        {
            var b = e.BookingId is { } id ? byId.GetValueOrDefault(id) : null;
            if (b is not null) placed.Add(b.Id);
            var untouched = e.Kind == QueueEntryKind.Booked && e.Calls == 0;
            if (untouched && e.Status == QueueEntryStatus.Waiting && (b is null || !InLine(b, office.Id, from, to))) continue;
            var orderAt = untouched && b is not null ? b.Start : e.OrderAt;
            var checkedIn = b?.Status == BookingStatus.CheckedIn;
            items.Add(new DeskItem(e.Id, e.BookingId, b?.Code, e.Number, QueueLabel.Format(office.QueuePrefix, e.Number), e.Kind, e.Status,
                b?.ProcedureId ?? e.ProcedureId, b?.CitizenName ?? e.CitizenName, orderAt, checkedIn,
                IsDue(e.Kind, orderAt, checkedIn, e.Calls, now, lead), e.Desk, e.CalledAt, e.AnnouncedAt, e.FinishedAt, e.NearNoticeAt, e.Calls));
        }
        foreach (var b in bookings)
        {
            if (placed.Contains(b.Id) || !InLine(b, office.Id, from, to)) continue;
            var checkedIn = b.Status == BookingStatus.CheckedIn;
            items.Add(new DeskItem(null, b.Id, b.Code, b.QueueNumber, QueueLabel.Format(office.QueuePrefix, b.QueueNumber), QueueEntryKind.Booked,
                QueueEntryStatus.Waiting, b.ProcedureId, b.CitizenName, b.Start, checkedIn,
                IsDue(QueueEntryKind.Booked, b.Start, checkedIn, 0, now, lead), null, null, null, null, null, 0));
        }
        return items;
    }

    private static bool InLine(Booking b, string officeId, DateTimeOffset from, DateTimeOffset to) =>
        b.OfficeId == officeId && b.Start >= from && b.Start < to && (b.Status is BookingStatus.Booked or BookingStatus.CheckedIn);

    /// <summary>
    /// Walk-ins are called in turn; a booked number from <see cref="FrontDeskOptions.BookedCallLead"/> before its slot, or
    /// at once when the citizen checked in early or was put back in line.
    /// </summary>
    private static bool IsDue(QueueEntryKind kind, DateTimeOffset orderAt, bool checkedIn, int calls, DateTimeOffset now, TimeSpan lead) =>
        kind == QueueEntryKind.WalkIn || checkedIn || calls > 0 || orderAt - lead <= now;

    private DeskDay Split(Office office, DateOnly day, List<DeskItem> items) => new(
        office, day,
        items.Where(i => i.Status == QueueEntryStatus.Waiting).OrderBy(i => i.OrderAt).ThenBy(i => i.Sequence).ToList(),
        items.Where(i => i.Status == QueueEntryStatus.Called).OrderByDescending(i => i.AnnouncedAt).ToList(),
        items.Where(i => i.Status is QueueEntryStatus.Served or QueueEntryStatus.NoShow).OrderByDescending(i => i.FinishedAt).ToList(),
        Pace(items));

    /// <summary>
    /// Minutes between finished numbers today (served or absent, every desk together: the office's pace), over the last
    /// few; the configured default until two are finished.
    /// </summary>
    private double Pace(List<DeskItem> items)
    {
        var o = options.Value;
        var finished = items.Where(i => i.FinishedAt is not null).Select(i => i.FinishedAt!.Value).Order().TakeLast(o.PaceWindow).ToList();
        if (finished.Count < 2) return o.DefaultMinutesPerCitizen;
        return Math.Clamp((finished[^1] - finished[0]).TotalMinutes / (finished.Count - 1), 1, 120);
    }

    /// <summary>The numbers ahead at today's pace, and never before the number can be called.</summary>
    private int Estimate(DeskItem item, int ahead, double minutesPerCitizen, DateTimeOffset now)
    {
        var byPace = (int)Math.Ceiling(ahead * minutesPerCitizen);
        var untilDue = item.Due ? 0 : (int)Math.Ceiling((item.OrderAt - options.Value.BookedCallLead - now).TotalMinutes);
        return Math.Max(byPace, untilDue);
    }

    private static bool Retryable(Exception e) =>
        (e is DbUpdateException u && RawSql.IsUniqueViolation(u))
        || ((e as PostgresException ?? e.InnerException as PostgresException) is { } pg
            && (pg.SqlState == PostgresErrorCodes.DeadlockDetected || pg.SqlState == PostgresErrorCodes.SerializationFailure));
}
