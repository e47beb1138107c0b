using Messaging.Core.Notifications;

namespace Messaging.Notifier.Queues;

/// <summary>A received message: hidden from other receivers until its visibility lapses, unless deleted or renewed.</summary>
public sealed record QueueMessage(string Id, string PopReceipt, string Body, long DequeueCount, DateTimeOffset InsertedAt);

/// <summary>A message moved aside after it could not be handled, with the reason.</summary>
public sealed record PoisonMessage(string Id, string Body, string Reason, long DequeueCount, DateTimeOffset At);

/// <summary>
/// The notification queue. Two implementations pass one contract suite: Azure Storage Queues for many machines, and an
/// embedded queue in the application's database for one. At-least-once: a message not deleted within its visibility
/// comes back with a higher dequeue count.
/// </summary>
public interface INotificationQueue
{
    string Name { get; }

    /// <summary>
    /// The queue lives in the application's database: a send can join the caller's transaction (the outbox is marked
    /// dispatched in the same commit) and a delete can be committed with the delivery record.
    /// </summary>
    bool InDatabase { get; }

    /// <summary>Adds messages inside the caller's open write transaction; only where <see cref="InDatabase"/>.</summary>
    Task SendInTransactionAsync(Messaging.Core.Persistence.MessagingDbContext db, IReadOnlyList<string> bodies, CancellationToken ct);

    /// <summary>
    /// Deletes a received message (or, with a reason, moves it to poison) inside the caller's open write transaction, so
    /// the delivery's outcome and the message's fate commit together; only where <see cref="InDatabase"/>. False when
    /// the receipt no longer holds.
    /// </summary>
    Task<bool> SettleInTransactionAsync(Messaging.Core.Persistence.MessagingDbContext db, QueueMessage message, string? poisonReason, CancellationToken ct);

    Task SendAsync(string body, TimeSpan? delay, CancellationToken ct);

    /// <summary>Many messages at once (a broadcast page): one transaction on the embedded queue, parallel sends on Azure.</summary>
    Task SendBatchAsync(IReadOnlyList<string> bodies, CancellationToken ct);

    Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, TimeSpan visibility, CancellationToken ct);

    /// <summary>Keeps a message hidden longer (or shows it again after <paramref name="visibility"/>); returns the new receipt.</summary>
    Task<QueueMessage> RenewAsync(QueueMessage message, TimeSpan visibility, CancellationToken ct);

    Task DeleteAsync(QueueMessage message, CancellationToken ct);

    /// <summary>Moves the message to `{name}-poison` with the reason, and deletes it here.</summary>
    Task PoisonAsync(QueueMessage message, string reason, CancellationToken ct);

    Task<IReadOnlyList<PoisonMessage>> PeekPoisonAsync(int maxMessages, CancellationToken ct);

    /// <summary>Puts a poison message back on the queue (after a fix) and removes it from the poison queue.</summary>
    Task<bool> ReplayPoisonAsync(string poisonId, CancellationToken ct);

    /// <summary>How much waits: a few cheap reads, whatever the queue's length.</summary>
    Task<QueueBacklog> MeasureAsync(CancellationToken ct);
}

/// <summary>
/// Messages in the queue (waiting, in flight or delayed), when the oldest one that is due was enqueued (null when none
/// is due), and messages in poison. On Azure the counts are the service's approximate ones.
/// </summary>
public sealed record QueueBacklog(long Depth, DateTimeOffset? OldestDueInsertedAt, long Poison)
{
    public TimeSpan OldestDueAge(DateTimeOffset now) => OldestDueInsertedAt is { } at && now > at ? now - at : TimeSpan.Zero;
}

public sealed class QueueOptions
{
    public const string Section = "Queue";
    /// <summary>`Embedded` (the database) or `Azure`.</summary>
    public string Provider { get; set; } = "Embedded";
    public string Name { get; set; } = "notifications";
    public string? AzureConnectionString { get; set; }
    /// <summary>Bodies above this many characters are stored in the database and referenced (Azure allows 64 KiB).</summary>
    public int MaxInlineCharacters { get; set; } = 48 * 1024;
}

/// <summary>Notifications that skip the outbox (one-time codes, officers' replies) go straight onto the queue.</summary>
public sealed class QueueNotificationSink(INotificationQueue queue) : INotificationSink
{
    public Task EnqueueAsync(NotificationRequest request, CancellationToken ct) =>
        queue.SendAsync(System.Text.Json.JsonSerializer.Serialize(request, Worker.NotificationProcessor.Json), null, ct);
}
