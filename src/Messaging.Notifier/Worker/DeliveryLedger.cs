using System.Data.Common;
using System.Text.Json;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Messaging.Core.Persistence.DirectDatabase;

namespace Messaging.Notifier.Worker;

/// <summary>Who this worker process is, as the owner of the deliveries it claims.</summary>
public sealed class WorkerIdentity
{
    public string Id { get; } = Fit($"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}"[..^24]);

    /// <summary>
    /// One claim's owner: this worker and a fresh token, so two copies of one message inside the same worker are two
    /// claimants as well, and only the first gets the delivery.
    /// </summary>
    public string NewClaim() => $"{Id}/{Guid.NewGuid():N}";

    private static string Fit(string id) => id.Length <= 40 ? id : id[^40..];
}

/// <summary>A delivery to claim: its row as it would be inserted, the claimant and the lease.</summary>
public sealed record ClaimRequest(Delivery Delivery, string Owner, DateTimeOffset Now, DateTimeOffset LeaseUntil);

/// <summary>
/// The claim's outcome: <see cref="Acquired"/> with the delivery id (and whether the row is new, so nothing was tried
/// before), or the state that stopped it: a final status, or another owner's lease until a time.
/// </summary>
public sealed record DeliveryClaim(bool Acquired, Guid Id, bool IsNew, DeliveryStatus Status, DateTimeOffset? HeldUntil);

/// <summary>A notification that went out: its delivery, the successful attempt, the owner, and the embedded queue row to delete with it.</summary>
public sealed record SentRecord(Delivery Delivery, DeliveryAttempt Attempt, string Owner, long? QueueMessageId, string? PopReceipt);

/// <summary>A provider about to be called for a delivery: which, and by which claim.</summary>
public sealed record SendStart(Guid DeliveryId, string Owner, string Channel, DateTimeOffset At);

/// <summary>What the record of a send found: whether the claim still held, and whether the queue row went with it.</summary>
public sealed record SentOutcome(bool ClaimHeld, bool QueueRowDeleted);

/// <summary>
/// The delivery table on the notifier's hot path, outside EF. Exactly-once effect rests on the claim: before any provider
/// is called, the delivery's row (unique by key) is inserted or taken over with this worker as owner and a lease, and
/// that is committed; a second holder of the key (a redelivered message, another worker, a second dispatch) finds the
/// claim and backs off. Just before a provider is called, the channel is committed on the row (by the claim's owner
/// only, so a worker whose lease was taken over never calls it): a worker that dies mid-send leaves the lease to run
/// out, and whoever claims next finds the channel and sends again with the same key, which the providers take as their
/// idempotency key, whatever changed meanwhile. Without it, nothing reached a provider and the facts are read again.
/// The record of a send (status, attempt and, on the embedded queue, the delete of the message) is one transaction.
/// Claims, send starts and records are group-committed: concurrent notifications share commits.
/// </summary>
public sealed class DeliveryLedger : IAsyncDisposable, IDisposable
{
    private readonly DirectAccess<ClaimRequest, DeliveryClaim> _claims;
    private readonly GroupCommitter<SendStart, bool> _starts;
    private readonly DirectAccess<SentRecord, SentOutcome> _sent;

    public DeliveryLedger(IServiceScopeFactory scopes, ILogger<DeliveryLedger> log)
    {
        _claims = new(scopes, log, (db, c) => new ClaimWriter(db, c), "SELECT id, status, lease_until FROM deliveries WHERE key = @key", "@key");
        _starts = new(() => _claims.Database, (db, c) => new StartWriter(db, c), log);
        _sent = new(scopes, log, (db, c) => new SentWriter(db, c), "SELECT 1 FROM deliveries WHERE key = @key", "@key");
    }

