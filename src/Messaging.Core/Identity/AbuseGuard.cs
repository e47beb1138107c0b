using Messaging.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;

namespace Messaging.Core.Identity;

/// <summary>One counted use of something abusable (a wrong second factor, a one-time code sent, a booking).</summary>
public sealed class AbuseEvent
{
    public long Id { get; set; }
    /// <summary>The limit's name and a fingerprint of what it counts (a dossier code, a phone, a client): no raw value.</summary>
    public required string Key { get; set; }
    public DateTimeOffset At { get; set; }
}

internal sealed class AbuseEventConfiguration : IEntityTypeConfiguration<AbuseEvent>
{
    public void Configure(EntityTypeBuilder<AbuseEvent> e)
    {
        e.ToTable("abuse_events");
        e.Property(x => x.Key).HasMaxLength(80);
        e.HasIndex(x => new { x.Key, x.At });
        e.HasIndex(x => x.At);
    }
}

/// <summary>At most <see cref="Max"/> uses of one subject within a sliding <see cref="Window"/>.</summary>
public sealed record AbuseLimit(string Name, int Max, TimeSpan Window);

/// <summary>A use that was counted; <see cref="Count"/> includes it and every other use in the window.</summary>
public sealed record AbuseClaim(long Id, int Count, AbuseLimit Limit);

/// <summary>
/// Caps that hold across conversations, channels and nodes, because they live in the database. A use is claimed in a
/// write transaction that holds the key (SQLite's single writer; a transaction-scoped advisory lock on PostgreSQL): the
/// uses in the window are counted and, below the limit, one is added, so parallel requests can never all pass a check
/// that each of them alone would pass, and exactly <c>Max</c> of them do. A use that turns out not to count (a right
/// second factor, a booking refused for a full slot) is released.
/// </summary>
public sealed class AbuseGuard(MessagingDbContext db, TimeProvider time, Fingerprinter fingerprints)
{
    public async Task<AbuseClaim?> TryClaimAsync(AbuseLimit limit, string subject, CancellationToken ct)
    {
        var key = KeyOf(limit, subject);
        var now = time.GetUtcNow();
        await using var tx = await db.BeginWriteAsync(ct);
        if (!db.IsSqlite) await db.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", ct, ("@key", key));
        var count = (int)await db.ScalarAsync("SELECT COUNT(*) FROM abuse_events WHERE key = @key AND at > @since", ct,
            ("@key", key), ("@since", db.InstantValue(now - limit.Window)));
        if (count >= limit.Max) return null;
        var id = await db.ScalarAsync("INSERT INTO abuse_events (key, at) VALUES (@key, @at) RETURNING id", ct,
            ("@key", key), ("@at", db.InstantValue(now)));
        await tx.CommitAsync(ct);
        return new AbuseClaim(id, count + 1, limit);
    }

    /// <summary>Forgets every use of a subject in a limit: a right password clears the failures before it.</summary>
    public Task ResetAsync(AbuseLimit limit, string subject, CancellationToken ct) =>
        db.ExecuteAsync("DELETE FROM abuse_events WHERE key = @key", ct, ("@key", KeyOf(limit, subject)));

    /// <summary>Takes a claim back: the use did not count after all.</summary>
    public Task ReleaseAsync(AbuseClaim claim, CancellationToken ct) =>
        db.ExecuteAsync("DELETE FROM abuse_events WHERE id = @id", ct, ("@id", claim.Id));

    /// <summary>Uses counted in the window now, without claiming one.</summary>
    public async Task<int> CountAsync(AbuseLimit limit, string subject, CancellationToken ct) =>
        (int)await db.ScalarAsync("SELECT COUNT(*) FROM abuse_events WHERE key = @key AND at > @since", ct,
            ("@key", KeyOf(limit, subject)), ("@since", db.InstantValue(time.GetUtcNow() - limit.Window)));

    /// <summary>How long until the oldest use in the window drops out of it: what "wait" means to the caller.</summary>
    public async Task<TimeSpan> RetryAfterAsync(AbuseLimit limit, string subject, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var key = KeyOf(limit, subject);
        var since = now - limit.Window;
        var oldest = await db.Set<AbuseEvent>().AsNoTracking()
            .Where(e => e.Key == key && e.At > since)
            .OrderBy(e => e.At).Select(e => (DateTimeOffset?)e.At).FirstOrDefaultAsync(ct);
        var wait = oldest is { } o ? o + limit.Window - now : TimeSpan.Zero;
        return wait < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : wait;
    }

