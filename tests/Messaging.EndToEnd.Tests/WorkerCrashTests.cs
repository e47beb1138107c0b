using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Messaging.Core;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Notifier;
using Messaging.Notifier.Queues;
using Messaging.Notifier.Worker;
using Messaging.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.EndToEnd.Tests;

/// <summary>
/// The worker as its own process (`--role worker`), killed twice in the middle of a batch and started again. Every
/// notification must arrive; none may be lost. A kill between a gateway's acceptance and the delivery record can
/// repeat that one message (gateways drop such repeats by our key), so repeats are bounded, not assumed zero.
/// </summary>
public sealed class WorkerCrashTests
{
    private const int Count = 400;

    [Fact]
    public async Task Killing_the_worker_mid_batch_loses_nothing()
    {
        var dir = Directory.CreateTempSubdirectory("messaging-crash-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Messaging:DataDirectory"] = dir, ["Messaging:DialogsDirectory"] = RepoPaths.Dialogs,
            ["Messaging:TemplatesDirectory"] = RepoPaths.Templates, ["Messaging:DemoData"] = "false",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddMessagingCore(configuration);
        services.AddMessagingNotifier(configuration, runWorkers: false);
        await using var sp = services.BuildServiceProvider();
        await sp.InitializeMessagingAsync(default);

        var queue = sp.GetRequiredService<INotificationQueue>();
        var bodies = Enumerable.Range(0, Count).Select(i => JsonSerializer.Serialize(new NotificationRequest($"crash:{i}", "notify/broadcast",
            new Recipient("Nguyễn Văn An", "0912345678", ChannelOrder: ["sms"]),
            JsonSerializer.SerializeToElement(new { citizen = new { name = "An" }, office = new { name = "Công an xã", phone = "0255" }, message = $"Tin {i}", bookings = Array.Empty<object>() }),
            NotificationPriority.Critical), NotificationProcessor.Json)).ToList();
        await queue.SendBatchAsync(bodies, default);

        var outbox = Path.Combine(dir, "outbox", "sms.jsonl");
        int Lines() => File.Exists(outbox) ? File.ReadAllLines(outbox).Length : 0;
        var kills = 0;
        foreach (var killAt in new[] { Count / 4, Count / 2 })
        {
            using var worker = StartWorker(dir);
            await WaitAsync(() => Lines() >= killAt, TimeSpan.FromSeconds(60));
            worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync();
            kills++;
        }
        int SentRecorded()
        {
            using var scope = sp.CreateScope();
            return scope.ServiceProvider.GetRequiredService<MessagingDbContext>().Deliveries.Count(d => d.Status == DeliveryStatus.Sent);
        }
        using (var last = StartWorker(dir))
        {
            // Wait for the records, not only the outbox: the sink is written a moment before the delivery is marked sent.
            await WaitAsync(() => KeysIn(outbox).Count == Count && SentRecorded() == Count, TimeSpan.FromSeconds(90));
            last.Kill(entireProcessTree: true);
            await last.WaitForExitAsync();
        }

        var keys = KeysIn(outbox);
        Assert.Equal(Count, keys.Count);                                   // nothing lost
        var repeats = File.ReadAllLines(outbox).Length - Count;
        Assert.InRange(repeats, 0, kills * 16);                           // at most what was in flight at each kill
        await using var scope = sp.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        Assert.Equal(Count, await db.Deliveries.CountAsync(d => d.Status == DeliveryStatus.Sent));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    private static HashSet<string> KeysIn(string outbox) => File.Exists(outbox)
        ? File.ReadAllLines(outbox).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("key").GetString()!).ToHashSet()
        : [];

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException("the worker did not get there in time");
            await Task.Delay(20);
        }
    }

    private static Process StartWorker(string dir)
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(RepoPaths.Root, "src", "Messaging.Server", "bin", configuration, "net10.0", "Messaging.Server.dll");
        var psi = new ProcessStartInfo("dotnet", $"\"{dll}\" --role worker --urls http://127.0.0.1:{FreePort()}")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir,
            Environment =
            {
                ["Messaging__DataDirectory"] = dir, ["Messaging__DemoData"] = "false",
                ["Notifier__IdleDelay"] = "00:00:00.050", ["Logging__LogLevel__Default"] = "Warning",
                // Messages a killed worker held come back after this long.
                ["Notifier__Visibility"] = "00:00:05",
            },
        };
        var p = Process.Start(psi)!;
        _ = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        return p;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
