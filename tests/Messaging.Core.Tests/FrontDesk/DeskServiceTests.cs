using System.Text.Json;
using Messaging.Core.Appointments;
using Messaging.Core.FrontDesk;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Core.Tests.FrontDesk;

/// <summary>
/// The office's one queue of the day and its desks, run once on SQLite and once on PostgreSQL (the two subclasses below):
/// numbers, call order, concurrent desks, no-shows, "your turn is near" claims and the wait estimate.
/// </summary>
public abstract class DeskServiceTests(Func<DateTimeOffset, Task<TestDatabase>> create) : IAsyncLifetime
{
    /// <summary>Wednesday 25 Nov 2026, 07:00 in Vietnam: before opening, so the whole day can be booked.</summary>
    private static readonly DateTimeOffset Wed0700 = TestData.At(2026, 11, 25, 7, 0);
    private TestDatabase _db = null!;
    private int _phones;

    public async Task InitializeAsync()
    {
        _db = await create(Wed0700);
        await _db.InScopeAsync(sp => TestData.SeedAsync(sp.GetRequiredService<MessagingDbContext>()));
        await _db.InScopeAsync(sp => TestData.SeedAsync(sp.GetRequiredService<MessagingDbContext>(),
            TestData.Office(TestData.OtherOfficeId, "Trà Xuân")));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private Task<T> Desk<T>(Func<DeskService, Task<T>> f) => _db.InScopeAsync(sp => f(sp.GetRequiredService<DeskService>()));

    private Task<Booking> BookAsync(DateTimeOffset start, string procedure = "cccd-renewal", string office = TestData.OfficeId,
        string name = "Nguyễn Văn An") =>
        _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().BookAsync(
            new BookingRequest(procedure, office, start, name, $"0912{Interlocked.Increment(ref _phones):000000}"), default));

    private Task<DeskResult> WalkInAsync(string office = TestData.OfficeId, string? name = null) =>
        Desk(d => d.IssueAsync(office, "cccd-renewal", name, "canbo", default));

    private Task<DeskResult> NextAsync(string desk = "Quầy 1") => Desk(d => d.CallNextAsync(TestData.OfficeId, desk, "canbo", default));

    private async Task<DeskDay> DayAsync() => (await Desk(d => d.DayAsync(TestData.OfficeId, default)))!;

    private Task<List<QueueCalled>> CallEventsAsync() => _db.InScopeAsync(async sp =>
        (await sp.GetRequiredService<MessagingDbContext>().Outbox.AsNoTracking().Where(o => o.Type == "queue.called").OrderBy(o => o.OccurredAt).ToListAsync())
            .Select(o => JsonSerializer.Deserialize<QueueCalled>(o.Payload, DomainEvents.Json)!).ToList());

