using System.Data.Common;
using System.Text.Json;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Messaging.Core.Persistence.DirectDatabase;

namespace Messaging.Notifier.Worker;

/// <summary>A notification that went out: its delivery row, the successful attempt, and the embedded queue row to delete with it.</summary>
public sealed record SentRecord(Delivery Delivery, DeliveryAttempt Attempt, long? QueueMessageId, string? PopReceipt);

/// <summary>
/// The delivery table on the notifier's hot path, outside EF. The common case — a notification seen for the first time
/// and sent at the first try — costs one indexed read before sending and, after it, one share of a group commit that
/// upserts the delivery by its unique key, adds the attempt and, on the embedded queue, deletes the queue message in
/// the same transaction: the record and the delete are never apart, and concurrent notifications share one commit.
/// Everything else (a key seen before, a failure, a retry) goes through EF as before.
/// </summary>
public sealed class DeliveryLedger(IServiceScopeFactory scopes, ILogger<DeliveryLedger> log) : IAsyncDisposable, IDisposable
{
    private readonly DirectAccess<SentRecord, bool> _table = new(scopes, log, (db, c) => new Writer(db, c),
        "SELECT 1 FROM deliveries WHERE key = @key", "@key");

    public Task<bool> ExistsAsync(string key, CancellationToken ct) =>
        _table.QueryAsync(cmd => Set(cmd, "@key", key), (r, token) => r.ReadAsync(token), ct);

    /// <summary>True when the queue message was deleted with the record (or there was none to delete).</summary>
    public Task<bool> RecordSentAsync(SentRecord record, CancellationToken ct) => _table.WriteAsync(record, ct);

    public void Dispose() => _table.Dispose();

    public ValueTask DisposeAsync() => _table.DisposeAsync();

    private sealed class Writer(DirectDatabase db, DbConnection connection) : IBatchWriter<SentRecord, bool>
    {
        // A redelivery that raced another worker finds the key taken: the row becomes Sent either way, and the attempt
        // is numbered after those already recorded.
        private readonly DbCommand _delivery = db.Command(connection,
            "INSERT INTO deliveries (id, key, template_key, status, channel, provider_message_id, failed_channels, recipient_summary, " +
            "broadcast_id, request_json, created_at, updated_at, sent_at) VALUES (@id, @key, @template, @status, @channel, @provider, " +
            "@failed, @summary, @broadcast, @request, @created, @at, @at) ON CONFLICT (key) DO UPDATE SET status = excluded.status, " +
            "channel = excluded.channel, provider_message_id = excluded.provider_message_id, error = NULL, updated_at = excluded.updated_at, " +
            "sent_at = excluded.sent_at RETURNING id",
            "@id", "@key", "@template", "@status", "@channel", "@provider", "@failed", "@summary", "@broadcast", "@request", "@created", "@at");
        private readonly DbCommand _attempt = db.Command(connection,
            "INSERT INTO delivery_attempts (delivery_id, number, channel, succeeded, permanent, provider_message_id, segments, started_at, duration_ms) " +
            "VALUES (@delivery, (SELECT COUNT(*) + 1 FROM delivery_attempts WHERE delivery_id = @delivery), @channel, @succeeded, @permanent, " +
            "@provider, @segments, @started, @duration)",
            "@delivery", "@channel", "@succeeded", "@permanent", "@provider", "@segments", "@started", "@duration");
        private readonly DbCommand _delete = db.Command(connection,
            "DELETE FROM queue_messages WHERE id = @id AND pop_receipt = @receipt", "@id", "@receipt");

        public async Task<bool[]> CommitAsync(IReadOnlyList<SentRecord> writes, CancellationToken ct)
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            _delivery.Transaction = _attempt.Transaction = _delete.Transaction = tx;
            var results = new bool[writes.Count];
            for (var i = 0; i < writes.Count; i++)
            {
                var (d, a, messageId, receipt) = writes[i];
                Set(_delivery, "@id", db.Id(d.Id));
                Set(_delivery, "@key", d.Key);
                Set(_delivery, "@template", d.TemplateKey);
                Set(_delivery, "@status", d.Status.ToString());
                Set(_delivery, "@channel", d.Channel);
                Set(_delivery, "@provider", d.ProviderMessageId);
                Set(_delivery, "@failed", db.Sqlite ? JsonSerializer.Serialize(d.FailedChannels) : d.FailedChannels.ToArray());
                Set(_delivery, "@summary", d.RecipientSummary);
                Set(_delivery, "@broadcast", d.BroadcastId is { } b ? db.Id(b) : null);
                Set(_delivery, "@request", d.RequestJson);
                Set(_delivery, "@created", db.Instant(d.CreatedAt));
                Set(_delivery, "@at", db.Instant(d.SentAt ?? d.UpdatedAt));
                var id = await _delivery.ExecuteScalarAsync(ct);
                Set(_attempt, "@delivery", id);
                Set(_attempt, "@channel", a.Channel);
                Set(_attempt, "@succeeded", a.Succeeded);
                Set(_attempt, "@permanent", a.Permanent);
                Set(_attempt, "@provider", a.ProviderMessageId);
                Set(_attempt, "@segments", a.Segments);
                Set(_attempt, "@started", db.Instant(a.StartedAt));
                Set(_attempt, "@duration", a.DurationMs);
                await _attempt.ExecuteNonQueryAsync(ct);
                results[i] = true;
                if (messageId is not { } queueId) continue;
                Set(_delete, "@id", queueId);
                Set(_delete, "@receipt", receipt);
                // Zero rows: the visibility lapsed and another worker holds the message; it will find the key Sent.
                results[i] = await _delete.ExecuteNonQueryAsync(ct) == 1;
            }
            await tx.CommitAsync(ct);
            return results;
        }

        public async ValueTask DisposeAsync()
        {
            await _delivery.DisposeAsync();
            await _attempt.DisposeAsync();
            await _delete.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
