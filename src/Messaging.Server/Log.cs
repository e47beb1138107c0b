namespace Messaging.Server;

/// <summary>The server's log lines: event ids 4000–4999.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Warning,
        Message = "DirectLine:TokenKey is not set (or shorter than 32 characters): tokens are signed with a key of this process only")]
    public static partial void DirectLineKeyOfThisProcess(this ILogger logger);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Zalo webhook: a request with a missing or wrong signature was refused")]
    public static partial void ZaloSignatureRefused(this ILogger logger);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Zalo webhook: an event with a stale timestamp was refused")]
    public static partial void ZaloStaleEventRefused(this ILogger logger);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Inbound {Channel} event {Id} ({Event}) failed on attempt {Attempt}")]
    public static partial void InboundEventFailed(this ILogger logger, Exception exception, string channel, long id, string @event, int attempt);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information,
        Message = "Language model retrained with {Labelled} labelled examples: held-out intent accuracy {Before:P1} -> {After:P1}, {Outcome}")]
    public static partial void LanguageModelRetrained(this ILogger logger, int labelled, double before, double after, string outcome);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "Retraining the language model failed; the current model stays")]
    public static partial void RetrainingFailed(this ILogger logger, Exception exception);
}
