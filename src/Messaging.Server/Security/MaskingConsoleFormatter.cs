using Messaging.Language.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Messaging.Server.Security;

/// <summary>
/// The console log with phone, ID and dossier numbers and e-mail addresses masked by their shape, whatever a log call
/// or an exception message put in: the formatter the console uses (simple, or json with Logging:Console:Inner) writes
/// into a buffer, and only the masked text reaches the console. Both read Logging:Console:FormatterOptions, where
/// appsettings.json turns IncludeScopes on, and get the logger's scopes from here.
/// </summary>
public sealed class MaskingConsoleFormatter(IServiceProvider services, Microsoft.Extensions.Options.IOptionsMonitor<MaskingConsoleFormatterOptions> options)
    : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "masked";
    private ConsoleFormatter? _inner;

    // Resolved on first use: the formatters are registered together, and this one must not ask for itself while built.
    private ConsoleFormatter Inner => _inner ??= services.GetServices<ConsoleFormatter>()
        .First(f => f.Name == (options.CurrentValue.Inner ?? ConsoleFormatterNames.Simple));

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        using var buffer = new StringWriter();
        Inner.Write(logEntry, scopeProvider, buffer);
        textWriter.Write(PersonalData.Mask(buffer.ToString()));
    }
}

public sealed class MaskingConsoleFormatterOptions : ConsoleFormatterOptions
{
    /// <summary>The formatter whose output is masked: "simple" (default) or "json".</summary>
    public string? Inner { get; set; }
}
