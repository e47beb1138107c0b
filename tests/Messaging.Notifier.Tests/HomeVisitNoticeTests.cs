using Messaging.Core.HomeVisits;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Core.Staff;
using Messaging.Notifier.Channels;
using Messaging.Notifier.Queues;
using Messaging.Notifier.Worker;
using Messaging.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Messaging.Notifier.Tests;

/// <summary>
/// A home visit's steps reach the citizen through the real outbox, planners, reminder scheduler, queue and processor,
/// with SMS recorded: each step once, under its own key, however often its row is dispatched, and a step overtaken by a
/// later one is not sent.
/// </summary>
public sealed class HomeVisitNoticeTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private readonly RecordingSender _sms = new(ChannelNames.Sms);
    private static readonly DateTimeOffset MondayMorning = new(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(7));
    private static readonly DateOnly Wednesday = new(2026, 11, 25);
    private static readonly HomeVisitActor Officer = new("canbo.tinhha", false, [TestData.OfficeId]);

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, now: MondayMorning, configure: (services, configuration) =>
        {
            services.AddMessagingNotifier(configuration, runWorkers: false);
            services.RemoveAll<IChannelSender>();
            services.AddSingleton<IChannelSender>(_sms);
        });
        await _db.InScopeAsync(sp => TestData.SeedAsync(sp.GetRequiredService<MessagingDbContext>()));
        await _db.InScopeAsync(sp => sp.GetRequiredService<StaffAccounts>().CreateAsync("canbo.tinhha", "Nguyễn Văn Bình",
            "mat-khau-can-bo-tinh-ha", StaffRoles.Officer, [TestData.OfficeId], "test", default));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private Task<T> Visits<T>(Func<HomeVisitService, Task<T>> f) => _db.InScopeAsync(sp => f(sp.GetRequiredService<HomeVisitService>()));

    private Task<HomeVisitRequest> RequestAsync() => Visits(s => s.CreateAsync(new HomeVisitInput(TestData.OfficeId, "Nguyễn Thị Hoa",
        HomeVisitReason.Elderly, "Thôn Phú Sơn, xã Tịnh Hà", "0912345678", Relation: "mẹ", PersonAge: 85, AddressMatched: true), default));

    private Task<int> DispatchAsync() => _db.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(10, default);

    private async Task<List<Outcome>> DrainAsync()
    {
        var queue = _db.Services.GetRequiredService<INotificationQueue>();
        var outcomes = new List<Outcome>();
        for (var round = 0; round < 10; round++)
        {
            var batch = await queue.ReceiveAsync(16, TimeSpan.FromMinutes(1), default);
            if (batch.Count == 0) break;
            foreach (var m in batch) outcomes.Add(await _db.Services.GetRequiredService<NotificationProcessor>().ProcessAsync(m, default));
        }
        return outcomes;
    }

    /// <summary>Moves the clock, puts due reminders on the queue and sends what is there; returns the SMS texts sent.</summary>
    private async Task<List<string>> At(DateTimeOffset when)
    {
        _db.Time.SetUtcNow(when);
        await _db.Services.GetRequiredService<ReminderScheduler>().EnqueueDueAsync(100, default);
        await DrainAsync();
        return Sent();
    }

    private List<string> Sent()
    {
        var texts = _sms.Sent.Select(m => m.Text).ToList();
        _sms.Sent.Clear();
        return texts;
    }

    private Task<List<Delivery>> Deliveries() =>
        _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().Deliveries.AsNoTracking().ToListAsync());

    [Fact]
    public async Task Each_step_is_told_once_under_its_own_key_and_the_day_before_reminder_goes_at_eight()
    {
        var visit = await RequestAsync();
        Assert.Equal(1, await DispatchAsync());
        Assert.Equal([Outcome.Sent], await DrainAsync());
        Assert.Equal($"Cong an xa Tinh Ha: Da nhan de nghi lam can cuoc tai nha cho Nguyen Thi Hoa, ma {visit.Code}. Can bo se nhan lich den nha.",
            Assert.Single(Sent()));

        // The same outbox row dispatched again (a worker that died before marking it): the same key, nothing sent twice.
        Assert.Equal(0, await DispatchAsync());
        await _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().Outbox
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.DispatchedAt, (DateTimeOffset?)null).SetProperty(o => o.ClaimedUntil, 0L)));
        Assert.Equal(1, await DispatchAsync());
        Assert.Equal([Outcome.AlreadyDone], await DrainAsync());
        Assert.Empty(Sent());

        await Visits(s => s.ScheduleAsync(visit.Id, new HomeVisitSchedule(Wednesday, new TimeOnly(8, 0), new TimeOnly(10, 0), "canbo.tinhha"),
            Officer, default));
        await DispatchAsync();
        Assert.Equal([Outcome.Sent], await DrainAsync());
        Assert.Equal($"Cong an xa Tinh Ha: Can bo se den nha lam can cuoc cho Nguyen Thi Hoa tu 08:00 den 10:00 ngay 25/11/2026. Ma {visit.Code}.",
            Assert.Single(Sent()));

        Assert.Empty(await At(TestData.At(2026, 11, 24, 7, 59)));
        Assert.StartsWith("Nhac lich: mai 25/11/2026, tu 08:00 den 10:00", Assert.Single(await At(TestData.At(2026, 11, 24, 8, 0))));
        Assert.Empty(await At(TestData.At(2026, 11, 24, 8, 30)));

        _db.Time.SetUtcNow(TestData.At(2026, 11, 25, 11, 0));
        await Visits(s => s.MarkDoneAsync(visit.Id, Officer, default));
        await DispatchAsync();
        Assert.Equal([Outcome.Sent], await DrainAsync());
        Assert.StartsWith("Cong an xa Tinh Ha: Da lam thu tuc can cuoc tai nha cho Nguyen Thi Hoa", Assert.Single(Sent()));

        var deliveries = await Deliveries();
        Assert.Equal(
            new[] { "notify/home-visit.done", "notify/home-visit.received", "notify/home-visit.reminder-day-before", "notify/home-visit.scheduled" },
            deliveries.Select(d => d.TemplateKey).Order(StringComparer.Ordinal));
        Assert.All(deliveries, d => Assert.Equal(DeliveryStatus.Sent, d.Status));
        Assert.Equal(deliveries.Count, deliveries.Select(d => d.Key).Distinct().Count());
    }

    [Fact]
    public async Task A_visit_declined_before_its_schedule_went_out_is_told_as_declined_only_and_gets_no_reminder()
    {
        var visit = await RequestAsync();
        await DispatchAsync();
        await DrainAsync();
        Sent();

        await Visits(s => s.ScheduleAsync(visit.Id, new HomeVisitSchedule(Wednesday, new TimeOnly(14, 0), new TimeOnly(16, 0), "canbo.tinhha"),
            Officer, default));
        await DispatchAsync(); // the schedule's notice is queued, not yet sent
        await Visits(s => s.DeclineAsync(visit.Id, "Gia đình báo đã đưa cụ đến trụ sở làm", Officer, default));
        await DispatchAsync();
        var outcomes = await DrainAsync();
        Assert.Equal([Outcome.Sent, Outcome.Obsolete], outcomes.Order());
        var sms = Assert.Single(Sent());
        Assert.Contains("Ly do: Gia dinh bao da dua cu den tru so lam", sms);

        var deliveries = await Deliveries();
        Assert.Equal(DeliveryStatus.Obsolete, deliveries.Single(d => d.TemplateKey == "notify/home-visit.scheduled").Status);
        Assert.Equal(DeliveryStatus.Sent, deliveries.Single(d => d.TemplateKey == "notify/home-visit.declined").Status);
        Assert.Empty(await At(TestData.At(2026, 11, 24, 8, 0)));
    }
}
