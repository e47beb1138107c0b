using System.Collections.Concurrent;
using System.Data.Common;
using System.Threading.Channels;
using Messaging.Core.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Messaging.Core.Conversations;

/// <summary>A conversation's row as a turn reads it. <see cref="Version"/> 0 means it has never been saved.</summary>
public sealed record ConversationSnapshot(string Id, string ChannelId, string UserId, string Locale, string StateJson,
    int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public bool IsNew => Version == 0;

    public static ConversationSnapshot New(string id, string channelId, string userId, DateTimeOffset now) =>
        new(id, channelId, userId, "vi", "{}", 0, now, now);
}

/// <summary>One transcript row: "in" from the citizen, "out" from the bot.</summary>
public sealed record TranscriptEntry(string Direction, string Json, string? Text);

/// <summary>What one turn saves: the new state, checked against the version it read, and the turn's transcript rows.</summary>
public sealed record ConversationWrite(ConversationSnapshot Read, string StateJson, string Locale, DateTimeOffset At,
    IReadOnlyList<TranscriptEntry> Transcript);

/// <summary>
/// Conversation state and transcripts, on connections of its own (one writer, a few readers, each with its statements
/// prepared once): a chat turn is the hottest path of the product and EF's per-query work was most of its cost.
/// Reads are one indexed row. Writes are group-committed: turns that finish at the same moment are saved in one
/// transaction by the single writer, each with its own version check, and a turn's save completes only after that
/// transaction has committed, so nothing is acknowledged before it is durable. On SQLite, where every commit takes the
/// one write lock, this turns N lock acquisitions and N commits into one.
/// </summary>
public sealed class ConversationStore(IServiceScopeFactory scopes, ILogger<ConversationStore> log) : IAsyncDisposable, IDisposable
{
    private const int MaxBatch = 256;
    private const int MaxIdleReaders = 16;

    private sealed record Pending(ConversationWrite Write, TaskCompletionSource<bool> Done);
    private sealed record Database(bool Sqlite, string ConnectionString, int TimeoutSeconds);

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentBag<Reader> _readers = [];
    private readonly Lock _startLock = new();
    private Database? _database;
    private Task? _writer;
    private Writer? _writerConnection;

