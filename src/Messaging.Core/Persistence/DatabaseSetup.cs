using System.ComponentModel.DataAnnotations;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Core.Persistence;

public enum DatabaseProvider { Sqlite, Postgres }

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>For SQLite, empty means `messaging.db` in the data directory.</summary>
    public string? ConnectionString { get; set; }

    [Range(1, 600)]
    public int CommandTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Apply migrations when a process starts: right for one node. With several nodes, run the `migrate` command once
    /// per release and start the nodes with this off, so they do not all migrate at once.
    /// </summary>
    public bool MigrateOnStart { get; set; } = true;
}

public sealed class PendingMigrationsException(IReadOnlyList<string> pending)
    : Exception($"The database lacks {pending.Count} migration(s) ({string.Join(", ", pending)}): run `Messaging.Server migrate` first, " +
        "or start with Database:MigrateOnStart=true.");

public static class DatabaseSetup
{
    public static DbContextOptionsBuilder<T> Configure<T>(DbContextOptionsBuilder<T> builder, DatabaseOptions options)
        where T : DbContext
    {
        var cs = options.ConnectionString ?? throw new InvalidOperationException("Database:ConnectionString is empty.");
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            builder.UseSqlite(cs, o => o.CommandTimeout(options.CommandTimeoutSeconds))
                .AddInterceptors(new SqliteBusyTimeout(options.CommandTimeoutSeconds * 1000))
                // SQLite rebuilds a table to alter it, with foreign keys off outside the transaction: EF's standard way,
                // warned about on every fresh install though nothing is wrong. Still logged, as information.
                .ConfigureWarnings(w => w.Log((Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.NonTransactionalMigrationOperationWarning,
                    Microsoft.Extensions.Logging.LogLevel.Information)));
        }
        else
        {
            builder.UseNpgsql(cs, o => o.CommandTimeout(options.CommandTimeoutSeconds));
        }
        // snake_case names are unquoted-safe in both dialects, which the few raw statements rely on.
        builder.UseSnakeCaseNamingConvention();
        return builder;
    }

    /// <summary>Registers the provider's context as <see cref="MessagingDbContext"/>, pooled: a chat turn uses two.</summary>
    public static IServiceCollection AddMessagingDatabase(this IServiceCollection services, DatabaseOptions options)
    {
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            services.AddDbContextPool<MessagingDbContext, SqliteMessagingDbContext>(b =>
                Configure((DbContextOptionsBuilder<SqliteMessagingDbContext>)b, options));
        }
        else
        {
            services.AddDbContextPool<MessagingDbContext, PostgresMessagingDbContext>(b =>
                Configure((DbContextOptionsBuilder<PostgresMessagingDbContext>)b, options));
        }
        return services;
    }

    /// <summary>With <see cref="DatabaseOptions.MigrateOnStart"/> off: refuse to start on a database behind the code.</summary>
    public static async Task RequireMigratedAsync(MessagingDbContext db, CancellationToken ct)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count > 0) throw new PendingMigrationsException(pending);
    }

    /// <summary>Applies migrations; on SQLite also switches to WAL so readers never wait for the writer.</summary>
    public static async Task MigrateAsync(MessagingDbContext db, CancellationToken ct)
    {
        if (db.IsSqlite)
        {
            var builder = new SqliteConnectionStringBuilder(db.Database.GetConnectionString());
            var dir = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        }
        // A database that does not exist yet is created first, by a check that expects to fail, so a fresh install logs no error.
        var creator = db.GetService<Microsoft.EntityFrameworkCore.Storage.IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(ct)) await creator.CreateAsync(ct);
        // A fresh database has no history table; EF's first look at it would log a failed command as an error.
        var history = db.GetService<Microsoft.EntityFrameworkCore.Migrations.IHistoryRepository>();
        // Created unconditionally (IF NOT EXISTS): Npgsql's ExistsAsync answered true for a database without the table.
        await history.CreateIfNotExistsAsync(ct);
        await db.Database.MigrateAsync(ct);
        if (db.IsSqlite)
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
    }
}
