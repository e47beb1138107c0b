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
    /// Readiness: the database and the queue answer, the outbox is not falling behind, poison is under its threshold, and
    /// every background loop of this process went round recently. 503 with each check named when one fails.
    /// </summary>
    public static async Task<IResult> ReadyAsync(MessagingDbContext db, INotificationQueue queue, Heartbeats beats, TimeProvider time,
        IOptions<HealthOptions> options, CancellationToken ct)
    {
        var o = options.Value;
        var checks = new List<HealthCheck>();
        var database = await Try(() => db.Database.CanConnectAsync(ct));
        checks.Add(new HealthCheck("database", database, database ? "reachable" : "unreachable"));
        if (database)
        {
            var lag = await BacklogGauges.OutboxLagAsync(db, time.GetUtcNow(), ct);
            checks.Add(new HealthCheck("outbox", lag <= o.MaxOutboxLag, $"oldest pending event {lag.TotalSeconds:F0} s old (at most {o.MaxOutboxLag.TotalSeconds:F0} s)"));
        }
        int? poison = null;
        var queueOk = await Try(async () => { poison = (await queue.PeekPoisonAsync(o.MaxPoison + 1, ct)).Count; return true; });
        checks.Add(new HealthCheck("queue", queueOk, queueOk ? "reachable" : "unreachable"));
        if (poison is { } p) checks.Add(new HealthCheck("poison", p <= o.MaxPoison, p > o.MaxPoison ? $"more than {o.MaxPoison} poison messages" : $"{p} poison messages"));
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
