using System.Net;
using System.Text.Json;
using Messaging.Notifier.Queues;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Server.Tests;

public sealed class ReadinessTests
{
    private static async Task<(HttpStatusCode Status, Dictionary<string, bool> Checks)> ReadyAsync(HttpClient client)
    {
        var r = await client.GetAsync("/healthz/ready");
        var body = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        return (r.StatusCode, body.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("ok").GetBoolean()));
    }

    [Fact]
    public async Task Ready_names_each_check_and_turns_503_when_poison_piles_up()
    {
        await using var factory = new MessagingServerFactory(new Dictionary<string, string?> { ["Health:MaxPoison"] = "0" });
        var client = factory.CreateClient();
        // The loops beat once they have started; the first request may come before that.
        (HttpStatusCode Status, Dictionary<string, bool> Checks) ready = (0, []);
        for (var i = 0; i < 50; i++)
        {
            ready = await ReadyAsync(client);
            if (ready.Checks.Keys.Any(k => k.StartsWith("loop:", StringComparison.Ordinal))) break;
            await Task.Delay(100);
        }
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.True(ready.Checks["database"] && ready.Checks["queue"] && ready.Checks["outbox"] && ready.Checks["poison"]);
        Assert.Contains("loop:NotificationWorker", ready.Checks.Keys);
        Assert.Contains("loop:OutboxDispatcherService", ready.Checks.Keys);
        Assert.DoesNotContain("zalo-token", ready.Checks.Keys); // Zalo is not configured here

        var queue = factory.Services.GetRequiredService<INotificationQueue>();
        await queue.SendAsync("{ not json", null, default);
        // Whoever takes it first (this test or the server's own worker) sets it aside as poison.
        (HttpStatusCode Status, Dictionary<string, bool> Checks) after = (0, []);
        for (var i = 0; i < 100; i++)
        {
            foreach (var m in await queue.ReceiveAsync(1, TimeSpan.FromMinutes(1), default)) await queue.PoisonAsync(m, "unreadable", default);
            after = await ReadyAsync(client);
            if (after.Status == HttpStatusCode.ServiceUnavailable) break;
            await Task.Delay(100);
        }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, after.Status);
        Assert.False(after.Checks["poison"]);
        Assert.True(after.Checks["database"]);
        // Liveness stays green: the process is alive, only not fit for traffic.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }
}

public sealed class ZaloReadinessTests
{
    [Fact]
    public async Task Ready_turns_503_when_the_Zalo_access_token_has_expired()
    {
        await using var factory = new MessagingServerFactory(new Dictionary<string, string?>
        {
            ["Zalo:AppId"] = "app-1", ["Zalo:OaId"] = "oa-1", ["Zalo:AccessToken"] = "configured-token",
            // Nothing listens there: no refresh can mend the token behind the test's back.
            ["Zalo:OAuthUrl"] = "http://127.0.0.1:9", ["Zalo:OpenApiUrl"] = "http://127.0.0.1:9",
        });
        var client = factory.CreateClient();
        var (_, checks, detail) = await ReadyAsync(client);
        Assert.True(checks["zalo-token"], detail);
        Assert.Contains("not used yet", detail);

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Messaging.Core.Persistence.MessagingDbContext>();
            // A worker may have stored the configured token meanwhile: then it is that row that has aged.
            var row = await db.ZaloTokens.FirstOrDefaultAsync(t => t.OaId == "oa-1");
            if (row is null) db.ZaloTokens.Add(row = new Messaging.Core.Notifications.ZaloToken { OaId = "oa-1", Version = 1 });
            (row.AccessToken, row.RefreshToken) = ("old", "spent");
            (row.ExpiresAt, row.UpdatedAt) = (DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(-25));
            await db.SaveChangesAsync();
        }
        var (status, after, why) = await ReadyAsync(client);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.False(after["zalo-token"]);
        Assert.Contains("expired", why);
        Assert.True(after["database"] && after["queue"]);
    }

    private static async Task<(HttpStatusCode Status, Dictionary<string, bool> Checks, string ZaloDetail)> ReadyAsync(HttpClient client)
    {
        var r = await client.GetAsync("/healthz/ready");
        var checks = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("checks").EnumerateArray().ToList();
        return (r.StatusCode, checks.ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("ok").GetBoolean()),
            checks.Single(c => c.GetProperty("name").GetString() == "zalo-token").GetProperty("detail").GetString()!);
    }
}

public sealed class MetricsAccessTests
{
    [Fact]
    public async Task Metrics_are_refused_to_a_caller_outside_loopback_and_the_configured_networks()
    {
        // The in-process test host has no client address: neither loopback nor a listed network.
        await using var factory = new MessagingServerFactory();
        var r = await factory.CreateClient().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
    }
}