    public async Task<ConversationSnapshot?> LoadAsync(string id, CancellationToken ct)
    {
        var database = Describe();
        var reader = _readers.TryTake(out var idle) ? idle : await Reader.OpenAsync(database, ct);
        try
        {
            var snapshot = await reader.ReadAsync(id, ct);
            if (_readers.Count < MaxIdleReaders) _readers.Add(reader);
            else await reader.DisposeAsync();
            return snapshot;
        }
        catch
        {
            await reader.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Saves a turn. False when the conversation changed since <see cref="ConversationWrite.Read"/> was taken (another
    /// node, or a proactive message): nothing of the turn is written and the caller runs the turn again.
    /// </summary>
    public Task<bool> SaveAsync(ConversationWrite write, CancellationToken ct)
    {
        EnsureWriter();
        var pending = new Pending(write, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending)) throw new ObjectDisposedException(nameof(ConversationStore));
        // A cancelled caller stops waiting; a write already queued still happens (or not) as one unit.
        return pending.Done.Task.WaitAsync(ct);
    }

    private Database Describe()
    {
        if (_database is { } known) return known;
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        return _database = new Database(db.IsSqlite, db.Database.GetConnectionString()
            ?? throw new InvalidOperationException("The database has no connection string."), db.Database.GetCommandTimeout() ?? 30);
    }

    private void EnsureWriter()
    {
        if (_writer is not null) return;
        lock (_startLock) _writer ??= Task.Run(WriteLoopAsync);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var p)) batch.Add(p);
            try
            {
                var results = await CommitAsync(batch.Select(p => p.Write).ToList(), CancellationToken.None);
                for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
            }
            catch (Exception e) when (batch.Count > 1)
            {
                // One bad write must not fail the turns it happened to share a transaction with.
                log.LogWarning(e, "A batch of {Count} conversation saves failed; saving them one by one", batch.Count);
                foreach (var p in batch) await CommitAloneAsync(p);
            }
            catch (Exception e)
            {
                batch[0].Done.TrySetException(e);
            }
            batch.Clear();
        }
        if (_writerConnection is { } w) await w.DisposeAsync();
    }

    private async Task CommitAloneAsync(Pending p)
    {
        try
        {
            p.Done.TrySetResult((await CommitAsync([p.Write], CancellationToken.None))[0]);
        }
        catch (Exception e)
        {
            p.Done.TrySetException(e);
        }
    }

    private async Task<bool[]> CommitAsync(IReadOnlyList<ConversationWrite> writes, CancellationToken ct)
    {
        var database = Describe();
        var gate = WriteTransaction.GateFor(database.Sqlite, database.ConnectionString);
        if (gate is not null) await gate.WaitAsync(ct);
        try
        {
            _writerConnection ??= await Writer.OpenAsync(database, ct);
            return await _writerConnection.CommitAsync(writes, ct);
        }
        catch
        {
            // The connection may be in any state after a failure: the next batch starts on a fresh one.
            if (_writerConnection is { } broken) await broken.DisposeAsync();
            _writerConnection = null;
            throw;
        }
        finally
        {
            gate?.Release();
        }
    }

    /// <summary>For a container disposed synchronously: stops taking writes; queued ones still finish.</summary>
    public void Dispose() => _queue.Writer.TryComplete();

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_writer is not null) await _writer;
        while (_readers.TryTake(out var r)) await r.DisposeAsync();
    }

    private static async Task<DbConnection> OpenAsync(Database database, CancellationToken ct)
    {
        DbConnection connection = database.Sqlite ? new SqliteConnection(database.ConnectionString) : new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        if (database.Sqlite) SqliteBusyTimeout.Apply(connection, database.TimeoutSeconds * 1000);
        return connection;
    }

    private sealed class Reader(DbConnection connection, DbCommand select, bool sqlite) : IAsyncDisposable
    {
        public static async Task<Reader> OpenAsync(Database database, CancellationToken ct)
        {
            var connection = await ConversationStore.OpenAsync(database, ct);
            var select = Command(connection, null, database.TimeoutSeconds,
                "SELECT channel_id, user_id, locale, state_json, version, created_at, updated_at FROM conversations WHERE id = @id", "@id");
            return new Reader(connection, select, database.Sqlite);
        }

        public async Task<ConversationSnapshot?> ReadAsync(string id, CancellationToken ct)
        {
            Set(select, "@id", id);
            await using var r = await select.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return null;
            return new ConversationSnapshot(id, r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4),
                ReadInstant(r, 5, sqlite), ReadInstant(r, 6, sqlite));
        }

        public async ValueTask DisposeAsync()
        {
            await select.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    private sealed class Writer(DbConnection connection, DbCommand update, DbCommand insert, DbCommand activity, bool sqlite)
        : IAsyncDisposable
    {
        public static async Task<Writer> OpenAsync(Database database, CancellationToken ct)
        {
            var connection = await ConversationStore.OpenAsync(database, ct);
            var timeout = database.TimeoutSeconds;
            // Prepared once, re-run with new values: SQLite parses each statement once for the life of the writer.
            var update = Command(connection, null, timeout,
                "UPDATE conversations SET state_json = @state, locale = @locale, version = @version + 1, updated_at = @at, " +
                "last_sequence = last_sequence + @count WHERE id = @id AND version = @version RETURNING last_sequence",
                "@state", "@locale", "@version", "@at", "@count", "@id");
            var insert = Command(connection, null, timeout,
                "INSERT INTO conversations (id, channel_id, user_id, locale, state_json, version, last_sequence, created_at, updated_at) " +
                "VALUES (@id, @channel, @user, @locale, @state, 1, @count, @at, @at) ON CONFLICT (id) DO NOTHING RETURNING last_sequence",
                "@id", "@channel", "@user", "@locale", "@state", "@count", "@at");
            var activity = Command(connection, null, timeout,
                "INSERT INTO conversation_activities (conversation_id, sequence, direction, json, text, at) " +
                "VALUES (@conversation, @sequence, @direction, @json, @text, @at)",
                "@conversation", "@sequence", "@direction", "@json", "@text", "@at");
            return new Writer(connection, update, insert, activity, database.Sqlite);
        }

        public async Task<bool[]> CommitAsync(IReadOnlyList<ConversationWrite> writes, CancellationToken ct)
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            update.Transaction = insert.Transaction = activity.Transaction = tx;
            var results = new bool[writes.Count];
            for (var i = 0; i < writes.Count; i++)
            {
                var w = writes[i];
                var at = Instant(w.At, sqlite);
                var command = w.Read.IsNew ? insert : update;
                Set(command, "@id", w.Read.Id);
                Set(command, "@state", w.StateJson);
                Set(command, "@locale", w.Locale);
                Set(command, "@at", at);
                Set(command, "@count", (long)w.Transcript.Count);
                if (w.Read.IsNew)
                {
                    Set(command, "@channel", w.Read.ChannelId);
                    Set(command, "@user", w.Read.UserId);
                }
                else
                {
                    Set(command, "@version", w.Read.Version);
                }
                var last = await command.ExecuteScalarAsync(ct);
                if (last is null or DBNull) continue;
                var sequence = Convert.ToInt64(last, System.Globalization.CultureInfo.InvariantCulture) - w.Transcript.Count;
                foreach (var entry in w.Transcript)
                {
                    Set(activity, "@conversation", w.Read.Id);
                    Set(activity, "@sequence", ++sequence);
                    Set(activity, "@direction", entry.Direction);
                    Set(activity, "@json", entry.Json);
                    Set(activity, "@text", (object?)entry.Text ?? DBNull.Value);
                    Set(activity, "@at", at);
                    await activity.ExecuteNonQueryAsync(ct);
                }
                results[i] = true;
            }
            await tx.CommitAsync(ct);
            return results;
        }

        public async ValueTask DisposeAsync()
        {
            await update.DisposeAsync();
            await insert.DisposeAsync();
            await activity.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    // SQLite keeps instants as UTC ticks (see SqliteMessagingDbContext); PostgreSQL's timestamptz wants offset zero.
    private static object Instant(DateTimeOffset at, bool sqlite) => sqlite ? at.UtcTicks : at.ToUniversalTime();

    private static DateTimeOffset ReadInstant(DbDataReader r, int i, bool sqlite) =>
        sqlite ? new DateTimeOffset(r.GetInt64(i), TimeSpan.Zero) : r.GetFieldValue<DateTimeOffset>(i);

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, int timeoutSeconds, string sql,
        params string[] parameters)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = transaction;
        cmd.CommandTimeout = timeoutSeconds;
        foreach (var name in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = DBNull.Value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    private static void Set(DbCommand cmd, string name, object value) => cmd.Parameters[name].Value = value;
}
