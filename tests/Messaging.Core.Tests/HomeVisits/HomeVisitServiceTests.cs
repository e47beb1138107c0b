using Messaging.Core.Appointments;
using Messaging.Core.HomeVisits;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Core.Staff;
using Messaging.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Core.Tests.HomeVisits;

/// <summary>The home-visit rules, run once on SQLite and once on PostgreSQL (see the two subclasses below).</summary>
public abstract class HomeVisitServiceTests(Func<Task<TestDatabase>> create) : IAsyncLifetime
{
    /// <summary>Daily caps high enough that the open-request limit and the day's limit are what the tests meet.</summary>
    protected static readonly Dictionary<string, string?> Settings = new()
    {
        ["HomeVisits:RequestsPerPhonePerDay"] = "50",
        ["HomeVisits:RequestsPerClientPerDay"] = "100",
    };

    private TestDatabase _db = null!;
    // The clock stands on Tuesday 24 Nov 2026, 09:00.
    private static readonly DateOnly Wednesday = new(2026, 11, 25);
    private static readonly DateOnly Thursday = new(2026, 11, 26);
    private static readonly HomeVisitActor Officer = new("canbo.a", false, [TestData.OfficeId]);
    private static readonly HomeVisitActor OtherOfficer = new("canbo.b", false, [TestData.OtherOfficeId]);
    private static readonly HomeVisitActor Admin = new("admin", true, []);

