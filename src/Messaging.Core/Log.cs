using Messaging.Core.Identity;
using Microsoft.Extensions.Logging;

namespace Messaging.Core;

/// <summary>
/// Core's log lines, generated at compile time: event ids 1000–1999 (Bot 2000, Notifier 3000, Server 4000, Assistant
/// 5000), so an operator can filter on a number that survives rewording. Arguments are never unmasked personal data.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Database ready ({Provider}); {Count} procedures loaded")]
    public static partial void DatabaseReady(this ILogger logger, string? provider, int count);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Demo data seeded")]
    public static partial void DemoDataSeeded(this ILogger logger);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "{Count} staff accounts created on a fresh install")]
    public static partial void StaffAccountsCreated(this ILogger logger, int count);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information,
        Message = "Phone proof: one-time codes {Required} (Identity:PhoneVerification {Mode}, real SMS/ZNS gateway {Gateway}, demo {Demo})")]
    public static partial void PhoneProof(this ILogger logger, string required, PhoneVerificationMode mode, bool gateway, bool demo);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "{Count} templates loaded, {Seeded} seeded or refreshed")]
    public static partial void TemplatesLoaded(this ILogger logger, int count, int seeded);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Language model trained in {Elapsed} ms")]
    public static partial void LanguageModelTrained(this ILogger logger, int elapsed);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "A batch of {Count} writes failed; saving them one by one")]
    public static partial void BatchWriteFailed(this ILogger logger, Exception exception, int count);
}
