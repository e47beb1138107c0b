using Messaging.Core.Telemetry;
using Messaging.Notifier.Channels;
using Microsoft.Extensions.Logging;

namespace Messaging.Notifier;

/// <summary>
/// The notifier's log lines (event ids 3000–3999) and the scopes of one notification. Keys name what a notification is
/// about by its id ("reminder:{booking}", "booking.created:{booking}"), never a person's phone or name: a broadcast's key
/// holds a keyed fingerprint of the phone, a dossier's its code, which the console mask shortens like any dossier code.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Warning, Message = "Queue message {Id} is not a notification; moved to poison")]
    public static partial void NotANotification(this ILogger logger, string id);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Notification {Key} went to poison: {Reason}")]
    public static partial void NotificationPoisoned(this ILogger logger, string key, string reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "The claim on notification {Key} lapsed before its outcome was recorded")]
    public static partial void ClaimLapsed(this ILogger logger, string key);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Notification {Key} is claimed by another worker; back off")]
    public static partial void ClaimedElsewhere(this ILogger logger, string key);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Notification {Key} failed and went to poison: {Reason}")]
    public static partial void NotificationFailed(this ILogger logger, string key, string reason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "Queue message {Id} was received again before it was settled")]
    public static partial void ReceivedBeforeSettled(this ILogger logger, string id);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning,
        Message = "Notification {Key} was sent after its claim lapsed; the provider's idempotency key guards a second send")]
    public static partial void SentAfterClaimLapsed(this ILogger logger, string key);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Error, Message = "{Worker} failed; trying again")]
    public static partial void WorkerFailed(this ILogger logger, Exception exception, string worker);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information,
        Message = "Retention: {Transcript} transcript rows and {Conversations} conversations deleted, {Handoffs} handoff questions, " +
            "{Bodies} event bodies and {Deliveries} delivery details cleared, {Codes} one-time codes and {Abuse} abuse counters deleted")]
    public static partial void RetentionSwept(this ILogger logger, int transcript, int conversations, int handoffs, int bodies, int deliveries,
        int codes, int abuse);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Error, Message = "Receiving from the queue failed; trying again")]
    public static partial void ReceiveFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Error, Message = "Notification message {Id} failed unexpectedly; it will come back after its visibility")]
    public static partial void MessageFailedUnexpectedly(this ILogger logger, Exception exception, string id);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "Zalo rejected the access token ({Code}); refreshing it once")]
    public static partial void ZaloTokenRejected(this ILogger logger, int code);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information, Message = "Zalo access token refreshed; it expires at {ExpiresAt:O}")]
    public static partial void ZaloTokenRefreshed(this ILogger logger, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Error, Message = "Zalo refused the token refresh: {Reason}. The OA admin must authorise the app again.")]
    public static partial void ZaloRefreshRefused(this ILogger logger, string? reason);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Information, Message = "A {Channel} receipt for an unknown message ({Kind})")]
    public static partial void UnknownReceipt(this ILogger logger, string channel, ReceiptKind kind);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Warning,
        Message = "Notification {Key} was taken over from a worker that died calling {Channel}; sending again there with the same key")]
    public static partial void ResendingInFlight(this ILogger logger, string key, string channel);

    /// <summary>The notification's key on every line written while it is handled, the providers' clients included.</summary>
    public static IDisposable? BeginNotificationScope(this ILogger logger, string key) => logger.BeginScope(new LogScope("NotificationKey", key));

    /// <summary>The channel being tried, inside the notification's scope: the channel is chosen per attempt.</summary>
    public static IDisposable? BeginChannelScope(this ILogger logger, string channel) => logger.BeginScope(new LogScope("Channel", channel));
}