    public async Task InitializeAsync()
    {
        _db = await create();
        await _db.InScopeAsync(sp => TestData.SeedAsync(sp.GetRequiredService<MessagingDbContext>()));
        await _db.InScopeAsync(sp => TestData.SeedAsync(sp.GetRequiredService<MessagingDbContext>(),
            TestData.Office(TestData.OtherOfficeId, "Trà Xuân")));
        await _db.InScopeAsync(async sp =>
        {
            var accounts = sp.GetRequiredService<StaffAccounts>();
            await accounts.CreateAsync("canbo.a", "Nguyễn Văn Bình", "mat-khau-can-bo-a", StaffRoles.Officer, [TestData.OfficeId], "test", default);
            await accounts.CreateAsync("canbo.c", "Trần Văn Cường", "mat-khau-can-bo-c", StaffRoles.Officer, [TestData.OfficeId], "test", default);
            await accounts.CreateAsync("canbo.b", "Lê Thị Dung", "mat-khau-can-bo-b", StaffRoles.Officer, [TestData.OtherOfficeId], "test", default);
        });
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private Task<T> Visits<T>(Func<HomeVisitService, Task<T>> f) =>
        _db.InScopeAsync(sp => f(sp.GetRequiredService<HomeVisitService>()));

    private Task<T> Db<T>(Func<MessagingDbContext, Task<T>> f) =>
        _db.InScopeAsync(sp => f(sp.GetRequiredService<MessagingDbContext>()));

    private static HomeVisitInput Input(string phone = "0912345678", string office = TestData.OfficeId, string name = "Nguyễn Thị Hoa",
        string address = "Thôn Phú Sơn, xã Tịnh Hà") =>
        new(office, name, HomeVisitReason.Elderly, address, phone, Relation: "mẹ", PersonAge: 85, AddressMatched: true,
            PreferredDays: "2026-11-25");

    private static HomeVisitSchedule On(DateOnly day, string officer = "canbo.a", int from = 8) =>
        new(day, new TimeOnly(from, 0), new TimeOnly(from + 2, 0), officer);

    private async Task<HomeVisitException> Refused(Func<HomeVisitService, Task> f) =>
        await Assert.ThrowsAsync<HomeVisitException>(() => Visits(async s => { await f(s); return 0; }));

    private Task<int> DayCount(DateOnly day) => Db(async db =>
        (await db.Set<HomeVisitDay>().AsNoTracking().FirstOrDefaultAsync(d => d.Key == HomeVisitService.DayKey(TestData.OfficeId, day)))?.Scheduled ?? 0);

    private Task SetLimitAsync(int perDay) => Visits(async s => { await s.SetDailyLimitAsync(TestData.OfficeId, perDay, Admin, default); return 0; });

    [Fact]
    public async Task A_request_is_stored_with_the_phone_as_bookings_store_it_and_an_event_in_the_outbox()
    {
        var v = await Visits(s => s.CreateAsync(Input("+84 912 345 678"), default));
        Assert.True(BookingCode.TryNormalize(v.Code, out _));
        Assert.Equal("0912345678", v.Phone);
        Assert.Equal(HomeVisitStatus.Requested, v.Status);
        Assert.Equal("mẹ", v.Relation);
        Assert.Equal(85, v.PersonAge);
        var stored = await Db(db => db.Set<HomeVisitRequest>().AsNoTracking().SingleAsync(x => x.Id == v.Id));
        Assert.Equal("Thôn Phú Sơn, xã Tịnh Hà", stored.Address);
        var outbox = await Db(db => db.Outbox.AsNoTracking().Where(o => o.Type == HomeVisitEvents.Requested).ToListAsync());
        Assert.Equal($"home-visit.requested:{v.Id:N}", Assert.Single(outbox).Key);
    }

    [Fact]
    public async Task Malformed_requests_are_refused_with_the_rule_that_said_no()
    {
        Assert.Equal(HomeVisitError.InvalidPhone, (await Refused(s => s.CreateAsync(Input("0241234567"), default))).Error);
        Assert.Equal(HomeVisitError.InvalidName, (await Refused(s => s.CreateAsync(Input(name: "A"), default))).Error);
        Assert.Equal(HomeVisitError.InvalidAddress, (await Refused(s => s.CreateAsync(Input(address: "x"), default))).Error);
        Assert.Equal(HomeVisitError.UnknownOffice, (await Refused(s => s.CreateAsync(Input(office: "nowhere"), default))).Error);
    }

    [Fact]
    public async Task The_same_chat_turn_makes_one_request()
    {
        var input = Input() with { IdempotencyKey = "conv:turn-1", Channel = "webchat", ChannelUserId = "u1" };
        var a = await Visits(s => s.CreateAsync(input, default));
        var b = await Visits(s => s.CreateAsync(input, default));
        Assert.Equal(a.Id, b.Id);
        Assert.Equal(1, await Db(db => db.Set<HomeVisitRequest>().CountAsync()));
    }

    [Fact]
    public async Task One_phone_holds_at_most_three_open_requests_and_a_closed_one_frees_a_place()
    {
        var first = await Visits(s => s.CreateAsync(Input(), default));
        for (var i = 0; i < 2; i++) await Visits(s => s.CreateAsync(Input(), default));
        Assert.Equal(HomeVisitError.OpenLimitReached, (await Refused(s => s.CreateAsync(Input(), default))).Error);
        await Visits(s => s.DeclineAsync(first.Id, "Đã làm căn cước tại trụ sở", Officer, default));
        await Visits(s => s.CreateAsync(Input(), default));
    }

    [Fact]
    public async Task Concurrent_requests_by_one_phone_respect_the_open_limit()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(async () =>
        {
            try
            {
                await Visits(s => s.CreateAsync(Input(), default));
                return true;
            }
            catch (HomeVisitException e) when (e.Error == HomeVisitError.OpenLimitReached)
            {
                return false;
            }
        })));
        Assert.Equal(3, results.Count(ok => ok));
    }

    [Fact]
    public async Task The_daily_limit_holds_when_officers_schedule_many_visits_on_one_day_at_once()
    {
        await SetLimitAsync(2);
        var requests = new List<HomeVisitRequest>();
        for (var i = 0; i < 12; i++) requests.Add(await Visits(s => s.CreateAsync(Input($"0912{i:000000}"), default)));

        var results = await Task.WhenAll(requests.Select((r, i) => Task.Run(async () =>
        {
            try
            {
                await Visits(s => s.ScheduleAsync(r.Id, On(Wednesday, i % 2 == 0 ? "canbo.a" : "canbo.c", 7 + i % 8), Officer, default));
                return "ok";
            }
            catch (HomeVisitException e)
            {
                return e.Error.ToString();
            }
        })));

        Assert.Equal(2, results.Count(r => r == "ok"));
        Assert.Equal(10, results.Count(r => r == nameof(HomeVisitError.DayFull)));
        Assert.Equal(2, await DayCount(Wednesday));
        Assert.Equal(2, await Db(db => db.Set<HomeVisitRequest>().CountAsync(v => v.Status == HomeVisitStatus.Scheduled && v.ScheduledDate == Wednesday)));
        // Another day is not touched by this one's limit.
        await Visits(s => s.ScheduleAsync(requests.First(r => results[requests.IndexOf(r)] != "ok").Id, On(Thursday), Officer, default));
        Assert.Equal(1, await DayCount(Thursday));
    }

    [Fact]
    public async Task An_officer_of_another_office_can_neither_see_nor_change_a_request_nor_be_sent_on_it()
    {
        var v = await Visits(s => s.CreateAsync(Input(), default));
        Assert.Equal(HomeVisitError.NotFound, (await Refused(s => s.ScheduleAsync(v.Id, On(Wednesday, "canbo.b"), OtherOfficer, default))).Error);
        Assert.Equal(HomeVisitError.NotFound, (await Refused(s => s.DeclineAsync(v.Id, "Không thuộc địa bàn", OtherOfficer, default))).Error);
        Assert.Equal(HomeVisitError.NotFound, (await Refused(s => s.MarkDoneAsync(v.Id, OtherOfficer, default))).Error);
        Assert.Equal(HomeVisitError.NotFound, (await Refused(s => s.SetDailyLimitAsync(TestData.OfficeId, 5, OtherOfficer, default))).Error);
        // The office's own officer may not send someone who is not on the office's staff.
        Assert.Equal(HomeVisitError.UnknownOfficer, (await Refused(s => s.ScheduleAsync(v.Id, On(Wednesday, "canbo.b"), Officer, default))).Error);
        Assert.Equal(HomeVisitError.UnknownOfficer, (await Refused(s => s.ScheduleAsync(v.Id, On(Wednesday, "nobody"), Admin, default))).Error);
        var unchanged = await Visits(s => s.FindAsync(v.Id, default));
        Assert.Equal((HomeVisitStatus.Requested, 0), (unchanged!.Status, unchanged.Version));
        Assert.Equal(0, await DayCount(Wednesday));
    }

    [Fact]
    public async Task A_request_is_scheduled_moved_and_done_and_nothing_follows_a_closed_one()
    {
        await SetLimitAsync(2);
        var v = await Visits(s => s.CreateAsync(Input(), default));
        var scheduled = await Visits(s => s.ScheduleAsync(v.Id, On(Wednesday), Officer, default));
        Assert.Equal((HomeVisitStatus.Scheduled, "Nguyễn Văn Bình", "08:00–10:00"), (scheduled.Status, scheduled.OfficerName, scheduled.WindowText()));

        var moved = await Visits(s => s.ScheduleAsync(v.Id, On(Thursday, "canbo.c", 13), Officer, default));
        Assert.Equal((Thursday, "canbo.c"), (moved.ScheduledDate!.Value, moved.OfficerUserName!));
        Assert.Equal((0, 1), (await DayCount(Wednesday), await DayCount(Thursday)));

        Assert.Equal(HomeVisitError.NotActive, (await Refused(s => s.MarkDoneAsync(v.Id, Officer, default))).Error); // not its day yet
        _db.Time.SetUtcNow(TestData.At(2026, 11, 26, 15, 30));
        var done = await Visits(s => s.MarkDoneAsync(v.Id, Officer, default));
        Assert.Equal(HomeVisitStatus.Done, done.Status);
        Assert.Equal(1, await DayCount(Thursday)); // the officers went that day: the place stays taken

        Assert.Equal(HomeVisitError.NotActive, (await Refused(s => s.DeclineAsync(v.Id, "Quá muộn", Officer, default))).Error);
        Assert.Equal(HomeVisitError.NotActive, (await Refused(s => s.ScheduleAsync(v.Id, On(Thursday.AddDays(1)), Officer, default))).Error);
        Assert.Equal(HomeVisitError.NotActive, (await Refused(s => s.CancelAsync(v.Code, v.Phone, default))).Error);

        var audit = await Db(db => db.AuditLog.AsNoTracking().Where(a => a.Subject == v.Code).Select(a => a.Action).ToListAsync());
        Assert.Equal(["home-visit.done", "home-visit.schedule", "home-visit.schedule"], audit.Order());
    }

    [Fact]
    public async Task A_limit_lowered_on_another_node_holds_here_at_once_though_the_office_cache_is_older()
    {
        await SetLimitAsync(2);
        var a = await Visits(s => s.CreateAsync(Input("0912000001"), default));
        var b = await Visits(s => s.CreateAsync(Input("0912000002"), default));
        await Visits(s => s.ScheduleAsync(a.Id, On(Wednesday), Officer, default));
        // Another node's admin sets the limit to one: this node's office cache still says two.
        await Db(db => db.Offices.Where(o => o.Id == TestData.OfficeId).ExecuteUpdateAsync(u => u.SetProperty(o => o.HomeVisitsPerDay, 1)));
        Assert.Equal(HomeVisitError.DayFull, (await Refused(s => s.ScheduleAsync(b.Id, On(Wednesday), Officer, default))).Error);
        Assert.Equal(1, await DayCount(Wednesday));
    }

    [Fact]
    public async Task Declining_or_a_citizen_cancelling_gives_the_day_back_and_a_decline_needs_a_reason()
    {
        await SetLimitAsync(1);
        var a = await Visits(s => s.CreateAsync(Input("0912000001"), default));
        var b = await Visits(s => s.CreateAsync(Input("0912000002"), default));
        await Visits(s => s.ScheduleAsync(a.Id, On(Wednesday), Officer, default));
        Assert.Equal(HomeVisitError.DayFull, (await Refused(s => s.ScheduleAsync(b.Id, On(Wednesday), Officer, default))).Error);

        Assert.Equal(HomeVisitError.InvalidReason, (await Refused(s => s.DeclineAsync(a.Id, " ", Officer, default))).Error);
        var declined = await Visits(s => s.DeclineAsync(a.Id, "Địa chỉ không thuộc địa bàn xã", Officer, default));
        Assert.Equal((HomeVisitStatus.Declined, "Địa chỉ không thuộc địa bàn xã"), (declined.Status, declined.DeclineReason));
        Assert.Equal(0, await DayCount(Wednesday));

        await Visits(s => s.ScheduleAsync(b.Id, On(Wednesday), Officer, default));
        Assert.Equal(HomeVisitError.NotFound, (await Refused(s => s.CancelAsync(b.Code, "0987654321", default))).Error);
        var cancelled = await Visits(s => s.CancelAsync(b.Code.ToLowerInvariant(), "0912 000 002", default));
        Assert.Equal(HomeVisitStatus.Cancelled, cancelled.Status);
        Assert.Equal(0, await DayCount(Wednesday));
    }

    [Fact]
    public async Task Each_step_writes_one_event_with_its_own_key_and_the_day_before_reminder_follows_the_visit()
    {
        await SetLimitAsync(2);
        var v = await Visits(s => s.CreateAsync(Input(), default));
        await Visits(s => s.ScheduleAsync(v.Id, On(Thursday), Officer, default));
        await Visits(s => s.ScheduleAsync(v.Id, On(Thursday), Officer, default)); // the same form sent twice: no new step
        var reminders = await Db(db => db.Set<Reminder>().AsNoTracking().Where(r => r.BookingId == v.Id).ToListAsync());
        var pending = Assert.Single(reminders, r => r.Status == ReminderStatus.Pending);
        Assert.Equal(HomeVisitReminders.DayBefore, pending.Kind);
        Assert.Equal(TestData.At(2026, 11, 25, 8, 0).UtcTicks, pending.DueAt);

        await Visits(s => s.ScheduleAsync(v.Id, On(Thursday.AddDays(1)), Officer, default));
        reminders = await Db(db => db.Set<Reminder>().AsNoTracking().Where(r => r.BookingId == v.Id).ToListAsync());
        Assert.Equal(TestData.At(2026, 11, 26, 8, 0).UtcTicks, Assert.Single(reminders, r => r.Status == ReminderStatus.Pending).DueAt);

        await Visits(s => s.DeclineAsync(v.Id, "Gia đình báo đã đưa người bệnh đến trụ sở", Officer, default));
        reminders = await Db(db => db.Set<Reminder>().AsNoTracking().Where(r => r.BookingId == v.Id).ToListAsync());
        Assert.DoesNotContain(reminders, r => r.Status == ReminderStatus.Pending);

        // The fake clock stands still: the steps are compared as a set, not by time.
        var events = await Db(db => db.Outbox.AsNoTracking().Where(o => o.Type.StartsWith("home-visit."))
            .Select(o => new { o.Type, o.Key }).ToListAsync());
        Assert.Equal(new[] { HomeVisitEvents.Requested, HomeVisitEvents.Scheduled, HomeVisitEvents.Scheduled, HomeVisitEvents.Declined }.Order(),
            events.Select(e => e.Type).Order());
        Assert.Equal(events.Count, events.Select(e => e.Key).Distinct().Count());
    }

    [Fact]
    public async Task An_office_sets_its_daily_limit_and_zero_stops_scheduling()
    {
        await SetLimitAsync(0);
        var v = await Visits(s => s.CreateAsync(Input(), default));
        Assert.Equal(HomeVisitError.DayFull, (await Refused(s => s.ScheduleAsync(v.Id, On(Wednesday), Officer, default))).Error);
        await Visits(async s => { await s.SetDailyLimitAsync(TestData.OfficeId, 3, Officer, default); return 0; });
        Assert.Equal(3, (await Db(db => db.Offices.AsNoTracking().SingleAsync(o => o.Id == TestData.OfficeId))).HomeVisitsPerDay);
        await Visits(s => s.ScheduleAsync(v.Id, On(Wednesday), Officer, default));
        Assert.Contains("office.home-visits-per-day", await Db(db => db.AuditLog.AsNoTracking().Select(a => a.Action).ToListAsync()));
    }

    [Fact]
    public async Task A_visit_cannot_be_scheduled_in_the_past_or_with_a_window_that_ends_before_it_starts()
    {
        var v = await Visits(s => s.CreateAsync(Input(), default));
        Assert.Equal(HomeVisitError.InvalidSchedule, (await Refused(s => s.ScheduleAsync(v.Id, On(new DateOnly(2026, 11, 23)), Officer, default))).Error);
        Assert.Equal(HomeVisitError.InvalidSchedule, (await Refused(s => s.ScheduleAsync(v.Id,
            new HomeVisitSchedule(Wednesday, new TimeOnly(10, 0), new TimeOnly(8, 0), "canbo.a"), Officer, default))).Error);
        // Today, but the window is over (the clock is at 09:00).
        Assert.Equal(HomeVisitError.InvalidSchedule, (await Refused(s => s.ScheduleAsync(v.Id,
            new HomeVisitSchedule(new DateOnly(2026, 11, 24), new TimeOnly(7, 0), new TimeOnly(8, 30), "canbo.a"), Officer, default))).Error);
    }
}

public sealed class SqliteHomeVisitServiceTests()
    : HomeVisitServiceTests(() => TestDatabase.CreateAsync(DatabaseProvider.Sqlite, settings: Settings));

[Collection(PostgresCollection.Name)]
public sealed class PostgresHomeVisitServiceTests(PostgresFixture pg)
    : HomeVisitServiceTests(() => TestDatabase.CreateAsync(DatabaseProvider.Postgres, pg.Server, settings: Settings));
