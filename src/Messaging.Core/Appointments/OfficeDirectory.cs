using Messaging.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Core.Appointments;

/// <summary>
/// Offices with their hours, closures and services, read once and shared: every slot search and every booking needs
/// them, and they change a few times a year. A change on this node calls <see cref="Invalidate"/>; other nodes see it
/// within <see cref="Ttl"/>. The snapshot is read-only: nobody may modify the objects it returns.
/// </summary>
public sealed class OfficeDirectory(TimeProvider time)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(DateTimeOffset LoadedAt, IReadOnlyList<Office> Offices, IReadOnlyDictionary<string, Office> ById);

    public async Task<IReadOnlyList<Office>> AllAsync(MessagingDbContext db, CancellationToken ct) => (await GetAsync(db, ct)).Offices;

    public async Task<Office?> FindAsync(MessagingDbContext db, string id, CancellationToken ct) =>
        (await GetAsync(db, ct)).ById.GetValueOrDefault(id);

    public void Invalidate() => _snapshot = null;

    private async Task<Snapshot> GetAsync(MessagingDbContext db, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_snapshot is { } s && now - s.LoadedAt < Ttl) return s;
        var offices = await db.Offices.AsNoTracking().AsSplitQuery()
            .Include(o => o.Hours).Include(o => o.Services).Include(o => o.Closures)
            .OrderBy(o => o.Id).ToListAsync(ct);
        var fresh = new Snapshot(now, offices, offices.ToDictionary(o => o.Id));
        _snapshot = fresh;
        return fresh;
    }
}
