using System.Buffers.Text;
using Messaging.Core.Identity;
using Messaging.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace Messaging.Bot;

/// <summary>The bot's log lines (event ids 2000–2999) and the scope every line of a turn is written in.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Conversation state changed during a turn (run {Run})")]
    public static partial void ConversationChangedDuringTurn(this ILogger logger, int run);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "A turn already answered arrived again; answering from the transcript")]
    public static partial void TurnAnsweredAgain(this ILogger logger);

    /// <summary>
    /// The conversation and channel on every line written during a turn, down to the services it calls. Zalo
    /// conversation ids hold the user's Zalo id and anonymous clients choose theirs (a phone number, say), so the log
    /// gets a keyed pseudonym instead: stable per deployment, not reversible by trying ids, unlike a plain hash.
    /// </summary>
    public static IDisposable? BeginTurnScope(this ILogger logger, Fingerprinter fingerprints, string conversationId, string channel) =>
        logger.BeginScope(new LogScope("ConversationRef", ConversationRef(fingerprints, conversationId), "Channel", channel));

    /// <summary>In base64url, not hex: a run of nine digits in a hex fingerprint would be masked like a phone in the console.</summary>
    public static string ConversationRef(Fingerprinter fingerprints, string conversationId) =>
        Base64Url.EncodeToString(Convert.FromHexString(fingerprints.Of(conversationId)));
}
