using System.Data.Common;
using Messaging.Core.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Messaging.Core.Tests.Persistence;

/// <summary>
/// Group-committed writers do not checkpoint SQLite's log themselves (that stalled every write queued behind the commit
/// that crossed 1,000 pages); a checkpoint beside them must still keep the log from growing.
/// </summary>
public sealed class SqliteCheckpointTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "messaging-ckpt-" + Guid.NewGuid().ToString("N")[..12]);
    private string Path_ => Path.Combine(_dir, "t.db");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        await using var c = new SqliteConnection($"Data Source={Path_}");
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE blobs (id INTEGER PRIMARY KEY, body BLOB NOT NULL);";
        await cmd.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    private sealed class BlobWriter(DbConnection connection) : IBatchWriter<byte[], bool>
    {
        public async Task<bool[]> CommitAsync(IReadOnlyList<byte[]> writes, CancellationToken ct)
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            foreach (var body in writes)
            {
                await using var cmd = connection.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = "INSERT INTO blobs (body) VALUES ($b)";
                cmd.Parameters.Add(new SqliteParameter("$b", body));
                await cmd.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
            return writes.Select(_ => true).ToArray();
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }

    [Fact]
    public async Task The_log_stays_bounded_when_only_group_commits_write()
    {
        var database = new DirectDatabase(true, $"Data Source={Path_}", 30);
        await using var writes = new GroupCommitter<byte[], bool>(() => database, (_, c) => new BlobWriter(c), NullLogger.Instance);
        var body = new byte[16 * 1024];
        Random.Shared.NextBytes(body);
        long largestLog = 0;
        // 100 batches of 20 writes of 16 KB: 32 MB, eight times SQLite's own checkpoint threshold, over about two seconds.
        for (var batch = 0; batch < 100; batch++)
        {
            await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => writes.WriteAsync(body, CancellationToken.None)));
            largestLog = Math.Max(largestLog, new FileInfo(Path_ + "-wal").Length);
            await Task.Delay(20);
        }
        Assert.True(largestLog < 16 * 1024 * 1024, $"the log grew to {largestLog / 1024 / 1024} MB");

        // Once the last checkpoint is done, everything written is in the database file itself.
        var checkpointer = SqliteCheckpointer.For(database);
        await Task.Delay(150);
        await writes.WriteAsync(body, CancellationToken.None);
        await (checkpointer.Last ?? Task.CompletedTask);
        await using var c = new SqliteConnection($"Data Source={Path_}");
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal(r.GetInt64(1), r.GetInt64(2));
    }
}
