using Messaging.Core.Appointments;
using Messaging.Core.Persistence;
using Messaging.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Core.Tests.Appointments;

/// <summary>The booking rules, run once on SQLite and once on PostgreSQL (see the two subclasses below).</summary>
public abstract class BookingServiceTests(Func<Task<TestDatabase>> create) : IAsyncLifetime
{
    private TestDatabase _db = null!;
    protected static readonly DateTimeOffset Wed0730 = TestData.At(2026, 11, 25, 7, 30);
    private static readonly DateOnly Wednesday = new(2026, 11, 25);

    public async Task InitializeAsync()
    {
        _db = await create();
        await _db.InScopeAsync(sp => TestData.SeedAsync(sp.GetRequiredService<MessagingDbContext>()));
        await _db.InScopeAsync(sp => TestData.SeedAsync(sp.GetRequiredService<MessagingDbContext>(),
            TestData.Office(TestData.OtherOfficeId, "Trà Xuân", cardCapacity: 1)));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private Task<T> Bookings<T>(Func<BookingService, Task<T>> f) =>
        _db.InScopeAsync(sp => f(sp.GetRequiredService<BookingService>()));

    private static BookingRequest Request(DateTimeOffset start, string phone = "0912345678",
        string procedure = "cccd-renewal", string office = TestData.OfficeId, string? citizenId = null) =>
        new(procedure, office, start, "Nguyễn Văn An", phone, citizenId);

    private async Task<BookingException> Refused(Func<BookingService, Task> f) =>
        await Assert.ThrowsAsync<BookingException>(() => Bookings(async s => { await f(s); return 0; }));

    [Fact]
    public async Task Booking_returns_a_code_a_queue_number_and_the_slot()
    {
        var b = await Bookings(s => s.BookAsync(Request(Wed0730, "+84 912 345 678", citizenId: "051 090 001 234"), default));
        Assert.True(BookingCode.TryNormalize(b.Code, out _));
        Assert.Equal(1, b.QueueNumber);
        Assert.Equal("0912345678", b.Phone);
        Assert.Equal("051090001234", b.CitizenId);
        Assert.Equal(Wed0730, b.Start);
        Assert.Equal(Wed0730.AddMinutes(15), b.End);
        var outbox = await _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().Outbox.ToListAsync());
        Assert.Contains(outbox, o => o.Type == "booking.created" && o.Payload.Contains(b.Code));
    }

    [Fact]
    public async Task Queue_numbers_count_per_office_and_day_across_procedures()
    {
        var a = await Bookings(s => s.BookAsync(Request(Wed0730, "0912000001"), default));
        var b = await Bookings(s => s.BookAsync(Request(Wed0730.AddHours(1), "0912000002"), default));
        var otherProcedure = await Bookings(s => s.BookAsync(Request(Wed0730, "0912000003", "cccd-reissue"), default));
        var otherDay = await Bookings(s => s.BookAsync(Request(Wed0730.AddDays(1), "0912000004"), default));
        var otherOffice = await Bookings(s => s.BookAsync(Request(Wed0730, "0912000005", office: TestData.OtherOfficeId), default));
        // One sequence per office and day, whatever the procedure: an office never hands out two "số 1" on a day.
        Assert.Equal([1, 2, 3, 1, 1], new[] { a, b, otherProcedure, otherDay, otherOffice }.Select(x => x.QueueNumber));
    }

    [Fact]
    public async Task Free_slots_count_bookings_and_hide_full_slots()
    {
        await Bookings(s => s.BookAsync(Request(Wed0730, "0912000001"), default));
        var slots = await Bookings(s => s.FindFreeSlotsAsync(new SlotQuery("cccd-renewal", Wednesday, Wednesday, TestData.OfficeId), default));
        Assert.Equal(1, slots.Single(x => x.Start == Wed0730).Free);
        await Bookings(s => s.BookAsync(Request(Wed0730, "0912000002"), default));
        slots = await Bookings(s => s.FindFreeSlotsAsync(new SlotQuery("cccd-renewal", Wednesday, Wednesday, TestData.OfficeId), default));
        Assert.DoesNotContain(slots, x => x.Start == Wed0730);
        Assert.Equal(29, slots.Count);
    }

    [Fact]
    public async Task Slot_search_by_commune_and_across_offices()
    {
        var byCommune = await Bookings(s => s.FindFreeSlotsAsync(new SlotQuery("cccd-renewal", Wednesday, Wednesday, Commune: "trà xuân"), default));
        Assert.All(byCommune, x => Assert.Equal(TestData.OtherOfficeId, x.OfficeId));
        var all = await Bookings(s => s.FindFreeSlotsAsync(new SlotQuery("cccd-renewal", Wednesday, Wednesday), default));
        Assert.Equal(60, all.Count);
        var none = await Bookings(s => s.FindFreeSlotsAsync(new SlotQuery("passport", Wednesday, Wednesday), default));
        Assert.Empty(none);
    }

