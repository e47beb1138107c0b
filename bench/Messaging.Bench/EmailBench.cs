using System.Diagnostics;
using MailKit.Net.Smtp;
using MailKit.Security;
using Messaging.Core;
using Messaging.Core.Notifications;
using Messaging.Notifier.Channels;
using Messaging.Testing;
using Microsoft.Extensions.Options;

namespace Messaging.Bench;

/// <summary>
/// Emails per second: the pooled MailKit sender against maildev (a real SMTP server on loopback), the same messages
/// with a new connection per message (the baseline the pool is measured against), and the local pickup sink that
/// runs when no SMTP server is configured. Same messages, same concurrency, one run.
/// </summary>
public static class EmailBench
{
    public static async Task RunAsync(int count, int concurrency)
    {
        await using var maildev = new MaildevFixture();
        await maildev.InitializeAsync();
        var dir = Directory.CreateTempSubdirectory("messaging-email-bench-").FullName;
        try
        {
            Console.WriteLine($"{count} emails per row, {concurrency} at a time, maildev on 127.0.0.1:{maildev.SmtpPort}");
            Console.WriteLine("| sender | emails | seconds | emails/s | SMTP connections |\n|---|---:|---:|---:|---:|");
            var smtp = new SmtpOptions
            {
                Host = "127.0.0.1", Port = maildev.SmtpPort, Security = "None", PoolSize = concurrency,
                FromAddress = "no-reply@cong-an.example.vn", Timeout = TimeSpan.FromSeconds(30),
            };
            // Warm-up: JIT and maildev's first connections, not measured.
            using (var warm = new SmtpSender(Options.Create(smtp))) await RunRowAsync(null, 20, concurrency, (m, ct) => warm.SendAsync(m, ct));
            await maildev.Api.DeleteAsync("/api/email/all");

            var perMessageConnections = 0;
            await RunRowAsync("maildev, new connection per message (baseline)", count, concurrency, async (m, ct) =>
            {
                using var client = new SmtpClient();
                await client.ConnectAsync(smtp.Host, smtp.Port, SecureSocketOptions.None, ct);
                Interlocked.Increment(ref perMessageConnections);
                await client.SendAsync(EmailComposer.Compose(m, smtp.FromName, smtp.FromAddress), ct);
                await client.DisconnectAsync(true, ct);
                return new SendResult(null);
            }, () => perMessageConnections);
            await maildev.Api.DeleteAsync("/api/email/all");

            using (var pooled = new SmtpSender(Options.Create(smtp)))
                await RunRowAsync("maildev, pooled SmtpSender", count, concurrency, (m, ct) => pooled.SendAsync(m, ct), () => pooled.ConnectionsOpened);
            await maildev.Api.DeleteAsync("/api/email/all");

            var pickup = new EmailPickupSender(Options.Create(new MessagingOptions { DataDirectory = dir }));
            await RunRowAsync("local pickup directory (.eml files)", count, concurrency, pickup.SendAsync);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task RunRowAsync(string? name, int count, int concurrency,
        Func<OutgoingMessage, CancellationToken, Task<SendResult>> send, Func<int>? connections = null)
    {
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count) await send(Mail($"bench:{name?.Length}:{i}"), default);
        })));
        watch.Stop();
        if (name is not null)
            Console.WriteLine($"| {name} | {count} | {watch.Elapsed.TotalSeconds:F2} | {count / watch.Elapsed.TotalSeconds:F0} | {(connections is null ? "–" : connections().ToString())} |");
    }

    private static OutgoingMessage Mail(string key) => new(key, ChannelNames.Email,
        new Recipient("Nguyễn Văn An", "0912345678", "an@example.vn"),
        "Kính gửi ông/bà Nguyễn Văn An,\nLịch hẹn cấp đổi thẻ căn cước lúc 08:30 ngày 25/11/2026 tại Công an xã Tịnh Hà đã được ghi nhận. Mã lịch hẹn K7MQ4XA, số thứ tự 12.",
        "Xác nhận lịch hẹn K7MQ4XA – Cấp đổi thẻ căn cước",
        "<p>Kính gửi ông/bà <b>Nguyễn Văn An</b>,</p><p>Lịch hẹn cấp đổi thẻ căn cước lúc <b>08:30 ngày 25/11/2026</b> đã được ghi nhận.</p>");
}
