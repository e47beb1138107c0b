using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Messaging.Testing;

/// <summary>One line a <see cref="LogCapture"/> saw, with the scopes open when it was written.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception,
    IReadOnlyList<object> Scopes)
{
    /// <summary>The named values of the open scopes; an inner scope's value wins a name.</summary>
    public IReadOnlyDictionary<string, object?> ScopeValues { get; } = Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>()
        .SelectMany(s => s).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value);

    /// <summary>Everything a reader of the line could see: message, exception, and each scope as text and as values.</summary>
    public string Text => string.Join('\n', new[] { $"{Category}[{EventId.Id}] {Message}", Exception?.ToString() ?? "" }
        .Concat(Scopes.Select(s => s.ToString() ?? ""))
        .Concat(ScopeValues.Select(v => $"{v.Key}={v.Value}")));
}

/// <summary>
/// A logger provider that keeps every line with its scopes. It takes the factory's scope provider, as the console
/// does, so a scope begun on any logger of the factory shows on lines written by any other.
/// </summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<CapturedLog> Entries => _entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => capture._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<object>();
            capture._scopes.ForEachScope((scope, list) =>
            {
                if (scope is not null) list.Add(scope);
            }, scopes);
            capture._entries.Enqueue(new CapturedLog(category, logLevel, eventId, formatter(state, exception), exception, scopes));
        }
    }
}
