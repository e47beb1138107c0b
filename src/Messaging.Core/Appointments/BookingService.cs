using Messaging.Core.Identity;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Messaging.Language.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Messaging.Core.Appointments;

/// <summary>Finds free slots, books them atomically, cancels, reschedules, checks in.</summary>
public sealed class BookingService(
    LazyDb database, TimeProvider time, IOptions<BookingOptions> options, ProcedureCatalog catalog, IBookingCodes codes,
    OfficeDirectory directory, IOptions<ReminderOptions> reminders, AbuseGuard guard, IOptions<AbuseOptions> abuse,
    IOptions<IdentityOptions> identity, Fingerprinter fingerprints, SlotReads slotReads)
{
    private const int CodeAttempts = 3;

    private MessagingDbContext db => database.Value;

    public async Task<IReadOnlyList<Slot>> FindFreeSlotsAsync(SlotQuery query, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var offices = await LoadOfficesAsync(query.OfficeId, ct);
        if (!string.IsNullOrWhiteSpace(query.Commune))
        {
            offices = offices.Where(o => o.Commune.Contains(query.Commune.Trim(), StringComparison.OrdinalIgnoreCase)
                || o.Name.Contains(query.Commune.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
        }

        var candidates = new List<Slot>();
        var officeIds = offices.Select(o => o.Id).ToList();
        var rangeStart = OfficeTime.At(query.From, TimeOnly.MinValue, OfficeTime.DefaultTimeZoneId).AddDays(-1);
        var rangeEnd = OfficeTime.At(query.To.AddDays(1), TimeOnly.MinValue, OfficeTime.DefaultTimeZoneId).AddDays(1);
        var sessions = await slotReads.ScheduledSessionsAsync(officeIds, rangeStart, rangeEnd, ct);

        foreach (var office in offices)
        {
            foreach (var service in office.Services.Where(s => s.ProcedureIds.Contains(query.ProcedureId)))
            {
                for (var date = query.From; date <= query.To; date = date.AddDays(1))
                {
                    candidates.AddRange(SlotGenerator.Regular(office, service, date, now));
                }
                foreach (var session in sessions.Where(s => s.OfficeId == office.Id && s.ServiceId == service.Id))
                {
                    candidates.AddRange(SlotGenerator.ForSession(session, service, now).Where(s =>
                    {
                        var d = OfficeTime.LocalDate(s.Start, office.TimeZoneId);
                        return d >= query.From && d <= query.To;
                    }));
                }
            }
        }

        var booked = await slotReads.BookedAsync(candidates.ConvertAll(c => c.SlotKey), ct);
        return candidates
            .Select(c => booked.TryGetValue(c.SlotKey, out var n) ? c with { Booked = n } : c)
            .Where(c => c.Free > 0)
            .OrderBy(c => c.Start).ThenBy(c => c.OfficeId)
            .Take(query.Limit)
            .ToList();
    }

    public async Task<Booking> BookAsync(BookingRequest request, CancellationToken ct)
    {
        using var span = Telemetry.MessagingTraces.Source.StartActivity("booking.book");
        span?.SetTag("messaging.office", request.OfficeId);
        try
        {
            var booking = await BookOnceAsync(request, ct);
            Telemetry.MessagingMetrics.Bookings.Add(1, Telemetry.MessagingMetrics.Tag("outcome", "made"), Telemetry.MessagingMetrics.Tag("office", booking.OfficeId));
            return booking;
        }
        catch (BookingException e)
        {
            Telemetry.MessagingMetrics.Bookings.Add(1, Telemetry.MessagingMetrics.Tag("outcome", "refused"), Telemetry.MessagingMetrics.Tag("reason", e.Error.ToString()));
            throw;
        }
    }

    private async Task<Booking> BookOnceAsync(BookingRequest request, CancellationToken ct)
    {
        if (!VietnamesePhone.TryNormalize(request.Phone, out var phone))
            throw new BookingException(BookingError.InvalidPhone, "The phone number is not a Vietnamese mobile number.");
        var citizenId = CitizenIdOrNull(request.CitizenId);
        var name = NameOrThrow(request.CitizenName);
        if (catalog.Find(request.ProcedureId) is null)
            throw new BookingException(BookingError.UnknownProcedure, $"Unknown procedure '{request.ProcedureId}'.");
        // A repeat is recognised only from the identity that made the booking: keys are built from ids a client chose.
        if (request.IdempotencyKey is { } key
            && await db.Bookings.AsNoTracking().FirstOrDefaultAsync(b => b.IdempotencyKey == key, ct) is { } earlier)
            return earlier.Channel == request.Channel && earlier.ChannelUserId == request.ChannelUserId
                ? earlier
                : throw new BookingException(BookingError.SlotUnavailable, "That request was already used.");
        if (identity.Value.CodesRequired && !request.PhoneVerified)
            throw new BookingException(BookingError.PhoneNotVerified, "The phone number must be confirmed with a one-time code first.");

        // Claimed before the booking and withdrawn if it fails, so a day's slots cannot be filled with invented numbers.
        var limits = abuse.Value;
        var claims = await guard.TryClaimAllAsync([(limits.BookingPerPhone, phone), (limits.BookingPerClient, request.ClientKey)], ct)
            ?? throw new BookingException(BookingError.DailyLimitReached, "Too many bookings today from this phone number or this client.");
        try
        {
            return await BookClaimedAsync(request, phone, citizenId, name, ct);
        }
        catch
        {
            foreach (var c in claims) await guard.ReleaseAsync(c, CancellationToken.None);
            throw;
        }
    }

    private async Task<Booking> BookClaimedAsync(BookingRequest request, string phone, string? citizenId, string name, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var (office, _, slot) = await ResolveSlotAsync(request.OfficeId, request.ProcedureId, request.Start,
                request.SessionId, ct);
            var now = time.GetUtcNow();
            await using var tx = await db.BeginWriteAsync(ct);
            await EnforcePhoneLimitAsync(phone, now, ct);
            await ReserveAsync(slot, ct);
            var queue = await NextQueueNumberAsync(office, slot.Start, ct);

            var booking = new Booking
            {
                Id = Guid.CreateVersion7(now),
                Code = codes.Next(),
                OfficeId = office.Id,
                ServiceId = slot.ServiceId,
                SessionId = slot.SessionId,
                ProcedureId = request.ProcedureId,
                Start = slot.Start,
                End = slot.End,
                SlotKey = slot.SlotKey,
                QueueNumber = queue,
                CitizenName = name,
                Phone = phone,
                CitizenId = citizenId,
                Channel = request.Channel,
                ChannelUserId = request.ChannelUserId,
                Locale = request.Locale,
                IdempotencyKey = request.IdempotencyKey,
                // This booking's own notices go there too; an address that is not one is not kept.
                Email = Messaging.Core.Notifications.EmailAddress.TryNormalize(request.Email, out var email) ? email : null,
                PhoneVerified = request.PhoneVerified,
                ClientKey = request.ClientKey is { } client ? fingerprints.Of(client) : null,
                Status = BookingStatus.Booked,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Bookings.Add(booking);
            db.Outbox.Add(OutboxMessage.From(new BookingCreated(booking.Id, booking.Code, booking.OfficeId,
                booking.ProcedureId, booking.Start, booking.QueueNumber, booking.SessionId), now));
            await Reminders.RescheduleAsync(db, booking, reminders.Value, now, ct);
            try
            {
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return booking;
            }
            catch (DbUpdateException e) when (attempt < CodeAttempts && RawSql.IsUniqueViolation(e))
            {
                // A booking code collided (about one in 10^8); the transaction rolls back the reserved place.
            }
        }
    }

    /// <summary>
    /// Cancels a booking. With a <paramref name="changeKey"/> (a chat turn's id), the same request again finds its
    /// cancellation already made and returns the booking as it is: a turn run twice cancels once and says so twice.
    /// </summary>
    public async Task<Booking> CancelAsync(string code, string? verifyPhone, string? reason, string cancelledBy,
        CancellationToken ct, string? changeKey = null)
    {
        if (await AlreadyChangedAsync(code, verifyPhone, changeKey, ct) is { } done) return done;
        var booking = await FindForChangeAsync(code, verifyPhone, ct);
        booking.LastChangeKey = changeKey;
        var now = time.GetUtcNow();
        await using var tx = await db.BeginWriteAsync(ct);
        await ReleaseAsync(booking.SlotKey, ct);
        booking.Status = BookingStatus.Cancelled;
        booking.CancelReason = reason;
        booking.CancelledBy = cancelledBy;
        booking.UpdatedAt = now;
        booking.Version++;
        db.Outbox.Add(OutboxMessage.From(
            new BookingCancelled(booking.Id, booking.Code, reason, cancelledBy, booking.Version), now));
        await Reminders.CancelAsync(db, booking.Id, ct);
        await SaveOrConflictAsync(ct);
        await tx.CommitAsync(ct);
        Telemetry.MessagingMetrics.Bookings.Add(1, Telemetry.MessagingMetrics.Tag("outcome", "cancelled"), Telemetry.MessagingMetrics.Tag("office", booking.OfficeId));
        return booking;
    }

    /// <summary>
    /// Moves a booking as one step: the new place is secured first, and only then is the old one given up,
    /// so a full target slot leaves the citizen with the appointment they had.
    /// </summary>
    public async Task<Booking> RescheduleAsync(string code, string? verifyPhone, RescheduleRequest to,
        CancellationToken ct, string? changeKey = null)
    {
        if (await AlreadyChangedAsync(code, verifyPhone, changeKey, ct) is { } done) return done;
        var booking = await FindForChangeAsync(code, verifyPhone, ct);
        booking.LastChangeKey = changeKey;
        var (office, _, slot) = await ResolveSlotAsync(to.OfficeId ?? booking.OfficeId, booking.ProcedureId, to.Start,
            to.SessionId, ct);
        if (slot.SlotKey == booking.SlotKey)
            throw new BookingException(BookingError.SlotUnavailable, "The booking is already in that slot.");

        var now = time.GetUtcNow();
        await using var tx = await db.BeginWriteAsync(ct);
        await ReserveAsync(slot, ct);
        await ReleaseAsync(booking.SlotKey, ct);
        var oldStart = booking.Start;
        var sameQueueDay = booking.OfficeId == office.Id
            && OfficeTime.LocalDate(oldStart, office.TimeZoneId) == OfficeTime.LocalDate(slot.Start, office.TimeZoneId);
        if (!sameQueueDay)
        {
            booking.QueueNumber = await NextQueueNumberAsync(office, slot.Start, ct);
        }
        booking.OfficeId = office.Id;
        booking.ServiceId = slot.ServiceId;
        booking.SessionId = slot.SessionId;
        booking.Start = slot.Start;
        booking.End = slot.End;
        booking.SlotKey = slot.SlotKey;
        booking.UpdatedAt = now;
        booking.Version++;
        db.Outbox.Add(OutboxMessage.From(new BookingRescheduled(booking.Id, booking.Code, oldStart, booking.Start,
            booking.QueueNumber, booking.Version), now));
        await Reminders.RescheduleAsync(db, booking, reminders.Value, now, ct);
        await SaveOrConflictAsync(ct);
        await tx.CommitAsync(ct);
        return booking;
    }

    public Task<Booking> CheckInAsync(string code, string officer, CancellationToken ct) =>
        MarkAsync(code, BookingStatus.CheckedIn, officer, ct);

    public Task<Booking> MarkNoShowAsync(string code, string officer, CancellationToken ct) =>
        MarkAsync(code, BookingStatus.NoShow, officer, ct);

    public async Task<Booking?> GetByCodeAsync(string code, CancellationToken ct) =>
        BookingCode.TryNormalize(code, out var normalized)
            ? await db.Bookings.AsNoTracking().FirstOrDefaultAsync(b => b.Code == normalized, ct)
            : null;

    public async Task<IReadOnlyList<Booking>> FindActiveByPhoneAsync(string phone, CancellationToken ct)
    {
        if (!VietnamesePhone.TryNormalize(phone, out var normalized)) return [];
        var now = time.GetUtcNow();
        return await db.Bookings.AsNoTracking()
            .Where(b => b.Phone == normalized && b.Status == BookingStatus.Booked && b.Start > now)
            .OrderBy(b => b.Start).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<Booking>> FindActiveByChannelAsync(string channel, string userId,
        CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return await db.Bookings.AsNoTracking()
            .Where(b => b.Channel == channel && b.ChannelUserId == userId && b.Status == BookingStatus.Booked
                && b.Start > now)
            .OrderBy(b => b.Start).ToListAsync(ct);
    }

    private async Task<Booking> MarkAsync(string code, BookingStatus status, string officer, CancellationToken ct)
    {
        var booking = await FindForChangeAsync(code, null, ct, allowPast: true);
        var now = time.GetUtcNow();
        var office = await db.Offices.AsNoTracking().FirstAsync(o => o.Id == booking.OfficeId, ct);
        var day = OfficeTime.LocalDate(booking.Start, office.TimeZoneId);
        if (status == BookingStatus.CheckedIn && OfficeTime.LocalDate(now, office.TimeZoneId) != day)
            throw new BookingException(BookingError.NotActive, "Check-in is only possible on the day of the appointment.");
        if (status == BookingStatus.NoShow && now < booking.Start)
            throw new BookingException(BookingError.NotActive, "A no-show can only be recorded after the start time.");
        booking.Status = status;
        booking.HandledBy = officer;
        booking.UpdatedAt = now;
        booking.Version++;
        await SaveOrConflictAsync(ct);
        return booking;
    }

    /// <summary>The booking, when its last change was made by the request with this key (and the same phone).</summary>
    private async Task<Booking?> AlreadyChangedAsync(string code, string? verifyPhone, string? changeKey, CancellationToken ct)
    {
        if (changeKey is null || !BookingCode.TryNormalize(code, out var normalized)) return null;
        var booking = await db.Bookings.AsNoTracking().FirstOrDefaultAsync(b => b.Code == normalized && b.LastChangeKey == changeKey, ct);
        if (booking is null) return null;
        return verifyPhone is null || (VietnamesePhone.TryNormalize(verifyPhone, out var p) && p == booking.Phone) ? booking : null;
    }

    private async Task<Booking> FindForChangeAsync(string code, string? verifyPhone, CancellationToken ct,
        bool allowPast = false)
    {
        db.ChangeTracker.Clear();
        Booking? booking = null;
        if (BookingCode.TryNormalize(code, out var normalized))
            booking = await db.Bookings.FirstOrDefaultAsync(b => b.Code == normalized, ct);
        // A wrong code and a wrong phone get the same answer, so codes cannot be probed with a phone.
        if (booking is null || (verifyPhone is not null
            && !(VietnamesePhone.TryNormalize(verifyPhone, out var p) && p == booking.Phone)))
            throw new BookingException(BookingError.NotFound, "No booking matches that code and phone number.");
        if (booking.Status != BookingStatus.Booked || (!allowPast && booking.Start <= time.GetUtcNow()))
            throw new BookingException(BookingError.NotActive, "The booking is no longer active.");
        return booking;
    }

    private async Task SaveOrConflictAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new BookingException(BookingError.NotActive, "The booking was changed at the same time; try again.");
        }
    }

    private async Task<List<Office>> LoadOfficesAsync(string? officeId, CancellationToken ct)
    {
        if (officeId is null) return [.. await directory.AllAsync(db, ct)];
        return await directory.FindAsync(db, officeId, ct) is { } office ? [office] : [];
    }

    /// <summary>Re-derives the requested slot from the office's rules, so a client cannot invent one.</summary>
    private async Task<(Office, OfficeService, Slot)> ResolveSlotAsync(string officeId, string procedureId,
        DateTimeOffset start, Guid? sessionId, CancellationToken ct)
    {
        var office = await directory.FindAsync(db, officeId, ct)
            ?? throw new BookingException(BookingError.UnknownOffice, $"Unknown office '{officeId}'.");
        var now = time.GetUtcNow();
        Slot? slot = null;
        OfficeService? service;
        if (sessionId is { } sid)
        {
            var session = await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sid, ct);
            service = office.Services.FirstOrDefault(s => s.Id == session?.ServiceId);
            if (session is not null && session.OfficeId == office.Id && service is not null
                && service.ProcedureIds.Contains(procedureId))
                slot = SlotGenerator.ForSession(session, service, now).FirstOrDefault(s => s.Start == start);
        }
        else
        {
            service = office.Services.FirstOrDefault(s => s.ProcedureIds.Contains(procedureId));
            if (service is not null)
            {
                var date = OfficeTime.LocalDate(start, office.TimeZoneId);
                slot = SlotGenerator.Regular(office, service, date, now).FirstOrDefault(s => s.Start == start);
            }
            // The slot list gives each start with its session; a client that sends only the start still means that
            // slot, so a start no regular hour offers is looked for among the office's sessions.
            if (slot is null)
            {
                // The slot search's own read: scheduled sessions of the office that overlap the instant.
                foreach (var session in (await slotReads.ScheduledSessionsAsync([office.Id], start, start.AddTicks(1), ct)).OrderBy(s => s.Id))
                {
                    if (office.Services.FirstOrDefault(s => s.Id == session.ServiceId && s.ProcedureIds.Contains(procedureId)) is not { } sessionService)
                        continue;
                    slot = SlotGenerator.ForSession(session, sessionService, now).FirstOrDefault(s => s.Start == start);
                    if (slot is not null) { service = sessionService; break; }
                }
            }
        }
        if (service is null && !office.Services.Any(s => s.ProcedureIds.Contains(procedureId)))
            throw new BookingException(BookingError.UnknownProcedure, "This office does not handle that procedure.");
        if (slot is null || service is null)
            throw new BookingException(BookingError.SlotUnavailable, "That time is not a bookable slot.");
        return (office, service, slot);
    }

    private async Task EnforcePhoneLimitAsync(string phone, DateTimeOffset now, CancellationToken ct)
    {
        // Touching the phone's row locks it until commit, so two bookings of one phone run one after the other.
        await db.ExecuteAsync(
            "INSERT INTO phone_guards (phone, hits) VALUES (@phone, 1) " +
            "ON CONFLICT (phone) DO UPDATE SET hits = phone_guards.hits + 1", ct, ("@phone", phone));
        var active = await db.Bookings.CountAsync(
            b => b.Phone == phone && b.Status == BookingStatus.Booked && b.Start > now, ct);
        if (active >= options.Value.MaxActiveBookingsPerPhone)
            throw new BookingException(BookingError.PhoneLimitReached,
                $"This phone number already holds {active} upcoming bookings.");
    }

    /// <summary>One conditional increment: under any concurrency, at most <c>Capacity</c> callers succeed.</summary>
    private async Task ReserveAsync(Slot slot, CancellationToken ct)
    {
        await db.ExecuteAsync("INSERT INTO slot_counters (slot_key, booked) VALUES (@key, 0) ON CONFLICT (slot_key) DO NOTHING",
            ct, ("@key", slot.SlotKey));
        var updated = await db.ExecuteAsync(
            "UPDATE slot_counters SET booked = booked + 1 WHERE slot_key = @key AND booked < @capacity", ct,
            ("@key", slot.SlotKey), ("@capacity", slot.Capacity));
        if (updated == 0) throw new BookingException(BookingError.SlotFull, "That slot has just been fully booked.");
    }

    private Task ReleaseAsync(string slotKey, CancellationToken ct) =>
        db.ExecuteAsync("UPDATE slot_counters SET booked = booked - 1 WHERE slot_key = @key AND booked > 0", ct,
            ("@key", slotKey));

    /// <summary>The office's one sequence of the day, shared with walk-in tickets (see <see cref="FrontDesk.QueueNumbers"/>).</summary>
    private Task<int> NextQueueNumberAsync(Office office, DateTimeOffset start, CancellationToken ct) =>
        FrontDesk.QueueNumbers.NextAsync(db, office.Id, OfficeTime.LocalDate(start, office.TimeZoneId), office.TimeZoneId, ct);

    private static string? CitizenIdOrNull(string? value)
    {
        var cleaned = CitizenId.Clean(value);
        if (cleaned is null) return null;
        if (!CitizenId.IsValid(cleaned))
            throw new BookingException(BookingError.InvalidCitizenId,
                "The citizen ID number must have 12 digits starting with a province code.");
        return cleaned;
    }

    private static string NameOrThrow(string? name)
    {
        var trimmed = string.Join(' ', (name ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (trimmed.Length is < 2 or > 100 || trimmed.Any(char.IsControl))
            throw new BookingException(BookingError.InvalidName, "The name must have 2 to 100 characters.");
        return trimmed;
    }
}
