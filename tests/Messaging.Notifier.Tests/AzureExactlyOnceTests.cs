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
/// The claim on Azure Storage Queues (Azurite), where the queue cannot join the database's transaction: the delivery
/// is recorded first and the message deleted after, so a duplicate or a redelivery finds the key final and only deletes.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureExactlyOnceTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private readonly GatedSender _sms = new(ChannelNames.Sms);
    private INotificationQueue Queue => _db.Services.GetRequiredService<INotificationQueue>();
    private NotificationProcessor Processor => _db.Services.GetRequiredService<NotificationProcessor>();

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, now: DateTimeOffset.UtcNow, settings: new Dictionary<string, string?>
        {
            ["Queue:Provider"] = "Azure", ["Queue:AzureConnectionString"] = azurite.ConnectionString, ["Queue:Name"] = "claims-" + Guid.NewGuid().ToString("N")[..8],
            ["Notifier:MaxAttempts"] = "1", ["Notifier:QuietFrom"] = "00:00", ["Notifier:QuietUntil"] = "00:00",
        }, configure: (services, configuration) =>
        {
            services.AddMessagingNotifier(configuration, runWorkers: false);
            services.RemoveAll<IChannelSender>();
            services.AddSingleton<IChannelSender>(_sms);
        });
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static string Notice(string key) => JsonSerializer.Serialize(new NotificationRequest(key, "notify/broadcast",
        new Recipient("Nguyễn Văn An", "0912345678", ChannelOrder: ["sms"]), JsonSerializer.SerializeToElement(new
        {
            citizen = new { name = "An" }, office = new { name = "Công an xã Tịnh Hà", phone = "0255" }, message = "Tin", bookings = Array.Empty<object>(),
        })), NotificationProcessor.Json);

    [Fact]
    public async Task A_duplicate_on_the_azure_queue_is_sent_once_and_both_copies_leave_the_queue()
    {
        Assert.False(Queue.InDatabase);
        await Queue.SendBatchAsync([Notice("az-1"), Notice("az-1")], default);
        var both = await Queue.ReceiveAsync(2, TimeSpan.FromSeconds(30), default);
        Assert.Equal(2, both.Count);

        Assert.Equal([Outcome.Sent, Outcome.AlreadyDone], [await Processor.ProcessAsync(both[0], default), await Processor.ProcessAsync(both[1], default)]);
        Assert.Single(_sms.Sent);
        Assert.Empty(await Queue.ReceiveAsync(2, TimeSpan.FromSeconds(30), default));
    }

    [Fact]
    public async Task A_failure_at_the_last_attempt_records_the_delivery_failed_and_the_message_lands_in_poison()
    {
        _sms.Failures.Enqueue(new InvalidOperationException("the gateway answered nonsense"));
        await Queue.SendAsync(Notice("az-2"), null, default);
        var message = Assert.Single(await Queue.ReceiveAsync(1, TimeSpan.FromSeconds(30), default));

        Assert.Equal(Outcome.Poisoned, await Processor.ProcessAsync(message, default));
        var delivery = await _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().Deliveries.AsNoTracking().SingleAsync());
        Assert.Equal(DeliveryStatus.Failed, delivery.Status);
        Assert.Contains("nonsense", Assert.Single(await Queue.PeekPoisonAsync(5, default)).Reason);
        Assert.Empty(await Queue.ReceiveAsync(1, TimeSpan.FromSeconds(30), default));
    }
}
