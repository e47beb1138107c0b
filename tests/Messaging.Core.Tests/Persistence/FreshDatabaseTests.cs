using System.Collections.Concurrent;
using Messaging.Core.Persistence;
using Messaging.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Messaging.Core.Tests.Persistence;

/// <summary>
/// A fresh install must start quietly: an error or warning from EF on the first migration sends an operator looking for
/// a fault that is not there (PostgreSQL logged a failed SELECT on the migrations table; SQLite warned about its table rebuild).
/// </summary>
public abstract class FreshDatabaseTests(DatabaseProvider provider, PostgresServer? server)
{
    private sealed class Capture : ILoggerProvider
    {
        public readonly ConcurrentQueue<string> Entries = new();
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Entries);
        public void Dispose() { }

        private sealed class Logger(string category, ConcurrentQueue<string> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (logLevel >= LogLevel.Warning) entries.Enqueue($"{logLevel} {category}[{eventId.Id}]: {formatter(state, exception)}");
            }
        }
    }

    [Fact]
    public async Task Migrating_a_fresh_database_logs_no_warning_or_error()
    {
        var capture = new Capture();
        await using var db = await TestDatabase.CreateAsync(provider, server,
            configure: (s, _) => s.AddLogging(b => b.AddProvider(capture)));
        // The database works after it: the migrations were applied, not skipped.
        Assert.Equal(0, await db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().Set<Messaging.Core.FrontDesk.QueueEntry>().CountAsync()));
        Assert.DoesNotContain(capture.Entries, e => e.Contains("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
    }
}

public sealed class SqliteFreshDatabaseTests() : FreshDatabaseTests(DatabaseProvider.Sqlite, null);

[Collection(PostgresCollection.Name)]
public sealed class PostgresFreshDatabaseTests(PostgresFixture pg) : FreshDatabaseTests(DatabaseProvider.Postgres, pg.Server);
