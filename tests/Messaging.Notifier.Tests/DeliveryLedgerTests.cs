using System.Text.Json;
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

/// <summary>
/// The worker's direct path for first sends (delivery upsert, attempt and embedded-queue delete in one group commit),
/// on both databases: its SQL is written by hand, so each provider proves it.
/// </summary>
public abstract class DeliveryLedgerTests(Func<Dictionary<string, string?>, Action<IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration>, Task<TestDatabase>> create)
    : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private readonly RecordingSender _sms = new(ChannelNames.Sms);
    private INotificationQueue Queue => _db.Services.GetRequiredService<INotificationQueue>();
    private NotificationProcessor Processor => _db.Services.GetRequiredService<NotificationProcessor>();

    public async Task InitializeAsync()
    {
        _db = await create(new Dictionary<string, string?> { ["Notifier:DefaultChannelOrder:0"] = "sms" }, (services, configuration) =>
        {
            services.AddMessagingNotifier(configuration, runWorkers: false);
            services.RemoveAll<IChannelSender>();
            services.AddSingleton<IChannelSender>(_sms);
        });
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static string Request(string key, Guid? broadcast = null) => JsonSerializer.Serialize(new NotificationRequest(key, "notify/broadcast",
        new Recipient("Nguyễn Văn An", "0912345678"), JsonSerializer.SerializeToElement(new
        {
            citizen = new { name = "Nguyễn Văn An" }, office = new { name = "Công an xã Tịnh Hà", phone = "0255 3000 101" },
            message = "Sáng thứ Bảy cấp căn cước lưu động tại nhà văn hóa thôn.", bookings = Array.Empty<object>(),
        }), NotificationPriority.Critical, BroadcastId: broadcast), NotificationProcessor.Json);

    private Task<T> Db<T>(Func<MessagingDbContext, Task<T>> query) =>
        _db.InScopeAsync(sp => query(sp.GetRequiredService<MessagingDbContext>()));

    [Fact]
    public async Task A_first_send_is_recorded_with_its_attempt_and_the_queue_message_is_gone()
    {
        var broadcast = Guid.NewGuid();
        await Queue.SendAsync(Request("k-1", broadcast), null, default);
        var message = Assert.Single(await Queue.ReceiveAsync(8, TimeSpan.FromMinutes(1), default));

        Assert.Equal(Outcome.Sent, await Processor.ProcessAsync(message, default));

        var delivery = Assert.Single(await Db(db => db.Deliveries.Include(d => d.Attempts).AsNoTracking().ToListAsync()));
        Assert.Equal(("k-1", DeliveryStatus.Sent, "sms", "sms-1", "0912***678", broadcast),
            (delivery.Key, delivery.Status, delivery.Channel, delivery.ProviderMessageId, delivery.RecipientSummary, delivery.BroadcastId));
        Assert.Empty(delivery.FailedChannels);
        Assert.Equal(_db.Time.GetUtcNow(), delivery.SentAt);
        Assert.Equal("notify/broadcast", delivery.TemplateKey);
        Assert.Contains("\"k-1\"", delivery.RequestJson);
        var attempt = Assert.Single(delivery.Attempts);
        Assert.Equal((1, "sms", true, false, "sms-1"), (attempt.Number, attempt.Channel, attempt.Succeeded, attempt.Permanent, attempt.ProviderMessageId));
        Assert.Equal(0, await Db(db => db.QueueMessages.CountAsync()));
    }

    [Fact]
    public async Task A_holder_whose_visibility_lapsed_records_once_and_the_new_holder_only_deletes()
    {
        await Queue.SendAsync(Request("k-lapsed"), null, default);
        var first = Assert.Single(await Queue.ReceiveAsync(1, TimeSpan.Zero, default));
        var second = Assert.Single(await Queue.ReceiveAsync(1, TimeSpan.FromMinutes(1), default));

        await Assert.ThrowsAsync<QueueReceiptException>(() => Processor.ProcessAsync(first, default));
        Assert.Equal(1, await Db(db => db.QueueMessages.CountAsync())); // still the second holder's
        Assert.Equal(Outcome.AlreadyDone, await Processor.ProcessAsync(second, default));

        Assert.Single(_sms.Sent);
        Assert.Equal(1, await Db(db => db.DeliveryAttempts.CountAsync()));
        Assert.Equal(0, await Db(db => db.QueueMessages.CountAsync()));
    }

    [Fact]
    public async Task Notifications_processed_at_once_are_each_recorded_once()
    {
        await Queue.SendBatchAsync(Enumerable.Range(0, 200).Select(i => Request($"k-{i}")).ToList(), default);
        var outcomes = new List<Outcome>();
        IReadOnlyList<QueueMessage> batch;
        while ((batch = await Queue.ReceiveAsync(32, TimeSpan.FromMinutes(1), default)).Count > 0)
            outcomes.AddRange(await Task.WhenAll(batch.Select(m => Processor.ProcessAsync(m, default))));

        Assert.Equal(200, outcomes.Count(o => o == Outcome.Sent));
        Assert.Equal(200, _sms.Sent.Select(m => m.Key).Distinct().Count());
        Assert.Equal(200, await Db(db => db.Deliveries.CountAsync(d => d.Status == DeliveryStatus.Sent)));
        Assert.Equal(200, await Db(db => db.DeliveryAttempts.CountAsync(a => a.Number == 1 && a.Succeeded)));
        Assert.Equal(0, await Db(db => db.QueueMessages.CountAsync()));
    }

    [Fact]
    public async Task A_held_notification_is_listed_as_pending_then_sent_once_when_its_time_comes()
    {
        var request = JsonSerializer.Deserialize<NotificationRequest>(Request("k-held"), NotificationProcessor.Json)!
            with { NotBefore = _db.Time.GetUtcNow().AddHours(1) };
        await Queue.SendAsync(JsonSerializer.Serialize(request, NotificationProcessor.Json), null, default);
        var message = Assert.Single(await Queue.ReceiveAsync(1, TimeSpan.FromMinutes(1), default));

        Assert.Equal(Outcome.Deferred, await Processor.ProcessAsync(message, default));
        Assert.Equal(DeliveryStatus.Pending, (await Db(db => db.Deliveries.SingleAsync())).Status);
        Assert.Empty(_sms.Sent);

        _db.Time.Advance(TimeSpan.FromHours(2));
        var due = Assert.Single(await Queue.ReceiveAsync(1, TimeSpan.FromMinutes(1), default));
        Assert.Equal(Outcome.Sent, await Processor.ProcessAsync(due, default));
        var delivery = Assert.Single(await Db(db => db.Deliveries.Include(d => d.Attempts).AsNoTracking().ToListAsync()));
        Assert.Equal((DeliveryStatus.Sent, 1), (delivery.Status, delivery.Attempts.Count));
        Assert.Single(_sms.Sent);
        Assert.Equal(0, await Db(db => db.QueueMessages.CountAsync()));
    }

    [Fact]
    public async Task A_send_after_a_recorded_failure_is_numbered_after_it()
    {
        _sms.Failures.Enqueue(new ChannelException("gateway busy", permanent: false));
        await Queue.SendAsync(Request("k-retry"), null, default);
        var message = Assert.Single(await Queue.ReceiveAsync(1, TimeSpan.FromMinutes(1), default));
        Assert.Equal(Outcome.Retrying, await Processor.ProcessAsync(message, default));
        _db.Time.Advance(TimeSpan.FromHours(1));
        var again = Assert.Single(await Queue.ReceiveAsync(1, TimeSpan.FromMinutes(1), default));

        Assert.Equal(Outcome.Sent, await Processor.ProcessAsync(again, default));

        var delivery = Assert.Single(await Db(db => db.Deliveries.Include(d => d.Attempts).AsNoTracking().ToListAsync()));
        Assert.Equal((DeliveryStatus.Sent, null), (delivery.Status, delivery.Error));
        Assert.Equal([(1, false), (2, true)], delivery.Attempts.OrderBy(a => a.Number).Select(a => (a.Number, a.Succeeded)));
        Assert.Equal(0, await Db(db => db.QueueMessages.CountAsync()));
    }
}

public sealed class SqliteDeliveryLedgerTests()
    : DeliveryLedgerTests((settings, configure) => TestDatabase.CreateAsync(DatabaseProvider.Sqlite, now: TestData.At(2026, 11, 24, 9, 0),
        settings: settings, configure: configure));

[Collection(PostgresCollection.Name)]
public sealed class PostgresDeliveryLedgerTests(PostgresFixture pg)
    : DeliveryLedgerTests((settings, configure) => TestDatabase.CreateAsync(DatabaseProvider.Postgres, pg.Server, now: TestData.At(2026, 11, 24, 9, 0),
        settings: settings, configure: configure));
