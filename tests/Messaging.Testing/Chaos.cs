using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Messaging.Testing.Fakes;
using Npgsql;

namespace Messaging.Testing;

/// <summary>How big and how rough one chaos run is.</summary>
public sealed record ChaosOptions(int Bookings = 150, int WebNodes = 2, int Workers = 3, TimeSpan? Chaos = null, TimeSpan? KillEvery = null,
    TimeSpan? DrainLimit = null, int Seed = 2026)
{
    public TimeSpan ChaosTime => Chaos ?? TimeSpan.FromSeconds(60);
    public TimeSpan KillInterval => KillEvery ?? TimeSpan.FromSeconds(3);
    public TimeSpan DrainTime => DrainLimit ?? TimeSpan.FromMinutes(4);
}

/// <summary>
/// What a chaos run counted. <see cref="Notifications"/> are the messages the domain asked for (confirmations, changes,
/// cancellations, reminders put on the queue, one broadcast message per person); <see cref="Lost"/> never reached the
/// gateway nor were rightly dropped; <see cref="Duplicated"/> reached a citizen twice (the gateway dedupes RequestId, as
/// eSMS does) or were recorded sent twice; <see cref="Stale"/> went out more than two seconds after the change that made
/// them wrong was committed. <see cref="Absorbed"/> are repeated sends the gateway's idempotency turned away: what a
/// gateway without it would have delivered twice.
/// </summary>
public sealed record ChaosReport(int Notifications, int Lost, int Duplicated, int Stale, int Absorbed, int Sent, int Obsolete, int Skipped,
    int Kills, TimeSpan Elapsed, TimeSpan Drain, IReadOnlyList<string> Problems)
{
    public bool Clean => Lost == 0 && Duplicated == 0 && Stale == 0;

    public override string ToString() =>
        $"{Notifications} notifications, {Lost} lost, {Duplicated} duplicated, {Stale} stale ({Sent} sent, {Obsolete} obsolete, {Skipped} skipped; " +
        $"{Absorbed} resends absorbed by the gateway's RequestId; {Kills} workers killed; {Elapsed.TotalSeconds:F0} s, drained in {Drain.TotalSeconds:F0} s)";
}

/// <summary>
/// The chaos run: PostgreSQL, Azurite, an eSMS-style gateway, web and worker processes of the real server. Citizens book,
/// move and cancel through the API, an officer broadcasts, reminders fall due (their due times moved to now, as time
/// passing would), and a random worker is killed with SIGKILL every few seconds and started again. Then everything
/// drains and every message the gateway took is counted by key.
/// </summary>
public static class ChaosRun
{
    private const string AdminKey = "chaos-admin-key-0123456789abcdef";
    private const string Office = "ca-xa-tinh-ha";

