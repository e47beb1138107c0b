using System.Data.Common;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Notifier.Queues;

/// <summary>
/// The queue in the application's own database: one row per message, claimed by a single UPDATE … RETURNING so two
/// receivers never get the same message (on PostgreSQL the claim skips rows another receiver has locked).
/// </summary>
public sealed class EmbeddedQueue(string name, IServiceScopeFactory scopes, PayloadStore payloads, TimeProvider time,
    int maxInline) : INotificationQueue
{
    public string Name => name;
    private string PoisonName => name + "-poison";

    public bool InDatabase => true;

    public async Task SendInTransactionAsync(MessagingDbContext db, IReadOnlyList<string> bodies, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcTicks;
        // Inline whatever the size: the row is in the database already, and a payload written from another connection
        // could not join this transaction.
        foreach (var b in bodies)
            db.QueueMessages.Add(new QueueMessageRow { Queue = name, Body = b, VisibleAt = now, InsertedAt = now });
        await db.SaveChangesAsync(ct);
    }

    public async Task<bool> SettleInTransactionAsync(MessagingDbContext db, QueueMessage message, string? poisonReason, CancellationToken ct) =>
        poisonReason is null
            ? await db.ExecuteAsync("DELETE FROM queue_messages WHERE id = @id AND pop_receipt = @receipt", ct,
                ("@id", long.Parse(message.Id)), ("@receipt", message.PopReceipt)) == 1
            : await db.ExecuteAsync(PoisonSql, ct, ("@poison", PoisonName), ("@reason", Reason(poisonReason)),
                ("@id", long.Parse(message.Id)), ("@receipt", message.PopReceipt)) == 1;

    private const string PoisonSql = "UPDATE queue_messages SET queue = @poison, reason = @reason, pop_receipt = NULL, visible_at = 0 " +
        "WHERE id = @id AND pop_receipt = @receipt";

    private static string Reason(string reason) => reason.Length > 1000 ? reason[..1000] : reason;

    public async Task SendAsync(string body, TimeSpan? delay, CancellationToken ct)
    {
        var stored = await payloads.WrapAsync(body, maxInline, ct);
        await InsertAsync(name, stored, delay ?? TimeSpan.Zero, 0, null, ct);
    }

    public async Task SendBatchAsync(IReadOnlyList<string> bodies, CancellationToken ct)
    {
        var stored = new List<string>(bodies.Count);
        foreach (var b in bodies) stored.Add(await payloads.WrapAsync(b, maxInline, ct));
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        var now = time.GetUtcNow().UtcTicks;
        db.QueueMessages.AddRange(stored.Select(b => new QueueMessageRow { Queue = name, Body = b, VisibleAt = now, InsertedAt = now }));
        await using var tx = await db.BeginWriteAsync(ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, TimeSpan visibility, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        var now = time.GetUtcNow();
        var receipt = Guid.NewGuid().ToString("N");
        var sql = "UPDATE queue_messages SET visible_at = @until, dequeue_count = dequeue_count + 1, pop_receipt = @receipt " +
                  "WHERE id IN (SELECT id FROM queue_messages WHERE queue = @queue AND visible_at <= @now ORDER BY id LIMIT @max" +
                  (db.IsSqlite ? "" : " FOR UPDATE SKIP LOCKED") + ") RETURNING id, body, dequeue_count, inserted_at";
        var rows = new List<(long Id, string Body, int Count, long Inserted)>();
        await using (var tx = await db.BeginWriteAsync(ct))
        {
            await using var cmd = Command(db, sql, ("@until", (now + visibility).UtcTicks), ("@receipt", receipt),
                ("@queue", name), ("@now", now.UtcTicks), ("@max", Math.Clamp(maxMessages, 1, 32)));
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct)) rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3)));
            }
            await tx.CommitAsync(ct);
        }
        var result = new List<QueueMessage>(rows.Count);
        foreach (var r in rows.OrderBy(r => r.Id))
        {
            result.Add(new QueueMessage(r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), receipt,
                await payloads.UnwrapAsync(r.Body, ct), r.Count, new DateTimeOffset(r.Inserted, TimeSpan.Zero)));
        }
        return result;
    }

    public async Task<QueueMessage> RenewAsync(QueueMessage message, TimeSpan visibility, CancellationToken ct)
    {
        var receipt = Guid.NewGuid().ToString("N");
        var changed = await ExecuteAsync("UPDATE queue_messages SET visible_at = @until, pop_receipt = @new WHERE id = @id AND pop_receipt = @old", ct,
            ("@until", (time.GetUtcNow() + visibility).UtcTicks), ("@new", receipt), ("@id", long.Parse(message.Id)), ("@old", message.PopReceipt));
        if (changed == 0) throw new QueueReceiptException(message.Id);
        return message with { PopReceipt = receipt };
    }

    public async Task DeleteAsync(QueueMessage message, CancellationToken ct)
    {
        var deleted = await ExecuteAsync("DELETE FROM queue_messages WHERE id = @id AND pop_receipt = @receipt", ct,
            ("@id", long.Parse(message.Id)), ("@receipt", message.PopReceipt));
        if (deleted == 0) throw new QueueReceiptException(message.Id);
    }

    /// <summary>One statement moves the row to the poison queue with its reason: never in both queues, never in neither.</summary>
    public async Task PoisonAsync(QueueMessage message, string reason, CancellationToken ct)
    {
        var moved = await ExecuteAsync(PoisonSql, ct,
            ("@poison", PoisonName), ("@reason", Reason(reason)), ("@id", long.Parse(message.Id)), ("@receipt", message.PopReceipt));
        if (moved == 0) throw new QueueReceiptException(message.Id);
    }

    public async Task<IReadOnlyList<PoisonMessage>> PeekPoisonAsync(int maxMessages, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var rows = await scope.ServiceProvider.GetRequiredService<MessagingDbContext>().QueueMessages.AsNoTracking()
            .Where(m => m.Queue == PoisonName).OrderBy(m => m.Id).Take(maxMessages).ToListAsync(ct);
        return rows.Select(r => new PoisonMessage(r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Body,
            r.Reason ?? "", r.DequeueCount, new DateTimeOffset(r.InsertedAt, TimeSpan.Zero))).ToList();
    }

    public async Task<bool> ReplayPoisonAsync(string poisonId, CancellationToken ct)
    {
        // Moving the row back is one statement: the message is never in both queues or in neither.
        var moved = await ExecuteAsync("UPDATE queue_messages SET queue = @queue, visible_at = 0, dequeue_count = 0, reason = NULL, pop_receipt = NULL WHERE id = @id AND queue = @poison", ct,
            ("@queue", name), ("@id", long.Parse(poisonId)), ("@poison", PoisonName));
        return moved == 1;
    }

    public async Task<QueueBacklog> MeasureAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        await db.Database.OpenConnectionAsync(ct);
        // One statement: both counts and the oldest due message come from the same snapshot.
        await using var cmd = Command(db, "SELECT " +
            "(SELECT COUNT(*) FROM queue_messages WHERE queue = @queue), " +
            "(SELECT MIN(inserted_at) FROM queue_messages WHERE queue = @queue AND visible_at <= @now), " +
            "(SELECT COUNT(*) FROM queue_messages WHERE queue = @poison)",
            ("@queue", name), ("@now", time.GetUtcNow().UtcTicks), ("@poison", PoisonName));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new QueueBacklog(reader.GetInt64(0),
            reader.IsDBNull(1) ? null : new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero), reader.GetInt64(2));
    }

    private async Task InsertAsync(string queue, string body, TimeSpan delay, int dequeueCount, string? reason, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        var now = time.GetUtcNow();
        db.QueueMessages.Add(new QueueMessageRow
        {
            Queue = queue, Body = body, VisibleAt = (now + delay).UtcTicks, DequeueCount = dequeueCount, InsertedAt = now.UtcTicks, Reason = reason,
        });
        await db.SaveChangesAsync(ct);
    }

    private async Task<int> ExecuteAsync(string sql, CancellationToken ct, params (string, object)[] parameters)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MessagingDbContext>().ExecuteAsync(sql, ct, parameters);
    }

    private static DbCommand Command(MessagingDbContext db, string sql, params (string Name, object Value)[] parameters)
    {
        var cmd = db.Database.GetDbConnection().CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        foreach (var (n, v) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = n;
            p.Value = v;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }
}

/// <summary>The message was received again by someone else (its visibility lapsed): this receiver no longer owns it.</summary>
public sealed class QueueReceiptException(string id) : Exception($"Queue message {id} is no longer held by this receiver.");
