using System.Text.Json;
using Azure;
using Azure.Storage.Queues;

namespace Messaging.Notifier.Queues;

/// <summary>
/// Azure Storage Queues (Azurite in tests). The poison queue is a second queue, `{name}-poison`, whose messages carry
/// the original body and the reason as JSON.
/// </summary>
public sealed class AzureQueue : INotificationQueue
{
    private readonly QueueClient _queue;
    private readonly QueueClient _poison;
    private readonly PayloadStore _payloads;
    private readonly int _maxInline;
    private readonly TimeProvider _time;
    private volatile bool _created;

    public bool InDatabase => false;

    public Task SendInTransactionAsync(Messaging.Core.Persistence.MessagingDbContext db, IReadOnlyList<string> bodies, CancellationToken ct) =>
        throw new NotSupportedException("Azure Storage Queues cannot join a database transaction; send, then mark.");

    public Task<bool> SettleInTransactionAsync(Messaging.Core.Persistence.MessagingDbContext db, QueueMessage message, string? poisonReason, CancellationToken ct) =>
        throw new NotSupportedException("Azure Storage Queues cannot join a database transaction; record, then delete.");

    public AzureQueue(string connectionString, string name, PayloadStore payloads, TimeProvider time, int maxInline)
    {
        // Pinned to a service version Azurite knows, so the emulator needs no version-check override.
        var options = new QueueClientOptions(QueueClientOptions.ServiceVersion.V2026_06_06);
        // A queue call answers in milliseconds; the SDK's default 100 s per try held a whole batch behind one lost
        // request. A retried delete whose first try did succeed surfaces as a lost receipt, which the worker expects.
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        _queue = new QueueClient(connectionString, name, options);
        _poison = new QueueClient(connectionString, name + "-poison", options);
        _payloads = payloads;
        _time = time;
        _maxInline = maxInline;
        Name = name;
    }

    public string Name { get; }

    private sealed record PoisonBody(string Body, string Reason, long DequeueCount, DateTimeOffset At);

    private async Task EnsureAsync(CancellationToken ct)
    {
        if (_created) return;
        await _queue.CreateIfNotExistsAsync(cancellationToken: ct);
        await _poison.CreateIfNotExistsAsync(cancellationToken: ct);
        _created = true;
    }

    public async Task SendAsync(string body, TimeSpan? delay, CancellationToken ct)
    {
        await EnsureAsync(ct);
        var stored = await _payloads.WrapAsync(body, _maxInline, ct);
        await _queue.SendMessageAsync(stored, visibilityTimeout: delay, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken: ct);
    }

    public async Task SendBatchAsync(IReadOnlyList<string> bodies, CancellationToken ct)
    {
        await EnsureAsync(ct);
        await Parallel.ForEachAsync(bodies, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
            async (body, token) => await SendAsync(body, null, token));
    }

    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, TimeSpan visibility, CancellationToken ct)
    {
        await EnsureAsync(ct);
        var received = await _queue.ReceiveMessagesAsync(Math.Clamp(maxMessages, 1, 32), visibility, ct);
        var result = new List<QueueMessage>(received.Value.Length);
        foreach (var m in received.Value)
        {
            result.Add(new QueueMessage(m.MessageId, m.PopReceipt, await _payloads.UnwrapAsync(m.Body.ToString(), ct),
                m.DequeueCount, m.InsertedOn ?? _time.GetUtcNow()));
        }
        return result;
    }

    public async Task<QueueMessage> RenewAsync(QueueMessage message, TimeSpan visibility, CancellationToken ct)
    {
        try
        {
            var updated = await _queue.UpdateMessageAsync(message.Id, message.PopReceipt, visibilityTimeout: visibility, cancellationToken: ct);
            return message with { PopReceipt = updated.Value.PopReceipt };
        }
        catch (RequestFailedException e) when (e.Status is 404 or 400)
        {
            throw new QueueReceiptException(message.Id);
        }
    }

    public async Task DeleteAsync(QueueMessage message, CancellationToken ct)
    {
        try
        {
            await _queue.DeleteMessageAsync(message.Id, message.PopReceipt, ct);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 400)
        {
            throw new QueueReceiptException(message.Id);
        }
    }

    public async Task PoisonAsync(QueueMessage message, string reason, CancellationToken ct)
    {
        await EnsureAsync(ct);
        var body = JsonSerializer.Serialize(new PoisonBody(message.Body, reason, message.DequeueCount, _time.GetUtcNow()));
        await _poison.SendMessageAsync(await _payloads.WrapAsync(body, _maxInline, ct), timeToLive: TimeSpan.FromSeconds(-1), cancellationToken: ct);
        await DeleteAsync(message, ct);
    }

    public async Task<IReadOnlyList<PoisonMessage>> PeekPoisonAsync(int maxMessages, CancellationToken ct)
    {
        await EnsureAsync(ct);
        var peeked = await _poison.PeekMessagesAsync(Math.Clamp(maxMessages, 1, 32), ct);
        var result = new List<PoisonMessage>();
        foreach (var m in peeked.Value)
        {
            var p = JsonSerializer.Deserialize<PoisonBody>(await _payloads.UnwrapAsync(m.Body.ToString(), ct))!;
            result.Add(new PoisonMessage(m.MessageId, p.Body, p.Reason, p.DequeueCount, p.At));
        }
        return result;
    }

    public async Task<bool> ReplayPoisonAsync(string poisonId, CancellationToken ct)
    {
        await EnsureAsync(ct);
        // Azure cannot delete a peeked message, so receive poison messages until the one asked for is found.
        for (var round = 0; round < 10; round++)
        {
            var batch = await _poison.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30), ct);
            if (batch.Value.Length == 0) return false;
            foreach (var m in batch.Value)
            {
                if (m.MessageId != poisonId)
                {
                    await _poison.UpdateMessageAsync(m.MessageId, m.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: ct);
                    continue;
                }
                var p = JsonSerializer.Deserialize<PoisonBody>(await _payloads.UnwrapAsync(m.Body.ToString(), ct))!;
                await SendAsync(p.Body, null, ct);
                await _poison.DeleteMessageAsync(m.MessageId, m.PopReceipt, ct);
                return true;
            }
        }
        return false;
    }

    public async Task<QueueBacklog> MeasureAsync(CancellationToken ct)
    {
        await EnsureAsync(ct);
        var depth = (await _queue.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount;
        // Peek shows only visible messages, oldest first: the head of what is due.
        var head = (await _queue.PeekMessagesAsync(1, ct)).Value.FirstOrDefault();
        var poison = (await _poison.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount;
        return new QueueBacklog(depth, head?.InsertedOn, poison);
    }
}
