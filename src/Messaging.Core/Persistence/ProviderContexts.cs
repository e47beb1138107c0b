using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Messaging.Core.Persistence;

public sealed class SqliteMessagingDbContext(DbContextOptions<SqliteMessagingDbContext> options)
    : MessagingDbContext(options)
{
    // SQLite has no instant type: store UTC ticks so that comparisons and ordering run in SQL.
    protected override void ConfigureConventions(ModelConfigurationBuilder b) =>
        b.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
}

public sealed class PostgresMessagingDbContext(DbContextOptions<PostgresMessagingDbContext> options)
    : MessagingDbContext(options)
{
    // timestamptz accepts only offset zero; callers may hold local (+07:00) values.
    protected override void ConfigureConventions(ModelConfigurationBuilder b) =>
        b.Properties<DateTimeOffset>().HaveConversion<ToUtcConverter>();

    private sealed class ToUtcConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(
        v => v.ToUniversalTime(), v => v);
}

/// <summary>Used by `dotnet ef` only.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteMessagingDbContext>
{
    public SqliteMessagingDbContext CreateDbContext(string[] args) =>
        new(DatabaseSetup.Configure(new DbContextOptionsBuilder<SqliteMessagingDbContext>(),
            new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = "Data Source=design.db" }).Options);
}

/// <summary>Used by `dotnet ef` only.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresMessagingDbContext>
{
    public PostgresMessagingDbContext CreateDbContext(string[] args) =>
        new(DatabaseSetup.Configure(new DbContextOptionsBuilder<PostgresMessagingDbContext>(),
            new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = "Host=localhost" }).Options);
}
