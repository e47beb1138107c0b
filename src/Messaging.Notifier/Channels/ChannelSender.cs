using Messaging.Core.Notifications;
using Messaging.Core.Templates;

namespace Messaging.Notifier.Channels;

/// <summary>A rendered notification for one channel.</summary>
public sealed record OutgoingMessage(
    string Key, string Channel, Recipient Recipient, string Text, string? Subject = null, string? Html = null,
    IReadOnlyDictionary<string, string>? ZnsParameters = null, string? ZnsTemplateId = null, SmsInfo? Sms = null,
    IReadOnlyList<PreparedMessage>? Parts = null, int SkipParts = 0);

/// <summary>What a provider accepted: its message id, and for SMS the parts it bills.</summary>
public sealed record SendResult(string? ProviderMessageId, int? Segments = null);

/// <summary>
/// A send failed. <see cref="Permanent"/> tells the worker whether trying again can help (a gateway timeout) or not
/// (an invalid number, no Zalo account): permanent failures move on to the next channel at once.
/// </summary>
public sealed class ChannelException(string message, bool permanent, Exception? inner = null, int? progress = null) : Exception(message, inner)
{
    public bool Permanent { get; } = permanent;

    /// <summary>For a message sent in parts: how many parts the provider had accepted before this failure.</summary>
    public int? Progress { get; } = progress;
}

public interface IChannelSender
{
    string Channel { get; }

    /// <summary>Whether the recipient has an address on this channel at all.</summary>
    bool CanReach(Recipient recipient);

    Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken ct);
}
