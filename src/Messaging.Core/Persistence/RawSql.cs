using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Messaging.Core.Persistence;

/// <summary>
/// The few statements EF cannot express: conditional increments and upserts that must be single atomic
/// statements on both SQLite and PostgreSQL. Written in the SQL both dialects share.
/// </summary>
public static class RawSql
{
    public static async Task<int> ExecuteAsync(this MessagingDbContext db, string sql, CancellationToken ct,
        params (string Name, object Value)[] parameters)
    {
        await using var cmd = await CommandAsync(db, sql, parameters, ct);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<long> ScalarAsync(this MessagingDbContext db, string sql, CancellationToken ct,
        params (string Name, object Value)[] parameters)
    {
        await using var cmd = await CommandAsync(db, sql, parameters, ct);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<DbCommand> CommandAsync(MessagingDbContext db, string sql,
        (string Name, object Value)[] parameters, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        var cmd = db.Database.GetDbConnection().CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        cmd.CommandTimeout = db.Database.GetCommandTimeout() ?? 30;
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    /// <summary>An instant as a raw statement's parameter: UTC ticks on SQLite (as EF stores them), offset zero on PostgreSQL.</summary>
    public static object InstantValue(this MessagingDbContext db, DateTimeOffset at) => db.IsSqlite ? at.UtcTicks : at.ToUniversalTime();

    /// <summary>A Guid as a raw statement's parameter: upper-case text on SQLite (as EF stores it), uuid on PostgreSQL.</summary>
    public static object IdValue(this MessagingDbContext db, Guid id) => db.IsSqlite ? id.ToString().ToUpperInvariant() : id;

    public static bool IsUniqueViolation(DbUpdateException e) => e.InnerException switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sq => sq.SqliteErrorCode == 19 && sq.SqliteExtendedErrorCode is 2067 or 1555,
        _ => false,
    };
}
