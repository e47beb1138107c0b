using Messaging.Core.Persistence;
using Messaging.Notifier.Queues;
using Messaging.Notifier.Worker;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Messaging.Server.Api;

/// <summary>Thresholds of readiness (section <c>Health</c>).</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";
    /// <summary>The oldest outbox event not yet turned into notifications may wait this long.</summary>
    public TimeSpan MaxOutboxLag { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>More poison messages than this and someone must look.</summary>
    public int MaxPoison { get; set; } = 100;
}

public sealed record HealthCheck(string Name, bool Ok, string Detail);

public sealed record Readiness(string Status, IReadOnlyList<HealthCheck> Checks);

public static class Health
{
    /// <summary>Liveness: the process answers and reaches its database.</summary>
    public static async Task<IResult> CheckAsync(MessagingDbContext db, CancellationToken ct) =>
        await db.Database.CanConnectAsync(ct)
            ? Results.Ok(new StatusView("ok"))
            : Results.Json(new StatusView("database unreachable"), statusCode: StatusCodes.Status503ServiceUnavailable);

    /// <summary>
    /// Readiness: the database and the queue answer, the outbox is not falling behind, poison is under its threshold,
    /// every background loop of this process went round recently, and where Zalo is configured its access token is valid. 503 with each check named when one fails.
    /// </summary>
    public static async Task<IResult> ReadyAsync(MessagingDbContext db, INotificationQueue queue, Heartbeats beats, TimeProvider time,
        IOptions<HealthOptions> options, IServiceProvider services, CancellationToken ct)
    {
        var o = options.Value;
        // Registered only where Zalo sending is configured.
        var zalo = services.GetService<Messaging.Notifier.Channels.Zalo.ZaloTokenProvider>();
        var checks = new List<HealthCheck>();
        var database = await Try(() => db.Database.CanConnectAsync(ct));
        checks.Add(new HealthCheck("database", database, database ? "reachable" : "unreachable"));
        if (database)
        {
            var lag = await BacklogGauges.OutboxLagAsync(db, time.GetUtcNow(), ct);
            checks.Add(new HealthCheck("outbox", lag <= o.MaxOutboxLag, $"oldest pending event {lag.TotalSeconds:F0} s old (at most {o.MaxOutboxLag.TotalSeconds:F0} s)"));
        }
        QueueBacklog? backlog = null;
        var queueOk = await Try(async () => { backlog = await queue.MeasureAsync(ct); return true; });
        checks.Add(new HealthCheck("queue", queueOk, backlog is { } b
            ? $"reachable, {b.Depth} messages, the oldest due one {b.OldestDueAge(time.GetUtcNow()).TotalSeconds:F0} s old" : "unreachable"));
        if (backlog is { Poison: var p })
            checks.Add(new HealthCheck("poison", p <= o.MaxPoison, $"{p} poison messages (at most {o.MaxPoison})"));
        if (zalo is not null)
        {
            var token = await zalo.CheckAsync(ct);
            checks.Add(new HealthCheck("zalo-token", token.Valid, token.Detail));
        }
        foreach (var (loop, at, stale) in beats.Read())
            checks.Add(new HealthCheck("loop:" + loop, !stale, $"last round {(time.GetUtcNow() - at).TotalSeconds:F0} s ago"));
        var ready = checks.All(c => c.Ok);
        return Results.Json(new Readiness(ready ? "ready" : "not ready", checks), statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<bool> Try(Func<Task<bool>> check)
    {
        try
        {
            return await check();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return false;
        }
    }
}
