namespace Messaging.Core.Notifications;

/// <summary>
/// One message of the embedded queue (the single-machine default). <see cref="VisibleAt"/> is in UTC ticks on every
/// provider, so the claim statement compares plain integers.
/// </summary>
public sealed class QueueMessageRow
{
    public long Id { get; set; }
    public required string Queue { get; set; }
    public required string Body { get; set; }
    public long VisibleAt { get; set; }
    public int DequeueCount { get; set; }
    public string? PopReceipt { get; set; }
    public long InsertedAt { get; set; }
    /// <summary>Why the message was moved to a poison queue.</summary>
    public string? Reason { get; set; }
}

/// <summary>A payload too large for a queue message (Azure's limit is 64 KiB), stored here and referenced by id.</summary>
public sealed class QueuePayload
{
    public Guid Id { get; set; }
    public required string Body { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