    /// <summary>Forgets every use of a subject in a limit from all scopes ("name|network" subjects share the name's prefix).</summary>
    public Task ResetAllScopesAsync(AbuseLimit limit, string subject, CancellationToken ct) =>
        db.ExecuteAsync("DELETE FROM abuse_events WHERE key LIKE @prefix", ct, ("@prefix", limit.Name + ":" + fingerprints.Of(subject) + ":%"));

    // A "subject|scope" subject (a name from one network) keys as name-fingerprint:scope-fingerprint, so all scopes of a
    // subject can be cleared together without storing either in the clear.
    private string KeyOf(AbuseLimit limit, string subject) => subject.IndexOf('|') is var bar and >= 0
        ? limit.Name + ":" + fingerprints.Of(subject[..bar]) + ":" + fingerprints.Of(subject[(bar + 1)..])
        : limit.Name + ":" + fingerprints.Of(subject);
}

/// <summary>The caps, all configurable (section <c>Abuse</c>); the defaults leave a citizen's normal use far below them.</summary>
public sealed class AbuseOptions
{
    public const string Section = "Abuse";

    /// <summary>Wrong second factors for one dossier code, from anyone, per hour.</summary>
    public int DossierFailuresPerCodePerHour { get; set; } = 10;
    /// <summary>And per day, so ten tries an hour cannot run through the 10,000 possible last four digits in three weeks.</summary>
    public int DossierFailuresPerCodePerDay { get; set; } = 30;
    /// <summary>Wrong second factors from one client (address, Zalo user, Direct Line user), whatever the code, per hour.</summary>
    public int DossierFailuresPerClientPerHour { get; set; } = 30;
    public int BookingsPerPhonePerDay { get; set; } = 5;
    public int BookingsPerClientPerDay { get; set; } = 10;
    public int CodesPerPhonePerDay { get; set; } = 5;
    public int CodesPerClientPerDay { get; set; } = 10;
    /// <summary>Messages a citizen's action sends to a phone number nobody has proved they own (SMS, ZNS).</summary>
    public int UnverifiedMessagesPerPhonePerDay { get; set; } = 6;
    public int UnverifiedMessagesPerClientPerDay { get; set; } = 30;
    public int HandoffsPerClientPerDay { get; set; } = 3;

    public AbuseLimit DossierPerCode => new("dossier-code", DossierFailuresPerCodePerHour, TimeSpan.FromHours(1));
    public AbuseLimit DossierPerCodeDaily => new("dossier-code-day", DossierFailuresPerCodePerDay, TimeSpan.FromDays(1));
    public AbuseLimit DossierPerClient => new("dossier-client", DossierFailuresPerClientPerHour, TimeSpan.FromHours(1));
    public AbuseLimit BookingPerPhone => new("booking-phone", BookingsPerPhonePerDay, TimeSpan.FromDays(1));
    public AbuseLimit BookingPerClient => new("booking-client", BookingsPerClientPerDay, TimeSpan.FromDays(1));
    public AbuseLimit CodePerPhone => new("code-phone", CodesPerPhonePerDay, TimeSpan.FromDays(1));
    public AbuseLimit CodePerClient => new("code-client", CodesPerClientPerDay, TimeSpan.FromDays(1));
    public AbuseLimit UnverifiedPerPhone => new("unverified-phone", UnverifiedMessagesPerPhonePerDay, TimeSpan.FromDays(1));
    public AbuseLimit UnverifiedPerClient => new("unverified-client", UnverifiedMessagesPerClientPerDay, TimeSpan.FromDays(1));
    public AbuseLimit HandoffPerClient => new("handoff-client", HandoffsPerClientPerDay, TimeSpan.FromDays(1));
}

/// <summary>Claims under two limits at once (a phone and a client): both or neither.</summary>
public static class AbuseGuardExtensions
{
    public static async Task<IReadOnlyList<AbuseClaim>?> TryClaimAllAsync(this AbuseGuard guard,
        IEnumerable<(AbuseLimit Limit, string? Subject)> uses, CancellationToken ct)
    {
        var claims = new List<AbuseClaim>();
        foreach (var (limit, subject) in uses)
        {
            if (subject is null) continue;
            if (await guard.TryClaimAsync(limit, subject, ct) is { } claim)
            {
                claims.Add(claim);
                continue;
            }
            foreach (var c in claims) await guard.ReleaseAsync(c, ct);
            return null;
        }
        return claims;
    }
}