    public async Task<DeliveryClaim> ClaimAsync(ClaimRequest request, CancellationToken ct)
    {
        var claim = await _claims.WriteAsync(request, ct);
        if (claim.Acquired) return claim;
        // Not ours: finished already, or another worker's lease runs.
        var db = _claims.Database;
        return await _claims.QueryAsync(cmd => Set(cmd, "@key", request.Delivery.Key), async (r, token) =>
            await r.ReadAsync(token)
                ? new DeliveryClaim(false, ReadId(db, r, 0), false, Enum.Parse<DeliveryStatus>(r.GetString(1)), r.IsDBNull(2) ? null : db.ReadInstant(r, 2))
                : new DeliveryClaim(false, Guid.Empty, false, DeliveryStatus.Pending, null), ct);
    }

    /// <summary>
    /// Commits that this claim is calling a channel's provider now; false when the claim is no longer this owner's (its
    /// lease lapsed and another worker took the delivery over), and then the provider must not be called.
    /// </summary>
    public Task<bool> StartSendAsync(SendStart start, CancellationToken ct) => _starts.WriteAsync(start, ct);

    public Task<SentOutcome> RecordSentAsync(SentRecord record, CancellationToken ct) => _sent.WriteAsync(record, ct);

    private static Guid ReadId(DirectDatabase db, DbDataReader r, int i) => db.Sqlite ? Guid.Parse(r.GetString(i)) : r.GetGuid(i);

    public void Dispose()
    {
        _claims.Dispose();
        _starts.Dispose();
        _sent.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _claims.DisposeAsync();
        await _starts.DisposeAsync();
        await _sent.DisposeAsync();
    }

    private sealed class ClaimWriter(DirectDatabase db, DbConnection connection) : IBatchWriter<ClaimRequest, DeliveryClaim>
    {
        // A new key inserts the row as Pending and ours. A known key is taken over only while it is still Pending and its
        // lease has run out (or is already ours): never from a live owner, never after a final outcome.
        private readonly DbCommand _claim = db.Command(connection,
            "INSERT INTO deliveries (id, key, template_key, status, failed_channels, recipient_summary, broadcast_id, request_json, " +
            "created_at, updated_at, owner, lease_until) VALUES (@id, @key, @template, 'Pending', @failed, @summary, @broadcast, @request, " +
            "@now, @now, @owner, @lease) ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until, " +
            "updated_at = excluded.updated_at WHERE deliveries.status = 'Pending' AND (deliveries.lease_until IS NULL " +
            "OR deliveries.lease_until < excluded.updated_at OR deliveries.owner = excluded.owner) RETURNING id, created_at",
            "@id", "@key", "@template", "@failed", "@summary", "@broadcast", "@request", "@now", "@owner", "@lease");

        public async Task<DeliveryClaim[]> CommitAsync(IReadOnlyList<ClaimRequest> writes, CancellationToken ct)
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            _claim.Transaction = tx;
            var results = new DeliveryClaim[writes.Count];
            for (var i = 0; i < writes.Count; i++)
            {
                var (d, owner, now, lease) = writes[i];
                Set(_claim, "@id", db.Id(d.Id));
                Set(_claim, "@key", d.Key);
                Set(_claim, "@template", d.TemplateKey);
                Set(_claim, "@failed", db.Sqlite ? "[]" : Array.Empty<string>());
                Set(_claim, "@summary", d.RecipientSummary);
                Set(_claim, "@broadcast", d.BroadcastId is { } b ? db.Id(b) : null);
                Set(_claim, "@request", d.RequestJson);
                Set(_claim, "@now", db.Instant(now));
                Set(_claim, "@owner", owner);
                Set(_claim, "@lease", db.Instant(lease));
                await using var reader = await _claim.ExecuteReaderAsync(ct);
                results[i] = await reader.ReadAsync(ct)
                    // The row is new when its creation time is the one just written (PostgreSQL keeps microseconds).
                    ? new DeliveryClaim(true, ReadId(db, reader, 0), Math.Abs((db.ReadInstant(reader, 1) - now).Ticks) < 10, DeliveryStatus.Pending, lease)
                    : new DeliveryClaim(false, Guid.Empty, false, DeliveryStatus.Pending, null);
            }
            await tx.CommitAsync(ct);
            return results;
        }

