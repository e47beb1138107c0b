using System.Text.Json;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Notifier.Channels;
using Messaging.Notifier.Queues;
using Messaging.Notifier.Worker;
using Messaging.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Messaging.Notifier.Tests;

/// <summary>A line written while a notification is handled names the notification's key and the channel being tried.</summary>
public sealed class NotificationLogTests
{
    [Fact]
    public async Task A_notification_that_fails_for_good_is_logged_in_the_scope_of_its_key_and_channel()
    {
        var capture = new LogCapture();
        var sms = new RecordingSender(ChannelNames.Sms);
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite,
            settings: new Dictionary<string, string?> { ["Notifier:MaxAttempts"] = "1" }, configure: (services, configuration) =>
            {
                services.AddLogging(b => b.AddProvider(capture));
                services.AddMessagingNotifier(configuration, runWorkers: false);
                services.RemoveAll<IChannelSender>();
                services.AddSingleton<IChannelSender>(sms);
            });
        sms.Failures.Enqueue(new ChannelException("gateway timeout", permanent: false));
        var request = new NotificationRequest("test:unreachable", "notify/broadcast", new Recipient("An", "0912345678", ChannelOrder: [ChannelNames.Sms]),
            JsonSerializer.SerializeToElement(new { message = "x", office = new { name = "CA" }, bookings = Array.Empty<object>() }),
            NotificationPriority.Critical);
        var queue = db.Services.GetRequiredService<INotificationQueue>();
        await queue.SendAsync(JsonSerializer.Serialize(request, NotificationProcessor.Json), null, default);
        var message = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromMinutes(1), default));

        Assert.Equal(Outcome.Poisoned, await db.Services.GetRequiredService<NotificationProcessor>().ProcessAsync(message, default));

        var failed = Assert.Single(capture.Entries, e => e.Category == typeof(NotificationProcessor).FullName && e.EventId.Id == 3004);
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Equal("test:unreachable", failed.ScopeValues["NotificationKey"]);
        Assert.Equal(ChannelNames.Sms, failed.ScopeValues["Channel"]);
        Assert.All(capture.Entries, e => Assert.DoesNotContain("0912345678", e.Text, StringComparison.Ordinal));
    }
}