    [Fact]
    public async Task Bookings_of_every_procedure_and_walk_ins_share_one_sequence_per_office_and_day()
    {
        var card = await BookAsync(TestData.At(2026, 11, 25, 8, 0));
        var residence = await BookAsync(TestData.At(2026, 11, 25, 8, 10), "permanent-residence");
        var walkIn = await WalkInAsync();
        var thursday = await BookAsync(TestData.At(2026, 11, 26, 8, 0));
        var otherOffice = await BookAsync(TestData.At(2026, 11, 25, 8, 0), office: TestData.OtherOfficeId);
        var otherWalkIn = await WalkInAsync(TestData.OtherOfficeId);
        Assert.Equal([1, 2, 1, 1], new[] { card, residence, thursday, otherOffice }.Select(b => b.QueueNumber));
        Assert.Equal(("3", "2"), (walkIn.Number, otherWalkIn.Number));

        Assert.Equal(DeskOutcome.NotAllowed, (await Desk(d => d.SetPrefixAsync(TestData.OfficeId, "AB", "admin", default))).Outcome);
        Assert.Equal("A", (await Desk(d => d.SetPrefixAsync(TestData.OfficeId, " a ", "admin", default))).Number);
        var day = await DayAsync();
        Assert.Equal(["A003", "A001", "A002"], day.Waiting.Select(i => i.Number)); // the walk-in came at 07:00, before both slots
        Assert.Equal(1, await _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().AuditLog.CountAsync(a => a.Action == "office.queue-prefix")));
    }

    [Fact]
    public async Task Two_hundred_concurrent_bookings_and_walk_ins_get_unique_gapless_numbers()
    {
        await _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().OfficeServices
            .Where(s => s.OfficeId == TestData.OfficeId && s.Name == "Căn cước").ExecuteUpdateAsync(u => u.SetProperty(s => s.CapacityPerSlot, 10)));
        // 08:00–11:15 and 13:30–16:45 in quarter hours: 28 slots of 10 places.
        var slots = Enumerable.Range(0, 14).Select(i => TestData.At(2026, 11, 25, 8, 0).AddMinutes(15 * i))
            .Concat(Enumerable.Range(0, 14).Select(i => TestData.At(2026, 11, 25, 13, 30).AddMinutes(15 * i))).ToList();
        // 48 in flight at once: enough to race on the counter row, and within the connection budget of a PostgreSQL
        // server that other test classes share at the same moment.
        using var inFlight = new SemaphoreSlim(48);
        async Task<int> Gated(Func<Task<int>> take)
        {
            await inFlight.WaitAsync();
            try { return await take(); } finally { inFlight.Release(); }
        }
        var bookings = Enumerable.Range(0, 100).Select(i => Task.Run(() => Gated(async () => (await BookAsync(slots[i % slots.Count])).QueueNumber)));
        var walkIns = Enumerable.Range(0, 100).Select(_ => Task.Run(() => Gated(async () => (await WalkInAsync()).Item!.Sequence)));
        var numbers = await Task.WhenAll(bookings.Concat(walkIns));

        Assert.Equal(Enumerable.Range(1, 200), numbers.Order());
        var stored = await _db.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<MessagingDbContext>();
            var booked = await db.Bookings.Where(b => b.OfficeId == TestData.OfficeId).Select(b => b.QueueNumber).ToListAsync();
            var tickets = await db.Set<QueueEntry>().Where(e => e.OfficeId == TestData.OfficeId).Select(e => e.Number).ToListAsync();
            return booked.Concat(tickets).Order().ToList();
        });
        Assert.Equal(Enumerable.Range(1, 200), stored);
        Assert.Equal(200, (await DayAsync()).Waiting.Count);
    }

    [Fact]
    public async Task Three_desks_calling_at_once_never_call_the_same_number()
    {
        for (var i = 0; i < 5; i++)
        {
            await BookAsync(TestData.At(2026, 11, 25, 8, 0).AddMinutes(15 * i));
            await BookAsync(TestData.At(2026, 11, 25, 8, 0).AddMinutes(15 * i));
        }
        for (var i = 0; i < 40; i++) await WalkInAsync();
        _db.Time.SetUtcNow(TestData.At(2026, 11, 25, 11, 0)); // every booked number can be called now

        var desks = new[] { "Quầy 1", "Quầy 2", "Quầy 3" }.Select(desk => Task.Run(async () =>
        {
            var called = new List<string>();
            while (await NextAsync(desk) is { Outcome: DeskOutcome.Done } r) called.Add(r.Number!);
            return called;
        }));
        var byDesk = await Task.WhenAll(desks);

        var all = byDesk.SelectMany(x => x).ToList();
        Assert.Equal(50, all.Count);
        Assert.Equal(50, all.Distinct().Count());
        var entries = await _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().Set<QueueEntry>().AsNoTracking().ToListAsync());
        Assert.Equal(50, entries.Count);
        Assert.All(entries, e => Assert.Equal(1, e.Calls));
        // Each number was finished by its desk's next call, the last ones by the call that found the line empty.
        Assert.All(entries, e => Assert.Equal(QueueEntryStatus.Served, e.Status));
        Assert.Empty((await DayAsync()).Waiting);
    }

    [Fact]
    public async Task Booked_numbers_are_called_by_slot_time_between_walk_ins_and_not_long_before_it()
    {
        var eight = await BookAsync(TestData.At(2026, 11, 25, 8, 0));
        var quarterPast = await BookAsync(TestData.At(2026, 11, 25, 8, 15));
        // At 07:00 nobody is due: the booked numbers are called from a quarter of an hour before their slot.
        Assert.Equal(DeskOutcome.Empty, (await NextAsync()).Outcome);
        var first = await WalkInAsync();
        _db.Time.SetUtcNow(TestData.At(2026, 11, 25, 7, 50));
        var second = await WalkInAsync();
        _db.Time.SetUtcNow(TestData.At(2026, 11, 25, 8, 5));
        var third = await WalkInAsync();

        var order = new List<string>();
        while (await NextAsync() is { Outcome: DeskOutcome.Done } r) order.Add(r.Number!);
        Assert.Equal([first.Number!, second.Number!, "1", third.Number!, "2"], order);
        Assert.Equal((1, 2), (eight.QueueNumber, quarterPast.QueueNumber));
        Assert.Equal(["3", "4", "5"], new[] { first.Number!, second.Number!, third.Number! });
    }

    [Fact]
    public async Task A_booked_citizen_who_checked_in_early_can_be_called_early()
    {
        var later = await BookAsync(TestData.At(2026, 11, 25, 10, 0));
        Assert.Equal(DeskOutcome.Empty, (await NextAsync()).Outcome);
        await _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().CheckInAsync(later.Code, "canbo", default));
        var r = await NextAsync();
        Assert.Equal((DeskOutcome.Done, later.Id), (r.Outcome, r.Item!.BookingId!.Value));
    }

    [Fact]
    public async Task Recall_no_show_only_after_the_grace_time_served_and_back_in_line()
    {
        var booked = await BookAsync(TestData.At(2026, 11, 25, 8, 0), name: "Trần Thị Bình");
        var walkIn = await WalkInAsync();
        _db.Time.SetUtcNow(TestData.At(2026, 11, 25, 7, 50));

        var call = await NextAsync();
        Assert.Equal(walkIn.Number, call.Number);
        var id = call.Item!.EntryId!.Value;
        _db.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(DeskOutcome.Done, (await Desk(d => d.RecallAsync(id, default))).Outcome);
        var board = (await Desk(d => d.BoardAsync(TestData.OfficeId, default)))!;
        Assert.Equal(TestData.At(2026, 11, 25, 7, 51), Assert.Single(board.Serving).AnnouncedAt);

        var early = await Desk(d => d.SkipAsync(id, "canbo", default));
        Assert.Equal(DeskOutcome.TooEarly, early.Outcome);
        Assert.Equal(TimeSpan.FromMinutes(4), early.Wait);
        _db.Time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(DeskOutcome.Done, (await Desk(d => d.SkipAsync(id, "canbo", default))).Outcome);
        Assert.Equal(DeskOutcome.NotAllowed, (await Desk(d => d.ServeAsync(id, "canbo", default))).Outcome);

        // The walk-in arrives after all, at 08:01: back in line behind the citizen booked for 08:00, who is called next.
        _db.Time.SetUtcNow(TestData.At(2026, 11, 25, 8, 1));
        Assert.Equal(DeskOutcome.Done, (await Desk(d => d.RequeueAsync(id, default))).Outcome);
        var bookedCall = await NextAsync();
        Assert.Equal(booked.Id, bookedCall.Item!.BookingId);
        Assert.Equal(DeskOutcome.Done, (await Desk(d => d.ServeAsync(bookedCall.Item!.EntryId!.Value, "canbo", default))).Outcome);
        var again = await NextAsync();
        Assert.Equal(id, again.Item!.EntryId);
        Assert.Equal(2, again.Item!.Calls);

        // The booking takes the desk's word: present once served.
        var stored = await _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().GetByCodeAsync(booked.Code, default));
        Assert.Equal((BookingStatus.CheckedIn, "canbo"), (stored!.Status, stored!.HandledBy));
        var day = await DayAsync();
        Assert.Equal([QueueEntryStatus.Served], day.Finished.Select(i => i.Status));
    }

    [Fact]
    public async Task A_booked_no_show_is_recorded_on_the_booking()
    {
        var booked = await BookAsync(TestData.At(2026, 11, 25, 8, 0));
        _db.Time.SetUtcNow(TestData.At(2026, 11, 25, 8, 0));
        var call = await NextAsync();
        _db.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(DeskOutcome.Done, (await Desk(d => d.SkipAsync(call.Item!.EntryId!.Value, "canbo", default))).Outcome);
        var stored = await _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().GetByCodeAsync(booked.Code, default));
        Assert.Equal(BookingStatus.NoShow, stored!.Status);
        var position = await Desk(d => d.PositionAsync(stored!, default));
        Assert.Equal(PositionStatus.NoShow, position.Status);
    }

    [Fact]
    public async Task A_call_tells_the_booked_citizens_up_to_three_places_behind_once_each()
    {
        var booked = new List<Booking>();
        foreach (var minute in new[] { 0, 0, 15, 15 }) booked.Add(await BookAsync(TestData.At(2026, 11, 25, 8, minute)));
        var walkIn = await WalkInAsync();
        _db.Time.SetUtcNow(TestData.At(2026, 11, 25, 8, 0));

        Assert.Equal(walkIn.Number, (await NextAsync("Quầy 1")).Number);
        var first = Assert.Single(await CallEventsAsync());
        Assert.Equal([(booked[0].Id, 0), (booked[1].Id, 1), (booked[2].Id, 2)], first.Near.Select(n => (n.BookingId, n.Ahead)));
        Assert.Equal(("5", "Quầy 1"), (first.Number, first.Desk));

        Assert.Equal(booked[0].Id, (await NextAsync("Quầy 2")).Item!.BookingId);
        Assert.Equal(booked[1].Id, (await NextAsync("Quầy 1")).Item!.BookingId);
        Assert.Equal(booked[2].Id, (await NextAsync("Quầy 2")).Item!.BookingId);
        var events = await CallEventsAsync();
        // The second call brought only the fourth citizen within reach; later calls told nobody new, and wrote no event.
        Assert.Equal(2, events.Count);
        Assert.Equal([(booked[3].Id, 2)], events[1].Near.Select(n => (n.BookingId, n.Ahead)));
        Assert.Equal(4, events.SelectMany(e => e.Near).Select(n => n.BookingId).Distinct().Count());
        Assert.All((await DayAsync()).Waiting.Concat((await DayAsync()).Called), i => Assert.True(i.Kind == QueueEntryKind.WalkIn || i.NearNoticeAt is not null));
    }

    [Fact]
    public async Task A_citizen_booked_for_the_afternoon_is_not_told_in_the_morning()
    {
        var afternoon = await BookAsync(TestData.At(2026, 11, 25, 14, 0));
        await WalkInAsync();
        _db.Time.SetUtcNow(TestData.At(2026, 11, 25, 8, 0));
        await NextAsync();
        Assert.Empty(await CallEventsAsync());
        var position = await Desk(d => d.PositionAsync(afternoon, default));
        // Nobody before it, but it cannot be called before 13:45.
        Assert.Equal((PositionStatus.Waiting, 0, 345), (position.Status, position.Ahead, position.EstimatedMinutes));
    }

    [Fact]
    public async Task The_place_in_line_and_the_wait_follow_todays_pace()
    {
        for (var i = 0; i < 4; i++) await WalkInAsync();
        var mine = await BookAsync(TestData.At(2026, 11, 25, 8, 0));
        _db.Time.SetUtcNow(TestData.At(2026, 11, 25, 8, 0));

        var before = await Desk(d => d.PositionAsync(mine, default));
        Assert.Equal((PositionStatus.Waiting, "5", 4, 40), (before.Status, before.Number, before.Ahead, before.EstimatedMinutes)); // the default 10 minutes each
        await NextAsync();
        _db.Time.Advance(TimeSpan.FromMinutes(12));
        await NextAsync();
        _db.Time.Advance(TimeSpan.FromMinutes(12));
        await NextAsync(); // two numbers finished, 12 minutes apart: today's pace

        var now = await Desk(d => d.PositionAsync(mine, default));
        Assert.Equal((1, 12, "3"), (now.Ahead, now.EstimatedMinutes, now.CallingNow));
        _db.Time.Advance(TimeSpan.FromMinutes(12));
        await NextAsync();
        Assert.Equal((0, 0), ((await Desk(d => d.PositionAsync(mine, default))).Ahead, (await Desk(d => d.PositionAsync(mine, default))).EstimatedMinutes));
        var called = await NextAsync();
        Assert.Equal(mine.Id, called.Item!.BookingId);
        var position = await Desk(d => d.PositionAsync(mine, default));
        Assert.Equal((PositionStatus.Called, "Quầy 1"), (position.Status, position.Desk));
    }

    [Fact]
    public async Task A_cancelled_or_moved_booking_leaves_the_line_even_after_its_turn_near_notice()
    {
        var cancelled = await BookAsync(TestData.At(2026, 11, 25, 8, 0));
        var moved = await BookAsync(TestData.At(2026, 11, 25, 8, 15));
        await WalkInAsync();
        await WalkInAsync();
        _db.Time.SetUtcNow(TestData.At(2026, 11, 25, 7, 46));
        await NextAsync(); // the first walk-in; both booked citizens are told their turn is near
        Assert.Equal(2, Assert.Single(await CallEventsAsync()).Near.Count);

        await _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().CancelAsync(cancelled.Code, null, "bận", "citizen", default));
        var thursday = await _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().RescheduleAsync(moved.Code, null,
            new RescheduleRequest(TestData.At(2026, 11, 26, 9, 0)), default));
        Assert.Equal(1, thursday.QueueNumber); // Thursday's line, Thursday's first number
        var day = await DayAsync();
        Assert.Equal(["4"], day.Waiting.Select(i => i.Number));
    }

    [Fact]
    public async Task A_session_moved_to_another_day_takes_numbers_of_that_day()
    {
        var serviceId = await _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().OfficeServices
            .Where(s => s.OfficeId == TestData.OfficeId && s.Name == "Căn cước").Select(s => s.Id).SingleAsync());
        var session = await _db.InScopeAsync(sp => sp.GetRequiredService<SessionService>().CreateAsync(new SessionDraft(TestData.OfficeId, serviceId,
            SessionKind.Extra, "Làm căn cước buổi tối", "Trụ sở", TestData.At(2026, 11, 25, 17, 30), TestData.At(2026, 11, 25, 19, 0), 2), default));
        var evening = await _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().BookAsync(new BookingRequest("cccd-renewal",
            TestData.OfficeId, TestData.At(2026, 11, 25, 17, 30), "Đỗ Văn Hải", "0912999001", SessionId: session.Id), default));
        var thursday = await BookAsync(TestData.At(2026, 11, 26, 8, 0));
        Assert.Equal((1, 1), (evening.QueueNumber, thursday.QueueNumber));

        await _db.InScopeAsync(sp => sp.GetRequiredService<SessionService>().ChangeAsync(session.Id, TestData.At(2026, 11, 26, 17, 30),
            TestData.At(2026, 11, 26, 19, 0), "Trụ sở", 2, default));
        var moved = await _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().GetByCodeAsync(evening.Code, default));
        Assert.Equal(2, moved!.QueueNumber); // Thursday's line already had its number 1
    }

    [Fact]
    public async Task Numbers_repeated_by_the_old_per_procedure_sequence_get_a_fresh_one_when_called()
    {
        // Two bookings made before the sequence was shared: both number 1 on the same day.
        await _db.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<MessagingDbContext>();
            foreach (var (procedure, code) in new[] { ("cccd-renewal", "OLDAAA1"), ("permanent-residence", "OLDAAA2") })
            {
                var start = TestData.At(2026, 11, 25, 8, 0);
                db.Bookings.Add(new Booking
                {
                    Id = Guid.NewGuid(), Code = code, OfficeId = TestData.OfficeId, ProcedureId = procedure, Start = start, End = start.AddMinutes(15),
                    SlotKey = "legacy-" + code, QueueNumber = 1, CitizenName = "Người cũ", Phone = "0912000999", Status = BookingStatus.Booked,
                    CreatedAt = start, UpdatedAt = start,
                });
            }
            await db.SaveChangesAsync();
        });
        _db.Time.SetUtcNow(TestData.At(2026, 11, 25, 8, 0));
        var first = await NextAsync("Quầy 1");
        var second = await NextAsync("Quầy 2");
        Assert.Equal("1", first.Number);
        Assert.Equal("2", second.Number); // the day's counter starts above the numbers already held
        var renumbered = await _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().Bookings.AsNoTracking()
            .SingleAsync(b => b.Id == second.Item!.BookingId));
        Assert.Equal(2, renumbered.QueueNumber);
        Assert.Equal("3", (await WalkInAsync()).Number);
    }

    [Fact]
    public async Task The_board_names_desks_and_numbers_and_nobody()
    {
        await BookAsync(TestData.At(2026, 11, 25, 8, 0), name: "Lê Văn Cường");
        await WalkInAsync(name: "Phạm Thị Dung");
        await WalkInAsync();
        _db.Time.SetUtcNow(TestData.At(2026, 11, 25, 8, 0));
        await NextAsync("Quầy 2");
        await NextAsync("Quầy 10");

        var board = (await Desk(d => d.BoardAsync(TestData.OfficeId, default)))!;
        Assert.Equal([("Quầy 2", "2"), ("Quầy 10", "3")], board.Serving.Select(s => (s.Desk, s.Number)));
        Assert.Equal(["1"], board.Next);
        Assert.Equal(1, board.Waiting);
        var json = JsonSerializer.Serialize(board, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.Contains("Quầy 10", json);
        Assert.DoesNotContain("Cường", json);
        Assert.DoesNotContain("Dung", json);
        Assert.DoesNotContain("0912", json);
        Assert.Null(await Desk(d => d.BoardAsync("no-such-office", default)));
    }

    [Fact]
    public async Task A_walk_in_ticket_names_its_place_and_refuses_a_procedure_the_office_does_not_handle()
    {
        await WalkInAsync();
        var ticket = await WalkInAsync(name: "Hồ Văn Em");
        var printed = (await Desk(d => d.TicketAsync(ticket.Item!.EntryId!.Value, default)))!;
        Assert.Equal(("2", 1, 10, "Hồ Văn Em"), (printed.Number, printed.Ahead, printed.EstimatedMinutes, printed.CitizenName));
        Assert.Equal(DeskOutcome.NotAllowed, (await Desk(d => d.IssueAsync(TestData.OfficeId, "passport", null, "canbo", default))).Outcome);
        Assert.Equal(DeskOutcome.NotFound, (await Desk(d => d.IssueAsync("no-such-office", null, null, "canbo", default))).Outcome);
    }
}

public sealed class SqliteDeskServiceTests()
    : DeskServiceTests(now => TestDatabase.CreateAsync(DatabaseProvider.Sqlite, now: now));

[Collection(PostgresCollection.Name)]
public sealed class PostgresDeskServiceTests(PostgresFixture pg)
    : DeskServiceTests(now => TestDatabase.CreateAsync(DatabaseProvider.Postgres, pg.Server, now: now));
