using System.Text.Json;
using Messaging.Core.Notifications;
using Messaging.Notifier.Channels;
using Messaging.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Messaging.Notifier.Tests;

[CollectionDefinition(MaildevCollection.Name)]
public sealed class MaildevCollection : ICollectionFixture<MaildevFixture>
{
    public const string Name = "maildev";
}

/// <summary>The MailKit sender against maildev, a real SMTP server started by the fixture.</summary>
[Collection(MaildevCollection.Name)]
public sealed class SmtpTests(MaildevFixture maildev)
{
    private SmtpSender Sender(int pool = 2) => new(Options.Create(new SmtpOptions
    {
        Host = "127.0.0.1", Port = maildev.SmtpPort, Security = "None", PoolSize = pool, FromAddress = "no-reply@cong-an.example.vn",
        Timeout = TimeSpan.FromSeconds(5),
    }));

    private static OutgoingMessage Mail(string key) => new(key, ChannelNames.Email,
        new Recipient("Nguyễn Văn An", "0912345678", "an@example.vn"), "Kính gửi Nguyễn Văn An,\nLịch hẹn của ông/bà đã được ghi nhận.",
        "Xác nhận lịch hẹn K7MQ4XA – Cấp đổi thẻ căn cước", "<p>Kính gửi <b>Nguyễn Văn An</b></p>");

    private async Task<List<JsonElement>> InboxAsync() =>
        JsonDocument.Parse(await maildev.Api.GetStringAsync("/api/email")).RootElement.EnumerateArray().ToList();

    [Fact]
    public async Task A_4xx_reply_is_worth_a_retry_and_a_5xx_reply_is_final_and_names_the_mailbox()
    {
        await using var server = new Messaging.Testing.Fakes.ScriptedSmtpServer().Start();
        server.RcptReplies.Enqueue("451 4.3.0 Mailbox temporarily unavailable, try again later");
        using var sender = new SmtpSender(Options.Create(new SmtpOptions
        {
            Host = "127.0.0.1", Port = server.Port, Security = "None", PoolSize = 1, FromAddress = "no-reply@cong-an.example.vn",
            Timeout = TimeSpan.FromSeconds(5),
        }));

        var busy = await Assert.ThrowsAsync<ChannelException>(() => sender.SendAsync(Mail("k-451"), default));
        Assert.False(busy.Permanent);
        Assert.Contains("451", busy.Message);
        await sender.SendAsync(Mail("k-451"), default); // the retry goes through
        Assert.Equal(1, server.Accepted);

        server.RcptReplies.Enqueue("550 5.1.1 No such user here");
        var gone = await Assert.ThrowsAsync<ChannelException>(() => sender.SendAsync(Mail("k-550"), default));
        Assert.True(gone.Permanent);
        Assert.Contains("550", gone.Message);
        Assert.Contains("an@example.vn", gone.Message);
        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task Pooled_sending_keeps_text_html_and_the_vietnamese_subject_with_few_connections()
    {
        await maildev.Api.DeleteAsync("/api/email/all");
        using var sender = Sender(pool: 2);
        var keys = Enumerable.Range(0, 20).Select(i => $"pool-test:{i}").ToList();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (k, ct) => await sender.SendAsync(Mail(k), ct));

        var inbox = await InboxAsync();
        Assert.Equal(20, inbox.Count);
        var mail = inbox[0];
        Assert.Equal("Xác nhận lịch hẹn K7MQ4XA – Cấp đổi thẻ căn cước", mail.GetProperty("subject").GetString());
        Assert.Contains("Lịch hẹn của ông/bà", mail.GetProperty("text").GetString());
        Assert.Contains("<b>Nguyễn Văn An</b>", mail.GetProperty("html").GetString());
        Assert.Equal("Nguyễn Văn An", mail.GetProperty("to")[0].GetProperty("name").GetString());
        Assert.Contains(inbox, m => m.GetProperty("headers").GetProperty("message-id").GetString()!.Contains("pool-test_3"));
        Assert.InRange(sender.ConnectionsOpened, 1, 2);
    }

    [Fact]
    public async Task A_stopped_server_is_a_transient_failure_and_sending_resumes_when_it_is_back()
    {
        using var sender = Sender();
        await sender.SendAsync(Mail("down:0"), default);
        maildev.Stop();
        try
        {
            var e = await Assert.ThrowsAsync<ChannelException>(() => sender.SendAsync(Mail("down:1"), default));
            Assert.False(e.Permanent);
        }
        finally
        {
            await maildev.StartAsync();
        }
        await sender.SendAsync(Mail("down:1"), default);
        Assert.Contains(await InboxAsync(), m => m.GetProperty("headers").GetProperty("message-id").GetString()!.Contains("down_1"));
    }
}

[Collection(MaildevCollection.Name)]
public sealed class SmtpOutageTests(MaildevFixture maildev) : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() =>
        _db = await TestDatabase.CreateAsync(Messaging.Core.Persistence.DatabaseProvider.Sqlite,
            now: new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.FromHours(7)),
            settings: new Dictionary<string, string?>
            {
                ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = maildev.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Smtp:Security"] = "None", ["Smtp:Timeout"] = "00:00:05",
            },
            configure: (services, configuration) => services.AddMessagingNotifier(configuration, runWorkers: false));

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task While_the_smtp_server_is_down_emails_wait_and_all_arrive_once_it_is_back()
    {
        await maildev.Api.DeleteAsync("/api/email/all");
        var queue = _db.Services.GetRequiredService<Messaging.Notifier.Queues.INotificationQueue>();
        var processor = _db.Services.GetRequiredService<Messaging.Notifier.Worker.NotificationProcessor>();
        for (var i = 0; i < 5; i++)
        {
            var request = new NotificationRequest($"outage:{i}", "notify/broadcast", new Recipient("Nguyễn Văn An", null, "an@example.vn", ChannelOrder: ["email"]),
                JsonSerializer.SerializeToElement(new { citizen = new { name = "An" }, office = new { name = "Công an xã Tịnh Hà", phone = "0255" }, message = $"Thông báo số {i}", bookings = Array.Empty<object>() }));
            await queue.SendAsync(JsonSerializer.Serialize(request, Messaging.Notifier.Worker.NotificationProcessor.Json), null, default);
        }
        async Task<List<Messaging.Notifier.Worker.Outcome>> Drain()
        {
            var outcomes = new List<Messaging.Notifier.Worker.Outcome>();
            foreach (var m in await queue.ReceiveAsync(32, TimeSpan.FromMinutes(1), default)) outcomes.Add(await processor.ProcessAsync(m, default));
            return outcomes;
        }

        maildev.Stop();
        try
        {
            Assert.All(await Drain(), o => Assert.Equal(Messaging.Notifier.Worker.Outcome.Retrying, o));
        }
        finally
        {
            await maildev.StartAsync();
        }
        _db.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.All(await Drain(), o => Assert.Equal(Messaging.Notifier.Worker.Outcome.Sent, o));
        var inbox = JsonDocument.Parse(await maildev.Api.GetStringAsync("/api/email")).RootElement.EnumerateArray()
            .Select(m => m.GetProperty("subject").GetString()).ToList();
        Assert.Equal(5, inbox.Count);
        Assert.All(inbox, s => Assert.Equal("Thông báo từ Công an xã Tịnh Hà", s));
    }
}
