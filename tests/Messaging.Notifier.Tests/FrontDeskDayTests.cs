using Messaging.Core.Appointments;
using Messaging.Core.FrontDesk;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Notifier.Channels;
using Messaging.Notifier.Queues;
using Messaging.Notifier.Worker;
using Messaging.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Messaging.Notifier.Tests;

/// <summary>A channel that records what it sent, reaching only the people it really can (Zalo needs a Zalo account).</summary>
public sealed class ReachingSender(string channel) : IChannelSender
{
    public List<OutgoingMessage> Sent { get; } = [];
    public string Channel => channel;
    public bool CanReach(Recipient r) => channel switch
    {
        ChannelNames.Zalo => r.ZaloUserId is not null,
        ChannelNames.Zns => false,
        ChannelNames.Email => r.Email is not null,
        ChannelNames.WebChat => r.WebChatConversationId is not null,
        _ => r.Phone is not null,
    };

    public Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        lock (Sent) Sent.Add(message);
        return Task.FromResult(new SendResult($"{channel}-{Sent.Count}"));
    }
}

/// <summary>
/// A morning at one office, end to end with the real dispatcher, queue, processor and templates: citizens book (on Zalo,
/// over the API, in a web chat), walk-ins take tickets, two desks call, a booked citizen does not come. Each booked
/// citizen is told "your turn is near" once, on their channel, however often the events are dispatched.
/// </summary>
public sealed class FrontDeskDayTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private readonly Dictionary<string, ReachingSender> _senders = ChannelNames.All.ToDictionary(c => c, c => new ReachingSender(c));
    private INotificationQueue Queue => _db.Services.GetRequiredService<INotificationQueue>();
    private NotificationProcessor Processor => _db.Services.GetRequiredService<NotificationProcessor>();
    private OutboxDispatcher Dispatcher => _db.Services.GetRequiredService<OutboxDispatcher>();

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, now: TestData.At(2026, 11, 25, 7, 0), settings: new Dictionary<string, string?>
        {
            ["Notifier:DefaultChannelOrder:0"] = "zalo", ["Notifier:DefaultChannelOrder:1"] = "sms", ["Notifier:DefaultChannelOrder:2"] = "email",
        }, configure: (services, configuration) =>
        {
            services.AddMessagingNotifier(configuration, runWorkers: false);
            services.RemoveAll<IChannelSender>();
            foreach (var s in _senders.Values) services.AddSingleton<IChannelSender>(s);
        });
        await _db.InScopeAsync(sp => TestData.SeedAsync(sp.GetRequiredService<MessagingDbContext>()));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private Task<Booking> BookAsync(string name, string phone, int hour, int minute, string channel = "api", string? user = null) =>
        _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().BookAsync(new BookingRequest("cccd-renewal", TestData.OfficeId,
            TestData.At(2026, 11, 25, hour, minute), name, phone, Channel: channel, ChannelUserId: user), default));

    private Task<DeskResult> Desk(Func<DeskService, Task<DeskResult>> f) => _db.InScopeAsync(sp => f(sp.GetRequiredService<DeskService>()));

    private Task<DeskResult> NextAsync(string desk) => Desk(d => d.CallNextAsync(TestData.OfficeId, desk, "canbo.tinhha", default));

    private void At(int hour, int minute) => _db.Time.SetUtcNow(TestData.At(2026, 11, 25, hour, minute));

    /// <summary>What the worker would do next: dispatch the outbox, then send everything queued.</summary>
    private async Task<List<Outcome>> DeliverAsync()
    {
        while (await Dispatcher.DispatchOnceAsync(50, default) > 0)
        {
        }
        var outcomes = new List<Outcome>();
        for (var round = 0; round < 20; round++)
        {
            var batch = await Queue.ReceiveAsync(16, TimeSpan.FromMinutes(1), default);
            if (batch.Count == 0) break;
            foreach (var m in batch) outcomes.Add(await Processor.ProcessAsync(m, default));
        }
        return outcomes;
    }

    private List<OutgoingMessage> TurnNear() =>
        _senders.Values.SelectMany(s => s.Sent).Where(m => m.Key.StartsWith("turn-near:", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task A_mornings_run_tells_each_booked_citizen_once_and_records_the_no_show()
    {
        var an = await BookAsync("Nguyễn Văn An", "0912000001", 8, 0, "zalo", "zalo-user-an");
        var binh = await BookAsync("Trần Thị Bình", "0912000002", 8, 0);
        var cuong = await BookAsync("Lê Văn Cường", "0912000003", 8, 15, "webchat", "wc-cuong");
        var dung = await BookAsync("Phạm Thị Dung", "0912000004", 8, 15);
        var em = await BookAsync("Hồ Văn Em", "0912000005", 8, 30);
        var first = await Desk(d => d.IssueAsync(TestData.OfficeId, "cccd-first-issue", null, "canbo.tinhha", default));
        var second = await Desk(d => d.IssueAsync(TestData.OfficeId, null, "Võ Thị Giang", "canbo.tinhha", default));
        Assert.Equal([1, 2, 3, 4, 5], new[] { an, binh, cuong, dung, em }.Select(b => b.QueueNumber));
        Assert.Equal(("6", "7"), (first.Number, second.Number));
        await DeliverAsync(); // the booking confirmations
        Assert.Empty(TurnNear());

        // 07:50: the first walk-in is called; An and Bình (08:00) are one and two places behind the next.
        At(7, 50);
        Assert.Equal("6", (await NextAsync("Quầy 1")).Number);
        await DeliverAsync();
        Assert.Equal([an.Id, binh.Id], TurnNear().Select(m => BookingOf(m.Key)));
        var toBinh = Assert.Single(_senders[ChannelNames.Sms].Sent, m => m.Key == QueueKey(binh));
        Assert.Equal("Cong an xa Tinh Ha: Sap toi luot so 2 cua anh/chi, con 2 nguoi truoc. Vui long co mat gan quay.", toBinh.Text);
        var toAn = Assert.Single(_senders[ChannelNames.Zalo].Sent, m => m.Key == QueueKey(an));
        Assert.Contains("Số thứ tự của anh/chị: 1, còn 1 người được gọi trước.", toAn.Text);
        Assert.Contains("Quầy 1 vừa gọi số 6", toAn.Text);

        // The second desk calls the other walk-in: Cường, booked for 08:15, is now within three places.
        Assert.Equal("7", (await NextAsync("Quầy 2")).Number);
        await DeliverAsync();
        Assert.Equal([an.Id, binh.Id, cuong.Id], TurnNear().Select(m => BookingOf(m.Key)));

        // The events dispatched again (a dispatcher that died before marking them): the same keys, nothing sent twice.
        await _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().Outbox.Where(o => o.Type == "queue.called")
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.DispatchedAt, (DateTimeOffset?)null).SetProperty(o => o.ClaimedUntil, 0L)));
        var replay = await DeliverAsync();
        Assert.NotEmpty(replay);
        Assert.All(replay, o => Assert.Equal(Outcome.AlreadyDone, o));
        Assert.Equal(3, TurnNear().Count);

        // 08:02 onwards: the booked numbers in slot order, Dung and Em told as they come within reach.
        At(8, 2);
        Assert.Equal(an.Id, (await NextAsync("Quầy 1")).Item!.BookingId);
        await DeliverAsync();
        At(8, 4);
        Assert.Equal(binh.Id, (await NextAsync("Quầy 2")).Item!.BookingId);
        await DeliverAsync();
        At(8, 10);
        Assert.Equal(cuong.Id, (await NextAsync("Quầy 1")).Item!.BookingId);
        await DeliverAsync();
        At(8, 12);
        var dungCall = await NextAsync("Quầy 2");
        Assert.Equal(dung.Id, dungCall.Item!.BookingId);
        await DeliverAsync();

        // Dung does not come: absent only after the grace time.
        At(8, 13);
        Assert.Equal(DeskOutcome.TooEarly, (await Desk(d => d.SkipAsync(dungCall.Item!.EntryId!.Value, "canbo.tinhha", default))).Outcome);
        Assert.Equal(DeskOutcome.Done, (await Desk(d => d.RecallAsync(dungCall.Item!.EntryId!.Value, default))).Outcome);
        At(8, 17);
        Assert.Equal(DeskOutcome.Done, (await Desk(d => d.SkipAsync(dungCall.Item!.EntryId!.Value, "canbo.tinhha", default))).Outcome);
        At(8, 18);
        Assert.Equal(em.Id, (await NextAsync("Quầy 2")).Item!.BookingId);
        At(8, 20);
        Assert.Equal(DeskOutcome.Empty, (await NextAsync("Quầy 1")).Outcome);
        At(8, 25);
        Assert.Equal(DeskOutcome.Empty, (await NextAsync("Quầy 2")).Outcome);
        await DeliverAsync();

        // Each booked citizen was told once, on their own channel: Zalo for An, SMS for the others (the web chat of
        // Cường is closed: no conversation to copy to).
        var told = TurnNear();
        Assert.Equal(5, told.Count);
        Assert.Equal(new[] { an.Id, binh.Id, cuong.Id, dung.Id, em.Id }.Order(), told.Select(m => BookingOf(m.Key)).Order());
        Assert.Equal(ChannelNames.Zalo, told.Single(m => m.Key == QueueKey(an)).Channel);
        Assert.All(told.Where(m => m.Key != QueueKey(an)), m => Assert.Equal(ChannelNames.Sms, m.Channel));
        var deliveries = await _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().Deliveries.AsNoTracking()
            .Where(d => d.Key.StartsWith("turn-near:")).ToListAsync());
        Assert.Equal(5, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(DeliveryStatus.Sent, d.Status));

        var day = (await _db.InScopeAsync(sp => sp.GetRequiredService<DeskService>().DayAsync(TestData.OfficeId, default)))!;
        Assert.Empty(day.Waiting);
        Assert.Empty(day.Called);
        Assert.Equal(6, day.Finished.Count(i => i.Status == QueueEntryStatus.Served));
        Assert.Equal("4", Assert.Single(day.Finished, i => i.Status == QueueEntryStatus.NoShow).Number);
        var statuses = await _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().Bookings.AsNoTracking()
            .ToDictionaryAsync(b => b.Id, b => b.Status));
        Assert.Equal(BookingStatus.NoShow, statuses[dung.Id]);
        Assert.All(new[] { an, binh, cuong, em }, b => Assert.Equal(BookingStatus.CheckedIn, statuses[b.Id]));
    }

    [Fact]
    public async Task A_turn_near_notice_is_not_sent_once_the_number_was_called()
    {
        var an = await BookAsync("Nguyễn Văn An", "0912000001", 8, 0);
        await Desk(d => d.IssueAsync(TestData.OfficeId, null, null, "canbo.tinhha", default));
        await DeliverAsync();
        At(7, 50);
        await NextAsync("Quầy 1"); // An is next, and told so
        await NextAsync("Quầy 2"); // ...but called by the other desk before the notice went out
        await DeliverAsync();
        Assert.Empty(TurnNear());
        var delivery = await _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().Deliveries.AsNoTracking()
            .SingleAsync(d => d.Key == QueueKey(an)));
        Assert.Equal(DeliveryStatus.Obsolete, delivery.Status);
    }

    private static string QueueKey(Booking b) => $"turn-near:{b.Id:N}";

    private static Guid BookingOf(string key) => Guid.ParseExact(key["turn-near:".Length..], "N");
}
