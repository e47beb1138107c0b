using System.Data.Common;
using Messaging.Core.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Messaging.Core.Persistence.DirectDatabase;

namespace Messaging.Core.Conversations;

/// <summary>A conversation's row as a turn reads it. <see cref="Version"/> 0 means it has never been saved.</summary>
public sealed record ConversationSnapshot(string Id, string ChannelId, string UserId, string Locale, string StateJson,
    int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? CredentialHash = null, string? RecentTurns = null)
{
    /// <summary>Inbound activity ids kept per conversation: more turns than the transcript rows a repeat is looked for in.</summary>
    public const int KeptTurns = 24;

    /// <summary>Longer ids are not kept (a line each, bounded): a turn with one is always looked up in the transcript.</summary>
    public const int MaxKeptId = 100;

    public bool IsNew => Version == 0;

    /// <summary>
    /// Whether a turn with this id may have been answered already: false only when the kept ids prove it was not, so the
    /// transcript is read for every id that could be a repeat (and for rows written before ids were kept).
    /// </summary>
    public bool MayHaveAnswered(string turnId)
    {
        if (RecentTurns is null || !Keepable(turnId)) return true;
        foreach (var line in RecentTurns.AsSpan().EnumerateLines())
            if (line.SequenceEqual(turnId)) return true;
        return false;
    }

    public static bool Keepable(string? turnId) => turnId is { Length: > 0 and <= MaxKeptId } && turnId.AsSpan().IndexOfAny('\r', '\n') < 0;

    /// <summary>The kept ids after a turn with this id: it joins them, the oldest beyond <see cref="KeptTurns"/> leave.</summary>
    public string? WithTurn(string turnId)
    {
        if (!Keepable(turnId)) return RecentTurns;
        var kept = string.IsNullOrEmpty(RecentTurns) ? [] : RecentTurns.Split('\n');
        return string.Join('\n', kept.Skip(Math.Max(0, kept.Length - (KeptTurns - 1))).Append(turnId));
    }

    public static ConversationSnapshot New(string id, string channelId, string userId, DateTimeOffset now) =>
        new(id, channelId, userId, "vi", "{}", 0, now, now, RecentTurns: "");
}

/// <summary>One transcript row: "in" from the citizen, "out" from the bot.</summary>
public sealed record TranscriptEntry(string Direction, string Json, string? Text);

/// <summary>What one turn saves: the new state, checked against the version it read, and the turn's transcript rows.</summary>
public sealed record ConversationWrite(ConversationSnapshot Read, string StateJson, string Locale, DateTimeOffset At,
    IReadOnlyList<TranscriptEntry> Transcript, string? RecentTurns = null);