    [Fact]
    public async Task A_time_that_is_not_an_offered_slot_is_refused()
    {
        Assert.Equal(BookingError.SlotUnavailable, (await Refused(s => s.BookAsync(Request(Wed0730.AddMinutes(7)), default))).Error);
        Assert.Equal(BookingError.SlotUnavailable, (await Refused(s => s.BookAsync(Request(TestData.At(2026, 11, 27, 7, 30)), default))).Error);
        Assert.Equal(BookingError.SlotUnavailable, (await Refused(s => s.BookAsync(Request(TestData.At(2026, 12, 2, 7, 30)), default))).Error);
        Assert.Equal(BookingError.SlotUnavailable, (await Refused(s => s.BookAsync(Request(TestData.At(2026, 11, 24, 9, 30)), default))).Error);
        Assert.Equal(BookingError.UnknownProcedure, (await Refused(s => s.BookAsync(Request(Wed0730, procedure: "passport"), default))).Error);
        Assert.Equal(BookingError.UnknownProcedure, (await Refused(s => s.BookAsync(Request(Wed0730, procedure: "no-such"), default))).Error);
        Assert.Equal(BookingError.UnknownOffice, (await Refused(s => s.BookAsync(Request(Wed0730, office: "nowhere"), default))).Error);
    }

    [Theory]
    [InlineData("0241234567")]
    [InlineData("0112345678")]
    [InlineData("12345")]
    [InlineData("+1 650 253 0000")]
    public async Task A_phone_that_is_not_a_vietnamese_mobile_is_refused(string phone) =>
        Assert.Equal(BookingError.InvalidPhone, (await Refused(s => s.BookAsync(Request(Wed0730, phone), default))).Error);

    [Fact]
    public async Task A_malformed_citizen_id_is_refused() =>
        Assert.Equal(BookingError.InvalidCitizenId,
            (await Refused(s => s.BookAsync(Request(Wed0730, citizenId: "999123456789"), default))).Error);

    [Fact]
    public async Task One_phone_holds_at_most_three_upcoming_bookings()
    {
        for (var i = 0; i < 3; i++)
            await Bookings(s => s.BookAsync(Request(Wed0730.AddMinutes(15 * i)), default));
        var e = await Refused(s => s.BookAsync(Request(Wed0730.AddHours(2)), default));
        Assert.Equal(BookingError.PhoneLimitReached, e.Error);

        var first = (await Bookings(s => s.FindActiveByPhoneAsync("0912345678", default)))[0];
        await Bookings(s => s.CancelAsync(first.Code, "0912345678", "đổi ý", "citizen", default));
        await Bookings(s => s.BookAsync(Request(Wed0730.AddHours(2)), default));
    }

    [Fact]
    public async Task Past_appointments_do_not_count_against_the_limit()
    {
        for (var i = 0; i < 3; i++)
            await Bookings(s => s.BookAsync(Request(Wed0730.AddMinutes(15 * i)), default));
        _db.Time.SetUtcNow(TestData.At(2026, 11, 25, 12, 0));
        await Bookings(s => s.BookAsync(Request(TestData.At(2026, 11, 26, 7, 30)), default));
    }

    [Fact]
    public async Task Cancel_needs_the_right_phone_and_frees_the_place()
    {
        var b = await Bookings(s => s.BookAsync(Request(Wed0730, "0912000001"), default));
        await Bookings(s => s.BookAsync(Request(Wed0730, "0912000002"), default));

        var wrong = await Refused(s => s.CancelAsync(b.Code, "0987654321", null, "citizen", default));
        var unknown = await Refused(s => s.CancelAsync("ACDEFGH", "0912000001", null, "citizen", default));
        Assert.Equal(BookingError.NotFound, wrong.Error);
        Assert.Equal(wrong.Message, unknown.Message);

        var cancelled = await Bookings(s => s.CancelAsync(b.Code.ToLowerInvariant(), "0912 000 001", "bận", "citizen", default));
        Assert.Equal(BookingStatus.Cancelled, cancelled.Status);
        Assert.Equal(BookingError.NotActive, (await Refused(s => s.CancelAsync(b.Code, "0912000001", null, "citizen", default))).Error);

        await Bookings(s => s.BookAsync(Request(Wed0730, "0912000003"), default));
        Assert.Equal(2, await Booked(Wed0730));
    }

