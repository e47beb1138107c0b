using System.Collections.Concurrent;
using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Messaging.Core.Persistence;

/// <summary>
/// The application's database as seen by the few hot paths that bypass EF (chat turns, the notifier's delivery
/// records): connections of their own and statements prepared once, in the SQL both providers share.
/// </summary>
public sealed record DirectDatabase(bool Sqlite, string ConnectionString, int TimeoutSeconds)
{
    public static DirectDatabase Describe(IServiceScopeFactory scopes)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        return new DirectDatabase(db.IsSqlite, db.Database.GetConnectionString()
            ?? throw new InvalidOperationException("The database has no connection string."), db.Database.GetCommandTimeout() ?? 30);
    }

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        DbConnection connection = Sqlite ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(ct);
        if (Sqlite) SqliteBusyTimeout.Apply(connection, TimeoutSeconds * 1000);
        return connection;
    }

    /// <summary>The gate every writer of one SQLite file in this process queues on; null on PostgreSQL.</summary>
    public SemaphoreSlim? WriteGate => WriteTransaction.GateFor(Sqlite, ConnectionString);

    public DbCommand Command(DbConnection connection, string sql, params string[] parameters)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.CommandTimeout = TimeoutSeconds;
        foreach (var name in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = DBNull.Value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    public static void Set(DbCommand cmd, string name, object? value) => cmd.Parameters[name].Value = value ?? DBNull.Value;

    // SQLite keeps instants as UTC ticks (see SqliteMessagingDbContext); PostgreSQL's timestamptz wants offset zero.
    public object Instant(DateTimeOffset at) => Sqlite ? at.UtcTicks : at.ToUniversalTime();

    public DateTimeOffset ReadInstant(DbDataReader r, int i) =>
        Sqlite ? new DateTimeOffset(r.GetInt64(i), TimeSpan.Zero) : r.GetFieldValue<DateTimeOffset>(i);

    /// <summary>EF keeps Guids as upper-case text on SQLite and as uuid on PostgreSQL.</summary>
    public object Id(Guid id) => Sqlite ? id.ToString().ToUpperInvariant() : id;
}

/// <summary>
/// Idle connections each holding one prepared read statement; a reader is taken for one query and given back.
/// </summary>
public sealed class PreparedReaders(DirectDatabase database, string sql, params string[] parameters) : IAsyncDisposable
{
    private const int MaxIdle = 16;
    private readonly ConcurrentBag<(DbConnection Connection, DbCommand Command)> _idle = [];

    public async Task<T> QueryAsync<T>(Action<DbCommand> bind, Func<DbDataReader, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        var (connection, command) = _idle.TryTake(out var idle) ? idle : await OpenAsync(ct);
        try
        {
            bind(command);
            T result;
            await using (var reader = await command.ExecuteReaderAsync(ct)) result = await read(reader, ct);
            if (_idle.Count < MaxIdle) _idle.Add((connection, command));
            else await CloseAsync(connection, command);
            return result;
        }
        catch
        {
            await CloseAsync(connection, command);
            throw;
        }
    }

    private async Task<(DbConnection, DbCommand)> OpenAsync(CancellationToken ct)
    {
        var connection = await database.OpenAsync(ct);
        return (connection, database.Command(connection, sql, parameters));
    }

    private static async Task CloseAsync(DbConnection connection, DbCommand command)
    {
        await command.DisposeAsync();
        await connection.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var r)) await CloseAsync(r.Connection, r.Command);
    }
}

/// <summary>A connection with its statements prepared, that commits a batch of writes in one transaction.</summary>
public interface IBatchWriter<in TWrite, TResult> : IAsyncDisposable
{
    Task<TResult[]> CommitAsync(IReadOnlyList<TWrite> writes, CancellationToken ct);
}

