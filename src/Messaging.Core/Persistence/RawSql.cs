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

    /// <summary>
    /// Claims up to <paramref name="max"/> rows of a table for this node until <paramref name="until"/>: one statement that
    /// sets the claim column of rows that match and whose claim has lapsed, and returns their ids. PostgreSQL skips rows
    /// another node is claiming at that moment; SQLite writers are serialised, so the condition alone decides. K nodes
    /// running the same job never take the same row while its claim holds, and a dead node's rows return when it lapses.
    /// </summary>
    public static async Task<List<Guid>> ClaimRowsAsync(this MessagingDbContext db, string table, string condition, string order,
        string claimColumn, DateTimeOffset now, DateTimeOffset until, int max, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        var sql = $"UPDATE {table} SET {claimColumn} = @until WHERE id IN (SELECT id FROM {table} WHERE {condition} AND {claimColumn} < @now " +
                  $"ORDER BY {order} LIMIT @max{(db.IsSqlite ? "" : " FOR UPDATE SKIP LOCKED")}) RETURNING id";
        await using var tx = await db.BeginWriteAsync(ct);
        await using var cmd = await CommandAsync(db, sql,
            [.. parameters, ("@until", until.UtcTicks), ("@now", now.UtcTicks), ("@max", Math.Max(1, max))], ct);
        var ids = new List<Guid>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) ids.Add(reader.GetValue(0) is Guid g ? g : Guid.Parse(reader.GetString(0)));
        }
        await tx.CommitAsync(ct);
        return ids;
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
