using System.Text.Json;
using Messaging.Core.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Core.Appointments;

/// <summary>
/// The two reads of every slot search — scheduled sessions in a range and the taken places of a set of slots — as
/// statements prepared once on connections of their own. Through EF they were a tenth of a booking conversation's
/// CPU (query cache lookups, parameter extraction and materialization on every date question).
/// </summary>
public sealed class SlotReads : IAsyncDisposable
{
    private readonly Lazy<DirectDatabase> _database;
    private readonly Lazy<PreparedReaders> _sessions;
    private readonly Lazy<PreparedReaders> _counters;

    public SlotReads(IServiceScopeFactory scopes)
    {
        _database = new(() => DirectDatabase.Describe(scopes));
        // A list travels as one parameter: a JSON array on SQLite, a text[] on PostgreSQL, so the statement is prepared once.
        _sessions = new(() => new PreparedReaders(_database.Value,
            "SELECT id, office_id, service_id, kind, title, place, start, \"end\", capacity_per_slot, status, cancel_reason, " +
            "created_at, updated_at, version FROM sessions WHERE status = 'Scheduled' AND \"end\" > @from AND start < @to AND " +
            (_database.Value.Sqlite ? "office_id IN (SELECT value FROM json_each(@offices))" : "office_id = ANY(@offices)"),
            "@from", "@to", "@offices"));
        _counters = new(() => new PreparedReaders(_database.Value,
            "SELECT slot_key, booked FROM slot_counters WHERE booked > 0 AND " +
            (_database.Value.Sqlite ? "slot_key IN (SELECT value FROM json_each(@keys))" : "slot_key = ANY(@keys)"),
            "@keys"));
    }

    /// <summary>Scheduled sessions of these offices that overlap [from, to).</summary>
    public Task<List<Session>> ScheduledSessionsAsync(IReadOnlyCollection<string> officeIds, DateTimeOffset from, DateTimeOffset to,
        CancellationToken ct)
    {
        var db = _database.Value;
        return _sessions.Value.QueryAsync(cmd =>
        {
            DirectDatabase.Set(cmd, "@from", db.Instant(from));
            DirectDatabase.Set(cmd, "@to", db.Instant(to));
            DirectDatabase.Set(cmd, "@offices", List(db, officeIds));
        }, async (r, token) =>
        {
            var sessions = new List<Session>();
            while (await r.ReadAsync(token))
            {
                sessions.Add(new Session
                {
                    Id = db.Sqlite ? Guid.Parse(r.GetString(0)) : r.GetGuid(0),
                    OfficeId = r.GetString(1),
                    ServiceId = r.GetInt32(2),
                    Kind = Enum.Parse<SessionKind>(r.GetString(3)),
                    Title = r.GetString(4),
                    Place = r.GetString(5),
                    Start = db.ReadInstant(r, 6),
                    End = db.ReadInstant(r, 7),
                    CapacityPerSlot = r.GetInt32(8),
                    Status = Enum.Parse<SessionStatus>(r.GetString(9)),
                    CancelReason = r.IsDBNull(10) ? null : r.GetString(10),
                    CreatedAt = db.ReadInstant(r, 11),
                    UpdatedAt = db.ReadInstant(r, 12),
                    Version = r.GetInt32(13),
                });
            }
            return sessions;
        }, ct);
    }

    /// <summary>Places taken per slot key; a slot nobody booked is absent.</summary>
    public async Task<Dictionary<string, int>> BookedAsync(IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        if (keys.Count == 0) return result;
        var db = _database.Value;
        // One parameter holds the whole list, so there is no parameter limit to chunk for.
        await _counters.Value.QueryAsync(cmd => DirectDatabase.Set(cmd, "@keys", List(db, keys)), async (r, token) =>
        {
            while (await r.ReadAsync(token)) result[r.GetString(0)] = r.GetInt32(1);
            return true;
        }, ct);
        return result;
    }

    private static object List(DirectDatabase db, IReadOnlyCollection<string> values) =>
        db.Sqlite ? JsonSerializer.Serialize(values) : values.ToArray();

    public async ValueTask DisposeAsync()
    {
        if (_sessions.IsValueCreated) await _sessions.Value.DisposeAsync();
        if (_counters.IsValueCreated) await _counters.Value.DisposeAsync();
    }
}
