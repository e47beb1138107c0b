using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Messaging.Testing;

namespace Messaging.Bench;

/// <summary>
/// Turns per second and turn latency through POST /api/messages with expectReplies, against the real server started
/// as its own process on SQLite, at several numbers of concurrent conversations; the baseline is a bare endpoint of
/// the same server that parses the activity and returns a fixed reply, measured in the same run.
/// </summary>
public static class TurnBench
{
    // A citizen's typical mix: greeting, questions, a booking attempt and a cancel, a dossier lookup.
    private static readonly string[] Script =
    [
        "xin chào", "phí làm hộ chiếu bao nhiêu", "làm căn cước cần giấy tờ gì",
        "đặt lịch đổi căn cước ở xã Tịnh Hà ngày mai lúc 9h", "hủy", "hs 000.00.12.H55-240930-0101 xong chua", "1234",
    ];

    private static readonly int? OnlyLine = int.TryParse(Environment.GetEnvironmentVariable("TURNS_ONLY_LINE"), out var l) ? l : null;

    public static async Task RunAsync(int seconds, IReadOnlyList<int>? conversations = null)
    {
        var port = FreePort();
        var dir = Directory.CreateTempSubdirectory("messaging-turns-").FullName;
        var dll = Path.Combine(RepoPaths.Root, "src", "Messaging.Server", "bin", "Release", "net10.0", "Messaging.Server.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException("build the server first: dotnet build -c Release src/Messaging.Server");
        var psi = new ProcessStartInfo("dotnet", $"{dll} --urls http://127.0.0.1:{port}")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir,
            Environment =
            {
                ["Messaging__DataDirectory"] = dir, ["RateLimits__PublicPerMinute"] = "100000000",
                ["Diagnostics__BareEndpoint"] = "true", ["Logging__LogLevel__Default"] = "Warning",
            },
        };
        using var server = Process.Start(psi)!;
        _ = server.StandardOutput.ReadToEndAsync();
        _ = server.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            for (var i = 0; i < 100 && !await Up(http); i++) await Task.Delay(300);
            Console.WriteLine($"server pid {server.Id}, {Environment.ProcessorCount} cores (load generator on the same machine), {seconds} s per row");
            Console.WriteLine("| endpoint | conversations | turns | turns/s | p50 ms | p99 ms | server CPU µs/turn |\n|---|---:|---:|---:|---:|---:|---:|");
            foreach (var concurrency in conversations ?? [1, 16, 64])
            {
                await MeasureAsync(http, server, "/diagnostics/bare", concurrency, seconds, "bare endpoint (baseline)");
                await MeasureAsync(http, server, "/api/messages", concurrency, seconds, "POST /api/messages, expectReplies");
            }
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task MeasureAsync(HttpClient http, Process server, string path, int concurrency, int seconds, string name)
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        async Task<List<double>> Conversation(int c, TimeSpan duration)
        {
            var latencies = new List<double>();
            var clock = Stopwatch.StartNew();
            for (var turn = 0; clock.Elapsed < duration; turn++)
            {
                var activity = new
                {
                    type = "message", id = $"{run}-{c}-{turn}", channelId = "webchat", from = new { id = $"bench-{run}-{c}" },
                    conversation = new { id = $"bench-{run}-{c}" }, text = OnlyLine is { } only ? Script[only] : Script[turn % Script.Length], locale = "vi-VN",
                    deliveryMode = "expectReplies",
                };
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PostAsJsonAsync(path, activity);
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            return latencies;
        }
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(c => Conversation(c, TimeSpan.FromSeconds(10)))); // warm-up: until tiered JIT has settled on this path
        server.Refresh();
        var cpuBefore = server.TotalProcessorTime;
        var total = Stopwatch.StartNew();
        var all = (await Task.WhenAll(Enumerable.Range(0, concurrency).Select(c => Conversation(c, TimeSpan.FromSeconds(seconds))))).SelectMany(x => x).ToList();
        total.Stop();
        server.Refresh();
        var cpuPerTurn = (server.TotalProcessorTime - cpuBefore).TotalMicroseconds / all.Count;
        all.Sort();
        Console.WriteLine($"| {name} | {concurrency} | {all.Count} | {all.Count / total.Elapsed.TotalSeconds:F0} | {all[all.Count / 2]:F2} | {all[(int)(all.Count * 0.99)]:F2} | {cpuPerTurn:F0} |");
    }

    private static async Task<bool> Up(HttpClient http)
    {
        try { return (await http.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK; }
        catch (HttpRequestException) { return false; }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
