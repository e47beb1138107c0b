using Microsoft.Extensions.Logging;

namespace Messaging.Assistant;

/// <summary>The assistant's log lines: event ids 5000–5999. What the citizen wrote is never an argument.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information,
        Message = "A message with personal data was kept from the remote assistant endpoint; the dialogs answer it")]
    public static partial void PersonalDataKeptFromRemote(this ILogger logger);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "The assistant did not answer ({Reason}); the dialogs answer instead")]
    public static partial void AssistantDidNotAnswer(this ILogger logger, string reason);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "The assistant used up its {Max} tool calls without an answer; the dialogs answer instead")]
    public static partial void ToolCallsUsedUp(this ILogger logger, int max);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning,
        Message = "An assistant answer named what the knowledge base does not say ({Unsupported}); the knowledge-base answer replaces it")]
    public static partial void UngroundedAnswerReplaced(this ILogger logger, string unsupported);
}