/// <summary>
/// Conversation state and transcripts, on connections of their own (one writer, a few readers, each with its statements
/// prepared once): a chat turn is the hottest path of the product and EF's per-query work was most of its cost.
/// Reads are one indexed row. Writes are group-committed (<see cref="GroupCommitter{TWrite,TResult}"/>): turns that
/// finish at the same moment are saved in one transaction, each with its own version check, and a turn's save
/// completes only after that transaction has committed.
/// </summary>
public sealed class ConversationStore(IServiceScopeFactory scopes, ConversationSignals signals, ILogger<ConversationStore> log)
    : IAsyncDisposable, IDisposable
{
    private readonly DirectAccess<ConversationWrite, bool> _table = new(scopes, log, (db, c) => new Writer(db, c),
        "SELECT channel_id, user_id, locale, state_json, version, created_at, updated_at, credential_hash, recent_turns FROM conversations WHERE id = @id",
        "@id");

    public Task<ConversationSnapshot?> LoadAsync(string id, CancellationToken ct)
    {
        var db = _table.Database;
        return _table.QueryAsync(cmd => Set(cmd, "@id", id), async (r, token) =>
            await r.ReadAsync(token)
                ? new ConversationSnapshot(id, r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4),
                    db.ReadInstant(r, 5), db.ReadInstant(r, 6), r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8))
                : null, ct);
    }

    private readonly Lazy<PreparedReaders> _recent = new(() => new PreparedReaders(DirectDatabase.Describe(scopes),
        "SELECT direction, json FROM conversation_activities WHERE conversation_id = @id ORDER BY sequence DESC LIMIT 40", "@id"));

    /// <summary>The conversation's last transcript rows, newest first: enough to recognise a turn that arrives again.</summary>
    public Task<IReadOnlyList<TranscriptEntry>> RecentAsync(string id, CancellationToken ct) =>
        _recent.Value.QueryAsync(cmd => Set(cmd, "@id", id), async (r, token) =>
        {
            var rows = new List<TranscriptEntry>();
            while (await r.ReadAsync(token)) rows.Add(new TranscriptEntry(r.GetString(0), r.GetString(1), null));
            return (IReadOnlyList<TranscriptEntry>)rows;
        }, ct);

    /// <summary>
    /// Saves a turn. False when the conversation changed since <see cref="ConversationWrite.Read"/> was taken (another
    /// node, or a proactive message): nothing of the turn is written and the caller runs the turn again.
    /// </summary>
    public async Task<bool> SaveAsync(ConversationWrite write, CancellationToken ct)
    {
        var saved = await _table.WriteAsync(write, ct);
        if (saved) signals.Notify(write.Read.Id);
        return saved;
    }

    public void Dispose() => _table.Dispose();

    public async ValueTask DisposeAsync()
    {
        await _table.DisposeAsync();
        if (_recent.IsValueCreated) await _recent.Value.DisposeAsync();
    }

    private sealed class Writer(DirectDatabase db, DbConnection connection) : IBatchWriter<ConversationWrite, bool>
    {
        // Prepared once, re-run with new values: SQLite parses each statement once for the life of the writer.
        private readonly DbCommand _update = db.Command(connection,
            "UPDATE conversations SET state_json = @state, locale = @locale, version = @version + 1, updated_at = @at, " +
            "last_sequence = last_sequence + @count, recent_turns = COALESCE(@recent, recent_turns) WHERE id = @id AND version = @version " +
            "RETURNING last_sequence",
            "@state", "@locale", "@version", "@at", "@count", "@id", "@recent");
        private readonly DbCommand _insert = db.Command(connection,
            "INSERT INTO conversations (id, channel_id, user_id, locale, state_json, version, last_sequence, created_at, updated_at, recent_turns) " +
            "VALUES (@id, @channel, @user, @locale, @state, 1, @count, @at, @at, @recent) ON CONFLICT (id) DO NOTHING RETURNING last_sequence",
            "@id", "@channel", "@user", "@locale", "@state", "@count", "@at", "@recent");
        private readonly DbCommand _activity = db.Command(connection,
            "INSERT INTO conversation_activities (conversation_id, sequence, direction, json, text, at) " +
            "VALUES (@conversation, @sequence, @direction, @json, @text, @at)",
            "@conversation", "@sequence", "@direction", "@json", "@text", "@at");

        public async Task<bool[]> CommitAsync(IReadOnlyList<ConversationWrite> writes, CancellationToken ct)
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            _update.Transaction = _insert.Transaction = _activity.Transaction = tx;
            var results = new bool[writes.Count];
            for (var i = 0; i < writes.Count; i++)
            {
                var w = writes[i];
                var at = db.Instant(w.At);
                var command = w.Read.IsNew ? _insert : _update;
                Set(command, "@id", w.Read.Id);
                Set(command, "@state", w.StateJson);
                Set(command, "@locale", w.Locale);
                Set(command, "@at", at);
                Set(command, "@count", (long)w.Transcript.Count);
                Set(command, "@recent", w.RecentTurns);
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
                    Set(_activity, "@conversation", w.Read.Id);
                    Set(_activity, "@sequence", ++sequence);
                    Set(_activity, "@direction", entry.Direction);
                    Set(_activity, "@json", entry.Json);
                    Set(_activity, "@text", entry.Text);
                    Set(_activity, "@at", at);
                    await _activity.ExecuteNonQueryAsync(ct);
                }
                results[i] = true;
            }
            await tx.CommitAsync(ct);
            return results;
        }

        public async ValueTask DisposeAsync()
        {
            await _update.DisposeAsync();
            await _insert.DisposeAsync();
            await _activity.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