        public async ValueTask DisposeAsync()
        {
            await _claim.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    private sealed class StartWriter(DirectDatabase db, DbConnection connection) : IBatchWriter<SendStart, bool>
    {
        private readonly DbCommand _start = db.Command(connection,
            "UPDATE deliveries SET sending_channel = @channel, updated_at = @at WHERE id = @id AND owner = @owner AND status = 'Pending'",
            "@channel", "@at", "@id", "@owner");

        public async Task<bool[]> CommitAsync(IReadOnlyList<SendStart> writes, CancellationToken ct)
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            _start.Transaction = tx;
            var results = new bool[writes.Count];
            for (var i = 0; i < writes.Count; i++)
            {
                var (id, owner, channel, at) = writes[i];
                Set(_start, "@channel", channel);
                Set(_start, "@at", db.Instant(at));
                Set(_start, "@id", db.Id(id));
                Set(_start, "@owner", owner);
                results[i] = await _start.ExecuteNonQueryAsync(ct) == 1;
            }
            await tx.CommitAsync(ct);
            return results;
        }

        public async ValueTask DisposeAsync()
        {
            await _start.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    private sealed class SentWriter(DirectDatabase db, DbConnection connection) : IBatchWriter<SentRecord, SentOutcome>
    {
        private readonly DbCommand _delivery = db.Command(connection,
            "UPDATE deliveries SET status = 'Sent', channel = @channel, provider_message_id = @provider, error = NULL, updated_at = @at, " +
            "sent_at = @at, owner = NULL, lease_until = NULL, sending_channel = NULL WHERE id = @id AND owner = @owner",
            "@channel", "@provider", "@at", "@id", "@owner");
        private readonly DbCommand _attempt = db.Command(connection,
            "INSERT INTO delivery_attempts (delivery_id, number, channel, succeeded, permanent, provider_message_id, segments, started_at, duration_ms) " +
            "VALUES (@delivery, (SELECT COUNT(*) + 1 FROM delivery_attempts WHERE delivery_id = @delivery), @channel, @succeeded, @permanent, " +
            "@provider, @segments, @started, @duration)",
            "@delivery", "@channel", "@succeeded", "@permanent", "@provider", "@segments", "@started", "@duration");
        private readonly DbCommand _delete = db.Command(connection,
            "DELETE FROM queue_messages WHERE id = @id AND pop_receipt = @receipt", "@id", "@receipt");

        public async Task<SentOutcome[]> CommitAsync(IReadOnlyList<SentRecord> writes, CancellationToken ct)
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            _delivery.Transaction = _attempt.Transaction = _delete.Transaction = tx;
            var results = new SentOutcome[writes.Count];
            for (var i = 0; i < writes.Count; i++)
            {
                var (d, a, owner, messageId, receipt) = writes[i];
                Set(_delivery, "@channel", d.Channel);
                Set(_delivery, "@provider", d.ProviderMessageId);
                Set(_delivery, "@at", db.Instant(d.SentAt ?? d.UpdatedAt));
                Set(_delivery, "@id", db.Id(d.Id));
                Set(_delivery, "@owner", owner);
                var held = await _delivery.ExecuteNonQueryAsync(ct) == 1;
                // The attempt is recorded either way: the provider did take the message.
                Set(_attempt, "@delivery", db.Id(d.Id));
                Set(_attempt, "@channel", a.Channel);
                Set(_attempt, "@succeeded", a.Succeeded);
                Set(_attempt, "@permanent", a.Permanent);
                Set(_attempt, "@provider", a.ProviderMessageId);
                Set(_attempt, "@segments", a.Segments);
                Set(_attempt, "@started", db.Instant(a.StartedAt));
                Set(_attempt, "@duration", a.DurationMs);
                await _attempt.ExecuteNonQueryAsync(ct);
                var deleted = true;
                if (messageId is { } queueId)
                {
                    Set(_delete, "@id", queueId);
                    Set(_delete, "@receipt", receipt);
                    // Zero rows: the visibility lapsed and another worker holds the message; it will find the key Sent.
                    deleted = await _delete.ExecuteNonQueryAsync(ct) == 1;
                }
                results[i] = new SentOutcome(held, deleted);
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
