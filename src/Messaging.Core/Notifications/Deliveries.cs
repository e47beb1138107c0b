using System.Text.Json;

namespace Messaging.Core.Notifications;

public enum NotificationPriority { Normal, Critical }

/// <summary>Who receives a notification and how they can be reached, in the order they prefer.</summary>
public sealed record Recipient(
    string? Name,
    string? Phone,
    string? Email = null,
    string? ZaloUserId = null,
    string? WebChatConversationId = null,
    IReadOnlyList<string>? ChannelOrder = null,
    IReadOnlyList<string>? OptedOut = null,
    string Locale = "vi");

/// <summary>
/// One notification to one person, as it travels on the queue. <see cref="Key"/> is deterministic (the same event and
/// recipient always give the same key), so a redelivered or re-dispatched message is recognised and not sent twice.
/// </summary>
public sealed record NotificationRequest(
    string Key,
    string TemplateKey,
    Recipient Recipient,
    JsonElement Data,
    NotificationPriority Priority = NotificationPriority.Normal,
    DateTimeOffset? NotBefore = null,
    DateTimeOffset? ExpiresAt = null,
    Guid? BroadcastId = null);

public enum DeliveryStatus { Pending, Sent, Failed, Skipped }

/// <summary>The record of one notification: its state, and every attempt on every channel.</summary>
public sealed class Delivery
{
    public Guid Id { get; set; }
    public required string Key { get; set; }
    public string TemplateKey { get; set; } = "";
    public DeliveryStatus Status { get; set; }
    public string? Channel { get; set; }
    public string? ProviderMessageId { get; set; }
    /// <summary>Channels that failed permanently for this notification; the next attempt starts after them.</summary>
    public List<string> FailedChannels { get; set; } = [];
    public string? Error { get; set; }
    /// <summary>Masked: "0912***678", "a***@example.com". Never the full number.</summary>
    public string RecipientSummary { get; set; } = "";
    public Guid? BroadcastId { get; set; }
    /// <summary>The request as queued, so an admin can retry a failed delivery.</summary>
    public string RequestJson { get; set; } = "{}";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    /// <summary>From the provider's delivery receipt: the message reached the phone.</summary>
    public DateTimeOffset? DeliveredAt { get; set; }
    /// <summary>From a read receipt (Zalo chat only); SMS and ZNS have none.</summary>
    public DateTimeOffset? SeenAt { get; set; }
    /// <summary>What the provider last reported, e.g. "delivered", "failed: rejected by the carrier".</summary>
    public string? ProviderStatus { get; set; }
    public List<DeliveryAttempt> Attempts { get; set; } = [];
}

public sealed class DeliveryAttempt
{
    public long Id { get; set; }
    public Guid DeliveryId { get; set; }
    public int Number { get; set; }
    public string Channel { get; set; } = "";
    public bool Succeeded { get; set; }
    public bool Permanent { get; set; }
    public string? Error { get; set; }
    public string? ProviderMessageId { get; set; }
    /// <summary>SMS parts the gateway bills for this attempt; null on other channels.</summary>
    public int? Segments { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public int DurationMs { get; set; }
}
