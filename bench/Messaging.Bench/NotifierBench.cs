using System.Diagnostics;
using System.Text.Json;
using Messaging.Core.Appointments;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Notifier;
using Messaging.Notifier.Channels;
using Messaging.Notifier.Queues;
using Messaging.Notifier.Worker;
using Messaging.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Messaging.Bench;

/// <summary>A channel that only counts: the notifier's own cost, without any gateway.</summary>
public sealed class CountingSink(string channel) : IChannelSender
{
    private int _count;
    public int Count => _count;
    public string Channel => channel;
    public bool CanReach(Recipient r) => r.Phone is not null;
    public Task<SendResult> SendAsync(OutgoingMessage m, CancellationToken ct) => Task.FromResult(new SendResult("n" + Interlocked.Increment(ref _count)));
}

/// <summary>
/// Notifications per second end to end (queue → dedupe → render → send to an in-memory sink → record → delete) through
/// the embedded queue and Azurite with 1 and 4 workers, the raw queue's send+receive+delete rate as the baseline, and
/// the fan-out time of a large broadcast.
/// </summary>
public static class NotifierBench
{
    public static async Task RunAsync(int count, int fanOut)
    {
        Console.WriteLine($"{count} notifications per row, {Environment.ProcessorCount} cores, SQLite database");
        Console.WriteLine("| queue | what | workers | messages | per second |\n|---|---|---:|---:|---:|");
        await using (var db = await CreateAsync(null))
        {
            await RawAsync(db, "embedded", count);
            foreach (var workers in new[] { 1, 4 }) await EndToEndAsync(db, "embedded", count, workers);
        }
        // A fresh emulator for each row: Azurite keeps every queue's history in one in-memory store and slows down (to
        // ten-second stalls) as it grows, which would charge the later rows for the earlier ones.
        await OnAzuriteAsync(db => RawAsync(db, "azurite", count));
        foreach (var workers in new[] { 1, 4 }) await OnAzuriteAsync(db => EndToEndAsync(db, "azurite", count, workers));
        await using (var db = await CreateAsync(null))
        {
            await FanOutAsync(db, fanOut);
        }
    }

    private static async Task OnAzuriteAsync(Func<TestDatabase, Task> row)
    {
        var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        try
        {
            await using var db = await CreateAsync(azurite.ConnectionString);
            await row(db);
        }
        finally
        {
            await azurite.DisposeAsync();
        }
    }

    private static Task<TestDatabase> CreateAsync(string? azure) =>
        TestDatabase.CreateAsync(DatabaseProvider.Sqlite, now: DateTimeOffset.UtcNow, settings: new Dictionary<string, string?>
        {
            ["Queue:Provider"] = azure is null ? "Embedded" : "Azure",
            ["Queue:AzureConnectionString"] = azure,
            ["Queue:Name"] = "bench" + Guid.NewGuid().ToString("N")[..8],
            ["Notifier:DefaultChannelOrder:0"] = "sms",
        }, configure: (services, configuration) =>
        {
            services.AddMessagingNotifier(configuration, runWorkers: false);
            services.RemoveAll<IChannelSender>();
            services.AddSingleton<IChannelSender>(new CountingSink(ChannelNames.Sms));
            // Real clock here: the quiet hours are turned off by making them empty.
            services.Configure<NotifierOptions>(o => { o.QuietFrom = new TimeOnly(0, 0); o.QuietUntil = new TimeOnly(0, 0); });
            services.RemoveAll<TimeProvider>();
            services.AddSingleton(TimeProvider.System);
        });

    private static string Request(int i) => JsonSerializer.Serialize(new NotificationRequest($"bench:{Guid.NewGuid():N}:{i}", "notify/broadcast",
        new Recipient("Nguyễn Văn An", "0912345678"), JsonSerializer.SerializeToElement(new
        {
            citizen = new { name = "Nguyễn Văn An" }, office = new { name = "Công an xã Tịnh Hà", phone = "0255 3000 101" },
            message = "Sáng thứ Bảy Công an xã cấp căn cước lưu động tại nhà văn hóa thôn.", bookings = Array.Empty<object>(),
        }), NotificationPriority.Critical), NotificationProcessor.Json);