    public static async Task<ChaosReport> RunAsync(ChaosOptions o, Action<string> log, CancellationToken ct = default)
    {
        var watch = Stopwatch.StartNew();
        var random = new Random(o.Seed);
        await using var pg = await PostgresServer.StartAsync();
        var database = await pg.CreateDatabaseAsync("chaos");
        var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        await using var sms = new FakeSmsGateway { AnswerDelay = TimeSpan.FromMilliseconds(150) };
        await sms.StartAsync();
        var dir = Directory.CreateTempSubdirectory("messaging-chaos-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres", ["Database:ConnectionString"] = database,
            ["Queue:Provider"] = "Azure", ["Queue:AzureConnectionString"] = azurite.ConnectionString, ["Queue:Name"] = "chaos",
            ["Sms:Url"] = sms.SendUrl.ToString(), ["Sms:ApiKey"] = FakeSmsGateway.ApiKey, ["Sms:SecretKey"] = FakeSmsGateway.SecretKey, ["Sms:Brandname"] = "CONGAN",
            ["Identity:PhoneVerification"] = "Never", ["Messaging:DemoData"] = "true",
            ["Notifier:DefaultChannelOrder:0"] = "sms", ["Notifier:QuietFrom"] = "00:00", ["Notifier:QuietUntil"] = "00:00",
            // Short leases and visibility, so a killed worker's messages come back within the run.
            ["Notifier:Visibility"] = "00:00:10", ["Notifier:ClaimLease"] = "00:00:10", ["Notifier:BaseBackoff"] = "00:00:01",
            ["Notifier:MaxDequeues"] = "200",
            ["Admin:ApiKeys:0:Name"] = "chaos", ["Admin:ApiKeys:0:Key"] = AdminKey, ["Admin:ApiKeys:0:Roles:0"] = "admin",
            ["RateLimits:PublicPerMinute"] = "1000000", ["RateLimits:BookingsPerMinute"] = "1000000",
            ["Abuse:BookingsPerClientPerDay"] = "100000", ["Abuse:BookingsPerPhonePerDay"] = "100",
            ["Abuse:UnverifiedMessagesPerPhonePerDay"] = "100000", ["Abuse:UnverifiedMessagesPerClientPerDay"] = "100000",
        };
        var web = new List<ServerProcess>();
        var workers = new List<ServerProcess?>();
        var restarts = new List<Task>();
        var kills = 0;
        try
        {
            // The first node migrates and seeds; the others start on a ready database.
            for (var i = 0; i < o.WebNodes; i++) web.Add(await ServerProcess.StartAsync(dir, settings, role: "web"));
            for (var i = 0; i < o.Workers; i++) workers.Add(await ServerProcess.StartAsync(dir, settings, role: "worker"));
            log($"started {o.WebNodes} web and {o.Workers} worker processes in {watch.Elapsed.TotalSeconds:F0} s");

            var chaosClock = Stopwatch.StartNew();
            using var chaos = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var killer = Task.Run(async () =>
            {
                while (!chaos.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(o.KillInterval, chaos.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                    // A worker that is up (another may still be starting after its own kill); it comes back in the background,
                    // so kills keep their pace however long a start takes.
                    ServerProcess? victim;
                    int i;
                    lock (workers)
                    {
                        var up = Enumerable.Range(0, workers.Count).Where(x => workers[x] is not null).ToList();
                        if (up.Count == 0) continue;
                        i = up[random.Next(up.Count)];
                        victim = workers[i];
                        workers[i] = null;
                    }
                    await victim!.DisposeAsync(); // SIGKILL: no shutdown, no draining, in the middle of whatever it does
                    kills++;
                    restarts.Add(Task.Run(async () =>
                    {
                        var started = await ServerProcess.StartAsync(dir, settings, role: "worker");
                        lock (workers) workers[i] = started;
                    }));
                }
            }, CancellationToken.None);

            await WorkloadAsync(o, web, database, random, log, ct);
            var remaining = o.ChaosTime - chaosClock.Elapsed;
            if (remaining > TimeSpan.Zero) await Task.Delay(remaining, ct);
            await chaos.CancelAsync();
            await killer;
            await Task.WhenAll(restarts);
            log($"chaos over after {chaosClock.Elapsed.TotalSeconds:F0} s and {kills} kills; draining");

            var drained = Stopwatch.StartNew();
            await DrainAsync(database, o.DrainTime, ct);
            await Task.Delay(TimeSpan.FromSeconds(3), ct); // a send in flight at the last check lands
            return await CountAsync(database, sms, kills, watch.Elapsed, drained.Elapsed);
        }
        finally
        {
            // A worker still starting would outlive the run otherwise.
            try { await Task.WhenAll(restarts); } catch (Exception) { }
            foreach (var p in web.Concat(workers)) if (p is not null) await p.DisposeAsync();
            await azurite.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private sealed record Made(string Code, string Phone);

    /// <summary>Bookings, moves and cancellations through the API, a broadcast, reminders falling due, more cancellations.</summary>
    private static async Task WorkloadAsync(ChaosOptions o, List<ServerProcess> web, string database, Random random, Action<string> log, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
        string Node() => web[random.Next(web.Count)].BaseUrl;
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7));
        var slots = new List<DateTimeOffset>();
        var found = await http.GetFromJsonAsync<JsonElement>($"{Node()}/api/slots?procedure=cccd-renewal&office={Office}&from={today.AddDays(2):yyyy-MM-dd}&to={today.AddDays(12):yyyy-MM-dd}", ct);
        foreach (var s in found.EnumerateArray())
            for (var c = 0; c < s.GetProperty("free").GetInt32(); c++) slots.Add(s.GetProperty("start").GetDateTimeOffset());
        var made = new List<Made>();
        var free = new Queue<DateTimeOffset>(slots.OrderBy(_ => random.Next()));
        await Parallel.ForEachAsync(Enumerable.Range(0, o.Bookings), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (i, token) =>
        {
            DateTimeOffset start;
            lock (free) start = free.Dequeue();
            // Every seventh citizen books twice: the broadcast must reach them once.
            var phone = $"0912{(i % 7 == 6 ? i - 1 : i):000000}";
            var r = await http.PostAsJsonAsync($"{Node()}/api/bookings", new
            {
                procedureId = "cccd-renewal", officeId = Office, start, citizenName = "Nguyễn Văn Chaos", phone,
            }, token);
            if (!r.IsSuccessStatusCode) return; // a slot another booking took first
            var code = (await r.Content.ReadFromJsonAsync<JsonElement>(token)).GetProperty("code").GetString()!;
            lock (made) made.Add(new Made(code, phone));
        });
        log($"{made.Count} bookings made");
        var shuffled = made.OrderBy(_ => random.Next()).ToList();
        var moved = shuffled.Take(made.Count / 6).ToList();
        var cancelled = shuffled.Skip(made.Count / 6).Take(made.Count / 6).ToList();
        foreach (var b in moved)
        {
            DateTimeOffset start;
            lock (free) start = free.Dequeue();
            await http.PostAsJsonAsync($"{Node()}/api/bookings/{b.Code}/reschedule", new { phone = b.Phone, start }, ct);
        }
        foreach (var b in cancelled) await http.PostAsJsonAsync($"{Node()}/api/bookings/{b.Code}/cancel", new { phone = b.Phone, reason = "bận" }, ct);
        log($"{moved.Count} moved, {cancelled.Count} cancelled");

        var broadcast = await http.PostAsJsonAsync($"{Node()}/api/admin/broadcasts", new
        {
            officeId = Office, from = today.AddDays(2), to = today.AddDays(12), message = "Công an xã nhắc bà con mang theo căn cước cũ khi đến làm thủ tục.",
        }, ct);
        broadcast.EnsureSuccessStatusCode();
        var id = (await broadcast.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString();
        (await http.PostAsync($"{Node()}/api/admin/broadcasts/{id}/send", null, ct)).EnsureSuccessStatusCode();

        // Time passes: every pending reminder falls due now; then a last round of cancellations races the reminders.
        await using (var conn = new NpgsqlConnection(database))
        {
            await conn.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand("UPDATE reminders SET due_at = @now WHERE status = 'Pending'", conn);
            cmd.Parameters.AddWithValue("now", DateTimeOffset.UtcNow.UtcTicks);
            log($"{await cmd.ExecuteNonQueryAsync(ct)} reminders made due");
        }
        var late = shuffled.Skip(made.Count / 3).Take(made.Count / 10).ToList();
        foreach (var b in late) await http.PostAsJsonAsync($"{Node()}/api/bookings/{b.Code}/cancel", new { phone = b.Phone, reason = "đổi ý" }, ct);
        log($"{late.Count} more cancelled while reminders go out");
    }

    /// <summary>Waits until nothing is left to do: outbox, due reminders, broadcasts and pending deliveries, stable for five seconds.</summary>
    private static async Task DrainAsync(string database, TimeSpan limit, CancellationToken ct)
    {
        var until = DateTime.UtcNow + limit;
        var quietSince = DateTime.MaxValue;
        while (DateTime.UtcNow < until)
        {
            await using var conn = new NpgsqlConnection(database);
            await conn.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand(
                "SELECT (SELECT COUNT(*) FROM outbox WHERE dispatched_at IS NULL) + (SELECT COUNT(*) FROM reminders WHERE status = 'Pending' AND due_at <= @now) " +
                "+ (SELECT COUNT(*) FROM broadcasts WHERE status = 'Running') + (SELECT COUNT(*) FROM deliveries WHERE status = 'Pending')", conn);
            cmd.Parameters.AddWithValue("now", DateTimeOffset.UtcNow.UtcTicks);
            var open = (long)(await cmd.ExecuteScalarAsync(ct))!;
            if (open == 0)
            {
                if (quietSince == DateTime.MaxValue) quietSince = DateTime.UtcNow;
                if (DateTime.UtcNow - quietSince > TimeSpan.FromSeconds(5)) return;
            }
            else
            {
                quietSince = DateTime.MaxValue;
            }
            await Task.Delay(500, ct);
        }
    }

    private sealed record DeliveryRow(string Key, string Status, string RequestJson, int Successes);

    private static async Task<ChaosReport> CountAsync(string database, FakeSmsGateway sms, int kills, TimeSpan elapsed, TimeSpan drain)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        async Task<List<T>> Rows<T>(string sql, Func<NpgsqlDataReader, T> read)
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            await using var r = await cmd.ExecuteReaderAsync();
            var list = new List<T>();
            while (await r.ReadAsync()) list.Add(read(r));
            return list;
        }
        var deliveries = (await Rows("SELECT d.key, d.status, d.request_json, (SELECT COUNT(*) FROM delivery_attempts a WHERE a.delivery_id = d.id AND a.succeeded) FROM deliveries d",
            r => new DeliveryRow(r.GetString(0), r.GetString(1), r.GetString(2), (int)r.GetInt64(3)))).ToDictionary(d => d.Key);
        var expected = new HashSet<string>(await Rows("SELECT key FROM outbox WHERE type LIKE 'booking.%'", r => r.GetString(0)));
        expected.UnionWith(await Rows("SELECT id FROM reminders WHERE status = 'Enqueued'", r => $"reminder:{r.GetGuid(0):N}"));
        expected.UnionWith(deliveries.Keys.Where(k => k.StartsWith("broadcast:", StringComparison.Ordinal)));
        var queued = (await Rows("SELECT COALESCE(SUM(queued), 0) FROM broadcasts", r => r.GetInt64(0))).Single();
        var problems = new List<string>();
        var lost = (int)Math.Max(0, queued - deliveries.Keys.Count(k => k.StartsWith("broadcast:", StringComparison.Ordinal)));
        if (lost > 0) problems.Add($"{lost} broadcast messages queued but never claimed");

        // What the gateway took, by RequestId (our key, or its digest), and when.
        var accepted = sms.Accepted.Select(b => b.GetProperty("RequestId").GetString()!).GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        var received = sms.Received.Select(b => b.TryGetProperty("RequestId", out var id) ? id.GetString()! : "").GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        var acceptedAt = sms.AcceptedAt;
        var byRequestId = deliveries.Keys.ToDictionary(Messaging.Notifier.Channels.Sms.EsmsSender.RequestId);
        int sent = 0, obsolete = 0, skipped = 0, duplicated = 0, stale = 0;
        foreach (var key in expected)
        {
            var requestId = Messaging.Notifier.Channels.Sms.EsmsSender.RequestId(key);
            var gotIt = accepted.GetValueOrDefault(requestId);
            if (!deliveries.TryGetValue(key, out var d))
            {
                lost++;
                problems.Add($"{key}: never claimed");
                continue;
            }
            switch (d.Status)
            {
                case "Sent" when gotIt == 1:
                    sent++;
                    break;
                case "Obsolete" or "Skipped" when gotIt == 0:
                    if (d.Status == "Obsolete") obsolete++;
                    else skipped++;
                    break;
                default:
                    lost++;
                    problems.Add($"{key}: {d.Status}, gateway took it {gotIt} times");
                    break;
            }
        }
        foreach (var d in deliveries.Values.Where(d => d.Successes > 1 || accepted.GetValueOrDefault(Messaging.Notifier.Channels.Sms.EsmsSender.RequestId(d.Key)) > 1))
        {
            duplicated++;
            problems.Add($"{d.Key}: {d.Successes} successful attempts recorded");
        }
        var absorbed = received.Where(r => r.Key.Length > 0).Sum(r => r.Value - accepted.GetValueOrDefault(r.Key));

        // Stale: a message about a booking that went out well after a later change of that booking was committed.
        var changes = await Rows("SELECT payload, occurred_at FROM outbox WHERE type IN ('booking.cancelled', 'booking.rescheduled')", r =>
        {
            var p = JsonDocument.Parse(r.GetString(0)).RootElement;
            return (Booking: p.GetProperty("bookingId").GetGuid(), Version: p.GetProperty("version").GetInt64(), At: r.GetFieldValue<DateTimeOffset>(1));
        });
        foreach (var (requestId, at) in acceptedAt)
        {
            if (!byRequestId.TryGetValue(requestId, out var key)) continue;
            var request = JsonDocument.Parse(deliveries[key].RequestJson).RootElement;
            if (!request.TryGetProperty("subject", out var subject) || subject.ValueKind != JsonValueKind.Object
                || subject.GetProperty("kind").GetString() != "booking") continue;
            var booking = Guid.Parse(subject.GetProperty("id").GetString()!);
            var version = subject.GetProperty("version").GetInt64();
            if (changes.Any(c => c.Booking == booking && c.Version > version && c.At < at - TimeSpan.FromSeconds(2)))
            {
                stale++;
                problems.Add($"{key}: went out at {at:HH:mm:ss.fff} after its booking changed");
            }
        }
        return new ChaosReport(expected.Count, lost, duplicated, stale, absorbed, sent, obsolete, skipped, kills, elapsed, drain, problems);
    }
}
