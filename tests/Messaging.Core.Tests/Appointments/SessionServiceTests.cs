using Messaging.Core.Appointments;
using Messaging.Core.Persistence;
using Messaging.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Core.Tests.Appointments;

public sealed class SessionServiceTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private int _cardsId;
    // The test office is closed that Friday: the mobile session is the only way to book it.
    private static readonly DateTimeOffset Start = TestData.At(2026, 11, 27, 7, 30);

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var office = await _db.InScopeAsync(sp => TestData.SeedAsync(sp.GetRequiredService<MessagingDbContext>()));
        _cardsId = office.Services[0].Id;
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private Task<T> Run<T>(Func<IServiceProvider, Task<T>> f) => _db.InScopeAsync(f);

    private Task<Session> CreateAsync(int capacity = 3) => Run(sp => sp.GetRequiredService<SessionService>().CreateAsync(
        new SessionDraft(TestData.OfficeId, _cardsId, SessionKind.Mobile, "Cấp căn cước lưu động", "Nhà văn hóa thôn 1",
            Start, Start.AddHours(1), capacity), default));

    private Task<Booking> BookAsync(Session s, int index, string phone) => Run(sp => sp.GetRequiredService<BookingService>()
        .BookAsync(new BookingRequest("cccd-first-issue", TestData.OfficeId, s.Start.AddMinutes(15 * index), "Lê Thị Hoa",
            phone, SessionId: s.Id), default));

    [Fact]
    public async Task Session_slots_are_bookable_on_a_closed_day()
    {
        var session = await CreateAsync();
        var slots = await Run(sp => sp.GetRequiredService<BookingService>().FindFreeSlotsAsync(
            new SlotQuery("cccd-first-issue", TestData.ClosedFriday, TestData.ClosedFriday, TestData.OfficeId), default));
        Assert.Equal(4, slots.Count);
        Assert.All(slots, s => Assert.Equal(session.Id, s.SessionId));
        var b = await BookAsync(session, 2, "0912000001");
        Assert.Equal(Start.AddMinutes(30), b.Start);
        Assert.Equal(1, b.QueueNumber);
    }

    [Fact]
    public async Task A_session_slot_booked_by_its_start_alone_belongs_to_the_session()
    {
        var session = await CreateAsync();
        Task<Booking> ByStart(DateTimeOffset start, string phone) => Run(sp => sp.GetRequiredService<BookingService>()
            .BookAsync(new BookingRequest("cccd-first-issue", TestData.OfficeId, start, "Lê Thị Hoa", phone), default));

        var b = await ByStart(Start.AddMinutes(15), "0912000001");
        Assert.Equal(session.Id, b.SessionId);
        Assert.Equal(Start.AddMinutes(30), b.End);
        // A time inside the session that no slot starts at is still not a slot.
        var e = await Assert.ThrowsAsync<BookingException>(() => ByStart(Start.AddMinutes(20), "0912000002"));
        Assert.Equal(BookingError.SlotUnavailable, e.Error);
        // Nor is a slot start of a session that was cancelled: the start alone does not bring it back.
        await Run(sp => sp.GetRequiredService<SessionService>().CancelAsync(session.Id, "Mưa bão", "officer-1", default));
        e = await Assert.ThrowsAsync<BookingException>(() => ByStart(Start.AddMinutes(30), "0912000003"));
        Assert.Equal(BookingError.SlotUnavailable, e.Error);
    }

    [Fact]
    public async Task Moving_a_session_moves_its_bookings_and_writes_an_event()
    {
        var session = await CreateAsync();
        var b = await BookAsync(session, 1, "0912000001");
        var later = Start.AddHours(2);
        Assert.Equal(1, await Run(sp => sp.GetRequiredService<SessionService>().CountActiveBookingsAsync(session.Id, default)));
        await Run(sp => sp.GetRequiredService<SessionService>().ChangeAsync(session.Id, later, later.AddHours(1), "Hội trường xã", 3, default));

        var moved = await Run(sp => sp.GetRequiredService<BookingService>().GetByCodeAsync(b.Code, default));
        Assert.Equal(later.AddMinutes(15), moved!.Start);
        var types = await Run(sp => sp.GetRequiredService<MessagingDbContext>().Outbox.Select(o => o.Type).ToListAsync());
        Assert.Contains("session.changed", types);
        // The moved slot still counts the booking: capacity 3 minus one.
        var slots = await Run(sp => sp.GetRequiredService<BookingService>().FindFreeSlotsAsync(
            new SlotQuery("cccd-first-issue", TestData.ClosedFriday, TestData.ClosedFriday, TestData.OfficeId), default));
        Assert.Equal(2, slots.Single(s => s.Start == later.AddMinutes(15)).Free);
    }

    [Fact]
    public async Task A_change_that_would_drop_bookings_is_refused()
    {
        var session = await CreateAsync();
        await BookAsync(session, 3, "0912000001");
        await BookAsync(session, 3, "0912000002");
        var svc = (Func<IServiceProvider, SessionService>)(sp => sp.GetRequiredService<SessionService>());
        var shorter = await Assert.ThrowsAsync<BookingException>(() =>
            Run(sp => svc(sp).ChangeAsync(session.Id, Start, Start.AddMinutes(30), "x", 3, default)));
        Assert.Equal(BookingError.SessionConflict, shorter.Error);
        var smaller = await Assert.ThrowsAsync<BookingException>(() =>
            Run(sp => svc(sp).ChangeAsync(session.Id, Start, Start.AddHours(1), "x", 1, default)));
        Assert.Equal(BookingError.SessionConflict, smaller.Error);
    }

    [Fact]
    public async Task Cancelling_a_session_cancels_its_bookings_and_writes_an_event()
    {
        var session = await CreateAsync();
        var a = await BookAsync(session, 0, "0912000001");
        var b = await BookAsync(session, 1, "0912000002");
        await Run(sp => sp.GetRequiredService<SessionService>().CancelAsync(session.Id, "Mưa bão", "officer-1", default));

        var bookings = await Run(sp => sp.GetRequiredService<MessagingDbContext>().Bookings.Where(x => x.SessionId == session.Id).ToListAsync());
        Assert.All(bookings, x => Assert.Equal(BookingStatus.Cancelled, x.Status));
        Assert.Equal(2, bookings.Count);
        var outbox = await Run(sp => sp.GetRequiredService<MessagingDbContext>().Outbox.Where(o => o.Type == "session.cancelled").ToListAsync());
        Assert.Single(outbox);
        var slots = await Run(sp => sp.GetRequiredService<BookingService>().FindFreeSlotsAsync(
            new SlotQuery("cccd-first-issue", TestData.ClosedFriday, TestData.ClosedFriday, TestData.OfficeId), default));
        Assert.Empty(slots);
    }

    [Fact]
    public async Task Invalid_sessions_are_refused()
    {
        var svc = (Func<IServiceProvider, SessionService>)(sp => sp.GetRequiredService<SessionService>());
        async Task<BookingError> Refuse(SessionDraft d) =>
            (await Assert.ThrowsAsync<BookingException>(() => Run(sp => svc(sp).CreateAsync(d, default)))).Error;
        var ok = new SessionDraft(TestData.OfficeId, _cardsId, SessionKind.Extra, "Ngoài giờ", "Trụ sở", Start, Start.AddHours(1), 2);
        Assert.Equal(BookingError.SlotUnavailable, await Refuse(ok with { End = Start }));
        Assert.Equal(BookingError.SlotUnavailable, await Refuse(ok with { Start = TestData.At(2026, 11, 20, 8, 0) }));
        Assert.Equal(BookingError.SlotUnavailable, await Refuse(ok with { CapacityPerSlot = 0 }));
        Assert.Equal(BookingError.UnknownOffice, await Refuse(ok with { ServiceId = 999 }));
    }
}