    private static async Task RawAsync(TestDatabase db, string name, int count)
    {
        var queue = db.Services.GetRequiredService<INotificationQueue>();
        var bodies = Enumerable.Range(0, count).Select(Request).ToList();
        var clock = Stopwatch.StartNew();
        foreach (var b in bodies) await queue.SendAsync(b, null, default);
        var received = 0;
        while (received < count)
        {
            var batch = await queue.ReceiveAsync(32, TimeSpan.FromMinutes(5), default);
            foreach (var m in batch) await queue.DeleteAsync(m, default);
            received += batch.Count;
        }
        Console.WriteLine($"| {name} | raw send + receive + delete (baseline) | 1 | {count} | {count / clock.Elapsed.TotalSeconds:F0} |");
    }

    private static async Task EndToEndAsync(TestDatabase db, string name, int count, int workers)
    {
        var queue = db.Services.GetRequiredService<INotificationQueue>();
        var processor = db.Services.GetRequiredService<NotificationProcessor>();
        var sink = (CountingSink)db.Services.GetServices<IChannelSender>().Single();
        var start = sink.Count;
        var recorded = await RecordedAsync(db);
        var bodies = Enumerable.Range(0, count).Select(Request).ToList();
        var clock = Stopwatch.StartNew();
        foreach (var b in bodies) await queue.SendAsync(b, null, default);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            while (sink.Count - start < count)
            {
                var batch = await queue.ReceiveAsync(16, TimeSpan.FromMinutes(5), default);
                if (batch.Count == 0) { await Task.Delay(5); continue; }
                await Task.WhenAll(batch.Select(async m =>
                {
                    // As the worker does: a lost receipt means the message is someone else's now.
                    try { await processor.ProcessAsync(m, default); } catch (QueueReceiptException) { }
                }));
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        // Speed only counts if every notification was sent and recorded once.
        var now = await RecordedAsync(db);
        if (now.Sent - recorded.Sent != count || now.Attempts - recorded.Attempts != count || sink.Count - start != count)
            throw new InvalidOperationException($"expected {count} deliveries, attempts and sends; got {now.Sent - recorded.Sent}, " +
                $"{now.Attempts - recorded.Attempts} and {sink.Count - start}");
        Console.WriteLine($"| {name} | end to end: send, then worker to sink | {workers} | {count} | {count / seconds:F0} |");
    }

    private static Task<(int Sent, int Attempts)> RecordedAsync(TestDatabase db) => db.InScopeAsync(async sp =>
    {
        var ctx = sp.GetRequiredService<MessagingDbContext>();
        return (await ctx.Deliveries.CountAsync(d => d.Status == DeliveryStatus.Sent), await ctx.DeliveryAttempts.CountAsync());
    });

    private static async Task FanOutAsync(TestDatabase db, int recipients)
    {
        await db.InScopeAsync(async sp =>
        {
            var ctx = sp.GetRequiredService<MessagingDbContext>();
            await TestData.SeedAsync(ctx);
            var day = OfficeTime.LocalDate(DateTimeOffset.UtcNow, null).AddDays(1);
            var at = OfficeTime.At(day, new TimeOnly(8, 0), null);
            for (var chunk = 0; chunk < recipients; chunk += 10_000)
            {
                for (var i = chunk; i < Math.Min(recipients, chunk + 10_000); i++)
                    ctx.Bookings.Add(new Booking { Id = Guid.NewGuid(), Code = $"F{i:0000000}", OfficeId = TestData.OfficeId, ProcedureId = "cccd-renewal",
                        Start = at, End = at.AddMinutes(15), SlotKey = "bulk", QueueNumber = i, CitizenName = "Công dân", Phone = $"09{i % 100_000_000:00000000}",
                        Status = BookingStatus.Booked, CreatedAt = at, UpdatedAt = at });
                await ctx.SaveChangesAsync();
                ctx.ChangeTracker.Clear();
            }
            return true;
        });
        var broadcasts = db.Services.GetRequiredService<BroadcastService>();
        var day2 = OfficeTime.LocalDate(DateTimeOffset.UtcNow, null).AddDays(1);
        var clock = Stopwatch.StartNew();
        var b = await broadcasts.CreateAsync(new BroadcastDraft(TestData.OfficeId, day2, null, null, null, null, "Thông báo", null, null, false), "bench", default);
        await broadcasts.StartAsync(b.Id, "officer-1", default);
        var queued = 0;
        int page;
        while ((page = await broadcasts.FanOutPageAsync(b.Id, "test-worker", default)) > 0) queued += page;
        Console.WriteLine($"\nfan-out of a broadcast to {queued} recipients (count, page through bookings, one queue message each, embedded queue): {clock.Elapsed.TotalSeconds:F1} s, {queued / clock.Elapsed.TotalSeconds:F0} recipients/s");
    }
}