/// <summary>
/// Group commit: writes that arrive at the same moment are saved in one transaction by a single writer, and each
/// caller's task completes only after that transaction has committed, so nothing is acknowledged before it is durable.
/// On SQLite, where every commit takes the one write lock, this turns N lock acquisitions and N commits into one. A
/// batch that fails is retried one write at a time, so one bad write does not fail the others it shared a commit with.
/// </summary>
public sealed class GroupCommitter<TWrite, TResult>(Func<DirectDatabase> database,
    Func<DirectDatabase, DbConnection, IBatchWriter<TWrite, TResult>> prepare, ILogger log) : IAsyncDisposable, IDisposable
{
    private const int MaxBatch = 256;

    private sealed record Pending(TWrite Write, TaskCompletionSource<TResult> Done);

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _startLock = new();
    private Task? _loop;
    private IBatchWriter<TWrite, TResult>? _writer;

    public Task<TResult> WriteAsync(TWrite write, CancellationToken ct)
    {
        if (_loop is null) lock (_startLock) _loop ??= Task.Run(WriteLoopAsync);
        var pending = new Pending(write, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending)) throw new ObjectDisposedException(GetType().Name);
        // A cancelled caller stops waiting; a write already queued still happens (or not) as one unit.
        return pending.Done.Task.WaitAsync(ct);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var p)) batch.Add(p);
            try
            {
                var results = await CommitAsync(batch.Select(p => p.Write).ToList());
                for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
            }
            catch (Exception e) when (batch.Count > 1)
            {
                log.BatchWriteFailed(e, batch.Count);
                foreach (var p in batch) await CommitAloneAsync(p);
            }
            catch (Exception e)
            {
                batch[0].Done.TrySetException(e);
            }
            batch.Clear();
        }
        if (_writer is { } w) await w.DisposeAsync();
    }

    private async Task CommitAloneAsync(Pending p)
    {
        try
        {
            p.Done.TrySetResult((await CommitAsync([p.Write]))[0]);
        }
        catch (Exception e)
        {
            p.Done.TrySetException(e);
        }
    }

    private async Task<TResult[]> CommitAsync(IReadOnlyList<TWrite> writes)
    {
        var db = database();
        var gate = db.WriteGate;
        if (gate is not null) await gate.WaitAsync();
        try
        {
            if (_writer is null)
            {
                var connection = await db.OpenAsync(CancellationToken.None);
                if (db.Sqlite) SqliteCheckpointer.Exempt(connection);
                _writer = prepare(db, connection);
            }
            return await _writer.CommitAsync(writes, CancellationToken.None);
        }
        catch
        {
            // The connection may be in any state after a failure: the next batch starts on a fresh one.
            if (_writer is { } broken) await broken.DisposeAsync();
            _writer = null;
            throw;
        }
        finally
        {
            gate?.Release();
            if (db.Sqlite) SqliteCheckpointer.For(db).AfterCommit();
        }
    }

    /// <summary>For a container disposed synchronously: stops taking writes; queued ones still finish.</summary>
    public void Dispose() => _queue.Writer.TryComplete();

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is not null) await _loop;
    }
}

/// <summary>
/// One table's direct access: the database described on first use, a pool of prepared readers for its one lookup,
/// and its group-committed writer.
/// </summary>
public sealed class DirectAccess<TWrite, TResult> : IAsyncDisposable, IDisposable
{
    private readonly Lazy<DirectDatabase> _database;
    private readonly Lazy<PreparedReaders> _readers;
    private readonly GroupCommitter<TWrite, TResult> _writes;

    public DirectAccess(IServiceScopeFactory scopes, ILogger log, Func<DirectDatabase, DbConnection, IBatchWriter<TWrite, TResult>> prepare,
        string readSql, params string[] readParameters)
    {
        _database = new Lazy<DirectDatabase>(() => DirectDatabase.Describe(scopes));
        _readers = new Lazy<PreparedReaders>(() => new PreparedReaders(_database.Value, readSql, readParameters));
        _writes = new GroupCommitter<TWrite, TResult>(() => _database.Value, prepare, log);
    }

    public DirectDatabase Database => _database.Value;

    public Task<T> QueryAsync<T>(Action<DbCommand> bind, Func<DbDataReader, CancellationToken, Task<T>> read, CancellationToken ct) =>
        _readers.Value.QueryAsync(bind, read, ct);

    public Task<TResult> WriteAsync(TWrite write, CancellationToken ct) => _writes.WriteAsync(write, ct);

    public void Dispose() => _writes.Dispose();

    public async ValueTask DisposeAsync()
    {
        await _writes.DisposeAsync();
        if (_readers.IsValueCreated) await _readers.Value.DisposeAsync();
    }
}