    [Fact]
    public async Task Reschedule_moves_the_booking_and_frees_the_old_place()
    {
        var b = await Bookings(s => s.BookAsync(Request(Wed0730), default));
        var target = Wed0730.AddHours(1);
        var moved = await Bookings(s => s.RescheduleAsync(b.Code, "0912345678", new RescheduleRequest(target), default));
        Assert.Equal(target, moved.Start);
        Assert.Equal(b.QueueNumber, moved.QueueNumber); // same office, same day
        Assert.Equal(0, await Booked(Wed0730));
        Assert.Equal(1, await Booked(target));

        var nextDay = await Bookings(s => s.RescheduleAsync(b.Code, "0912345678", new RescheduleRequest(target.AddDays(1)), default));
        Assert.Equal(1, nextDay.QueueNumber);
        var types = await _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().Outbox.Select(o => o.Type).ToListAsync());
        Assert.Equal(2, types.Count(t => t == "booking.rescheduled"));
    }

    [Fact]
    public async Task Reschedule_to_a_full_slot_keeps_the_old_booking_intact()
    {
        var b = await Bookings(s => s.BookAsync(Request(Wed0730, "0912000001"), default));
        var full = Wed0730.AddHours(1);
        await Bookings(s => s.BookAsync(Request(full, "0912000002"), default));
        await Bookings(s => s.BookAsync(Request(full, "0912000003"), default));

        var e = await Refused(s => s.RescheduleAsync(b.Code, "0912000001", new RescheduleRequest(full), default));
        Assert.Equal(BookingError.SlotFull, e.Error);
        var still = await Bookings(s => s.GetByCodeAsync(b.Code, default));
        Assert.Equal(BookingStatus.Booked, still!.Status);
        Assert.Equal(Wed0730, still.Start);
        Assert.Equal(1, await Booked(Wed0730));
        Assert.Equal(2, await Booked(full));
    }

    [Fact]
    public async Task Check_in_only_on_the_day_and_no_show_only_after_the_start()
    {
        var b = await Bookings(s => s.BookAsync(Request(Wed0730.AddHours(2)), default));
        Assert.Equal(BookingError.NotActive, (await Refused(s => s.CheckInAsync(b.Code, "officer", default))).Error);
        Assert.Equal(BookingError.NotActive, (await Refused(s => s.MarkNoShowAsync(b.Code, "officer", default))).Error);
        _db.Time.SetUtcNow(TestData.At(2026, 11, 25, 9, 0));
        var checkedIn = await Bookings(s => s.CheckInAsync(b.Code, "officer", default));
        Assert.Equal(BookingStatus.CheckedIn, checkedIn.Status);

        var other = await Bookings(s => s.BookAsync(Request(TestData.At(2026, 11, 25, 13, 30), "0912000009"), default));
        _db.Time.SetUtcNow(TestData.At(2026, 11, 25, 15, 0));
        Assert.Equal(BookingStatus.NoShow, (await Bookings(s => s.MarkNoShowAsync(other.Code, "officer", default))).Status);
    }

    [Fact]
    public async Task Two_hundred_concurrent_attempts_on_a_slot_of_five_give_exactly_five_bookings()
    {
        var target = TestData.At(2026, 11, 26, 8, 0);
        await _db.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<MessagingDbContext>();
            await db.OfficeServices.Where(s => s.OfficeId == TestData.OfficeId && s.Name == "Căn cước")
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.CapacityPerSlot, 5));
        });

        var attempts = Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            try
            {
                await Bookings(s => s.BookAsync(Request(target, $"0912{i:000000}"), default));
                return "ok";
            }
            catch (BookingException e)
            {
                return e.Error.ToString();
            }
        }));
        var results = await Task.WhenAll(attempts);

        Assert.Equal(5, results.Count(r => r == "ok"));
        Assert.Equal(195, results.Count(r => r == nameof(BookingError.SlotFull)));
        Assert.Equal(5, await Booked(target));
        var rows = await _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().Bookings
            .Where(b => b.Start == target && b.Status == BookingStatus.Booked).Select(b => b.QueueNumber).ToListAsync());
        Assert.Equal([1, 2, 3, 4, 5], rows.Order());
    }

    [Fact]
    public async Task Concurrent_bookings_by_one_phone_respect_the_limit()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            try
            {
                await Bookings(s => s.BookAsync(Request(Wed0730.AddMinutes(15 * i)), default));
                return true;
            }
            catch (BookingException e) when (e.Error is BookingError.PhoneLimitReached or BookingError.DailyLimitReached)
            {
                return false;
            }
        })));
        Assert.Equal(3, results.Count(ok => ok));
    }

    private Task<int> Booked(DateTimeOffset start) =>
        _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().Bookings
            .CountAsync(b => b.Start == start && b.Status == BookingStatus.Booked));
}

public sealed class SqliteBookingServiceTests()
    : BookingServiceTests(() => TestDatabase.CreateAsync(DatabaseProvider.Sqlite));

[Collection(PostgresCollection.Name)]
public sealed class PostgresBookingServiceTests(PostgresFixture pg)
    : BookingServiceTests(() => TestDatabase.CreateAsync(DatabaseProvider.Postgres, pg.Server));
