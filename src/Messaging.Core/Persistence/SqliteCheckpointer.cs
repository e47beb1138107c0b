using System.Collections.Concurrent;
using System.Diagnostics;
using System.Data.Common;

namespace Messaging.Core.Persistence;

/// <summary>
/// Moves SQLite's WAL checkpoint off the group-committed writes. Left to SQLite, the commit that takes the log past
/// 1,000 pages copies them all into the database file and syncs it before it returns, and every turn queued behind that
/// commit waits: at chat load that was several times a second, and it set the tail of the turn latency. The writers'
/// own connections do not checkpoint; after a commit, one checkpoint per file runs beside them at most every 100 ms:
/// first without the write gate (the bulk of the copy and the sync), then a short second pass under the gate for
/// the few pages written meanwhile, so the log is fully copied and the next write starts it again from the beginning
/// rather than growing it. Other connections keep SQLite's automatic checkpoint as the safety net.
/// </summary>
public sealed class SqliteCheckpointer
{
    private static readonly ConcurrentDictionary<string, SqliteCheckpointer> Files = new();
    private static readonly long Interval = Stopwatch.Frequency / 10;

    private readonly DirectDatabase _database;
    private int _running;
    private long _lastStarted;

    private SqliteCheckpointer(DirectDatabase database) => _database = database;

    public static SqliteCheckpointer For(DirectDatabase database) =>
        Files.GetOrAdd(database.ConnectionString, _ => new SqliteCheckpointer(database));

    /// <summary>Applied to a writer's own connection: its commits never run a checkpoint themselves.</summary>
    public static void Exempt(DbConnection writer)
    {
        using var cmd = writer.CreateCommand();
        cmd.CommandText = "PRAGMA wal_autocheckpoint = 0;";
        cmd.ExecuteNonQuery();
    }

    /// <summary>The latest checkpoint, for tests; null before the first.</summary>
    public Task? Last { get; private set; }

    /// <summary>Called after a commit: starts a checkpoint unless one runs or one started less than 100 ms ago.</summary>
    public void AfterCommit()
    {
        var now = Stopwatch.GetTimestamp();
        if (now - Volatile.Read(ref _lastStarted) < Interval || Interlocked.CompareExchange(ref _running, 1, 0) != 0) return;
        Volatile.Write(ref _lastStarted, now);
        Last = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        try
        {
            await using var connection = await _database.OpenAsync(CancellationToken.None);
            await CheckpointAsync(connection);
            if (_database.WriteGate is { } gate)
            {
                await gate.WaitAsync();
                try { await CheckpointAsync(connection); }
                finally { gate.Release(); }
            }
        }
        catch (Exception e) when (e is DbException or IOException or ObjectDisposedException)
        {
            // A checkpoint that fails (a file being deleted, a busy lock) is tried again after the next commit; SQLite's
            // own automatic checkpoint on the other connections still bounds the log.
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private static async Task CheckpointAsync(DbConnection connection)
    {
        await using var cmd = connection.CreateCommand();
        // PASSIVE: copies what no reader still needs, never waits for readers or blocks a writer.
        cmd.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) { }
    }
}
