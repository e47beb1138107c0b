using System.Text.Json;

namespace Messaging.Core.Notifications;

/// <summary>The channels a notification can go out on, in the default order of preference.</summary>
public static class ChannelNames
{
    public const string Zalo = "zalo";
    public const string Zns = "zns";
    public const string Sms = "sms";
    public const string Email = "email";
    public const string WebChat = "webchat";

    public static readonly string[] All = [WebChat, Zalo, Zns, Sms, Email];
}

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
    string Locale = "vi",
    bool PhoneVerified = false);

/// <summary>
/// One notification to one person, as it travels on the queue. <see cref="Sensitive"/> data (a one-time code) is not
/// kept in the delivery record; <see cref="Origin"/> is the fingerprint of the client whose action caused it, for caps. <see cref="Key"/> is deterministic (the same event and
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
    Guid? BroadcastId = null,
    bool Sensitive = false,
    string? Origin = null,
    NotificationSubject? Subject = null,
    IReadOnlyList<PreparedMessage>? Prepared = null,
    string? TraceParent = null);

/// <summary>
/// A message already written (one of a bot's replies on a push channel): sent as it is, with its buttons, in order
/// with the others of its turn, through the same claimed and retried path as notifications.
/// </summary>
public sealed record PreparedMessage(string Text, IReadOnlyList<PreparedButton>? Buttons = null)
{
    /// <summary>The template key a prepared message travels under: it names the kind, nothing is rendered.</summary>
    public const string TemplateKey = "bot/reply";
}

/// <summary>A button under a prepared message: a reply the citizen can tap (its title), or a link.</summary>
public sealed record PreparedButton(string Title, string? Url = null);

/// <summary>
/// What a notification is about, and the version of it the notice was written for: re-read at send time, so a notice
/// about a booking that has since been cancelled or moved is not sent.
/// </summary>
public sealed record NotificationSubject(string Kind, string Id, long Version)
{
    public const string Booking = "booking";
    public const string Session = "session";
    public const string Dossier = "dossier";
}

/// <summary>
/// Puts a notification on the queue for the notifier to send. For requests that must not rest in the outbox (a one-time
/// code) or that answer a person now (an officer's reply); domain changes go through the outbox instead.
/// </summary>
public interface INotificationSink
{
    Task EnqueueAsync(NotificationRequest request, CancellationToken ct);
}

/// <summary>Where no notifier is part of the host (a tool, a test of the dialogs alone): sending is an error, not a silent drop.</summary>
public sealed class NoNotificationSink : INotificationSink
{
    public Task EnqueueAsync(NotificationRequest request, CancellationToken ct) =>
        throw new InvalidOperationException("No notifier is configured in this host, so nothing can be sent.");
}

/// <summary>
/// Pending (claimed for sending, or held for quiet hours), Sent, Failed (in the poison queue), Skipped (expired, opted
/// out, capped, a cancelled broadcast), Obsolete (the facts changed before it went out: a cancelled or moved booking).
/// </summary>
public enum DeliveryStatus { Pending, Sent, Failed, Skipped, Obsolete }

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
    /// <summary>The worker that holds the delivery's claim until <see cref="LeaseUntil"/>; no other may send it meanwhile.</summary>
    public string? Owner { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
    /// <summary>
    /// The channel whose provider was called and whose outcome is not recorded yet, committed before the call. A worker
    /// that takes the delivery over and finds it set knows the provider may hold the message already.
    /// </summary>
    public string? SendingChannel { get; set; }
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
