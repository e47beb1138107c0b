using Messaging.Core.Persistence;
using Messaging.Core.Templates;
using Microsoft.AspNetCore.Identity;
using Messaging.Core.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Messaging.Core.Staff;

public static class StaffRoles
{
    public const string Admin = "admin";
    public const string Officer = "officer";
    public static bool IsValid(string role) => role is Admin or Officer;
}

/// <summary>An officer or admin who signs in to the web area. Officers act only for <see cref="Offices"/>.</summary>
public sealed class StaffUser
{
    public Guid Id { get; set; }
    public required string UserName { get; set; }
    public string DisplayName { get; set; } = "";
    /// <summary>PBKDF2 (HMAC-SHA512, 100,000 iterations, per-user salt) in ASP.NET Core Identity's format.</summary>
    public string PasswordHash { get; set; } = "";
    public string Role { get; set; } = StaffRoles.Officer;
    public List<string> Offices { get; set; } = [];
    public bool Disabled { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastLoginAt { get; set; }
}

/// <summary>
/// A signed-in session, held by the server: the cookie names it, and every request checks it, so signing out, a
/// disabled account, a new password, a role or office change take effect at the next request, not at the next sign-in.
/// </summary>
public sealed class StaffSession
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    /// <summary>"sign-out", "disabled", "password", "expired": why the session ended.</summary>
    public string? EndReason { get; set; }
}

/// <summary>A one-time link that lets a staff member set a password: only the token's hash is kept.</summary>
public sealed class StaffPasswordReset
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public required string TokenHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
    public string CreatedBy { get; set; } = "";
}

internal sealed class StaffSessionConfiguration : IEntityTypeConfiguration<StaffSession>
{
    public void Configure(EntityTypeBuilder<StaffSession> e)
    {
        e.ToTable("staff_sessions");
        e.HasIndex(x => x.UserId);
        e.Property(x => x.EndReason).HasMaxLength(16);
    }
}

internal sealed class StaffPasswordResetConfiguration : IEntityTypeConfiguration<StaffPasswordReset>
{
    public void Configure(EntityTypeBuilder<StaffPasswordReset> e)
    {
        e.ToTable("staff_password_resets");
        e.HasIndex(x => x.TokenHash).IsUnique();
        e.Property(x => x.TokenHash).HasMaxLength(64);
    }
}

public enum StaffSignIn { Success, Invalid, LockedOut }

public sealed record SignInOutcome(StaffSignIn Result, StaffUser? User, DateTimeOffset? LockedUntil = null);

public sealed class StaffException(string message) : Exception(message);

/// <summary>
/// Staff accounts: creation with a password policy, sign-in with lockout after repeated failures, sessions the server
/// ends, management by admins (roles, offices, disable, one-time reset links), every sign-in and change in the audit
/// log. An unknown name gets the same answer and the same work as a wrong password, and locks the same way.
/// </summary>
public sealed class StaffAccounts(MessagingDbContext db, TimeProvider time, AbuseGuard guard)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan LockoutTime = TimeSpan.FromMinutes(15);
    public const int MinPasswordLength = 10;
    /// <summary>A session ends after this long without a request, and in any case after <see cref="SessionMaxAge"/>.</summary>
    public static readonly TimeSpan SessionIdle = TimeSpan.FromHours(8);
    public static readonly TimeSpan SessionMaxAge = TimeSpan.FromHours(24);
    public static readonly TimeSpan ResetLinkLifetime = TimeSpan.FromHours(24);
    /// <summary>Tries on one name from all networks together: bounds a guesser with many addresses.</summary>
    public const int MaxFailuresPerName = 50;
    // Keyed by name and client network, so a stranger who types an officer's name five times locks only themselves out.
    private static readonly AbuseLimit Failures = new("staff-sign-in", MaxFailures, LockoutTime);
    private static readonly AbuseLimit NameFailures = new("staff-sign-in-name", MaxFailuresPerName, LockoutTime);
    private static readonly PasswordHasher<StaffUser> Hasher = new();
    // Verified against when the name is unknown, so both cases cost one hash.
    private static readonly string DummyHash = Hasher.HashPassword(new StaffUser { UserName = "" }, Guid.NewGuid().ToString());

    public static string Normalize(string userName) => userName.Trim().ToLowerInvariant();

    public async Task<StaffUser> CreateAsync(string userName, string displayName, string password, string role,
        IReadOnlyList<string> offices, string actor, CancellationToken ct)
    {
        var name = Normalize(userName);
        if (name.Length is < 3 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            throw new StaffException("A user name has 3 to 64 letters, digits, dots, dashes or underscores.");
        CheckRole(role, offices);
        CheckPassword(password);
        if (await db.StaffUsers.AnyAsync(u => u.UserName == name, ct)) throw new StaffException($"The user name '{name}' is taken.");
        var now = time.GetUtcNow();
        var user = new StaffUser
        {
            Id = Guid.CreateVersion7(now), UserName = name, DisplayName = CleanDisplayName(displayName, name), Role = role,
            Offices = [.. offices.Distinct()], CreatedAt = now,
        };
        user.PasswordHash = Hasher.HashPassword(user, password);
        db.StaffUsers.Add(user);
        db.AuditLog.Add(new AuditEntry { At = now, Actor = actor, Action = "staff.create", Subject = name, Details = Describe(user) });
        await db.SaveChangesAsync(ct);
        return user;
    }

    public static void CheckPassword(string password)
    {
        if (password.Length < MinPasswordLength) throw new StaffException($"A password has at least {MinPasswordLength} characters.");
        if (password.Length > 200) throw new StaffException("A password has at most 200 characters.");
    }

    private static void CheckRole(string role, IReadOnlyList<string> offices)
    {
        if (!StaffRoles.IsValid(role)) throw new StaffException($"Unknown role '{role}'.");
        if (role == StaffRoles.Officer && offices.Count == 0) throw new StaffException("An officer needs at least one office.");
    }

    /// <summary>
    /// A try is claimed against the name's lockout before the password is hashed, so parallel guesses cannot exceed it;
    /// a right password clears the name's failures. Unknown names are counted and locked exactly like real ones.
    /// </summary>
    public async Task<SignInOutcome> SignInAsync(string userName, string password, string from, CancellationToken ct)
    {
        var name = Normalize(userName);
        var now = time.GetUtcNow();
        if (name.Length > 64 || password.Length > 200) return new SignInOutcome(StaffSignIn.Invalid, null);
        var tries = new (AbuseLimit, string?)[] { (Failures, $"{name}|{from}"), (NameFailures, name) };
        if (await guard.TryClaimAllAsync(tries, ct) is null)
        {
            Audit(now, name, "staff.login-locked", from);
            await db.SaveChangesAsync(ct);
            var wait = TimeSpan.Zero;
            foreach (var (limit, subject) in tries) wait = Max(wait, await guard.RetryAfterAsync(limit, subject!, ct));
            return new SignInOutcome(StaffSignIn.LockedOut, null, now + wait);
        }
        var user = await db.StaffUsers.FirstOrDefaultAsync(u => u.UserName == name, ct);
        PasswordVerificationResult verdict;
        if (user is null || user.Disabled)
        {
            Hasher.VerifyHashedPassword(new StaffUser { UserName = name }, DummyHash, password);
            verdict = PasswordVerificationResult.Failed;
        }
        else verdict = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            Audit(now, name, "staff.login-failed", from);
            await db.SaveChangesAsync(ct);
            return new SignInOutcome(StaffSignIn.Invalid, null);
        }
        await guard.ResetAsync(Failures, $"{name}|{from}", ct);
        await guard.ResetAsync(NameFailures, name, ct);
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded) user!.PasswordHash = Hasher.HashPassword(user, password);
        user!.LastLoginAt = now;
        Audit(now, name, "staff.login", from);
        await db.SaveChangesAsync(ct);
        return new SignInOutcome(StaffSignIn.Success, user);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>An admin lifts a lockout: the name's tries from every network are forgotten.</summary>
    public async Task UnlockAsync(Guid id, string actor, CancellationToken ct)
    {
        var user = await db.StaffUsers.FirstOrDefaultAsync(u => u.Id == id, ct) ?? throw new StaffException("No such account.");
        await guard.ResetAsync(NameFailures, user.UserName, ct);
        await guard.ResetAllScopesAsync(Failures, user.UserName, ct);
        db.AuditLog.Add(new AuditEntry { At = time.GetUtcNow(), Actor = actor, Action = "staff.unlock", Subject = user.UserName });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>A new server-side session for a user who just signed in.</summary>
    public async Task<StaffSession> StartSessionAsync(StaffUser user, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var session = new StaffSession { Id = Guid.CreateVersion7(now), UserId = user.Id, CreatedAt = now, LastSeenAt = now };
        db.Set<StaffSession>().Add(session);
        await db.SaveChangesAsync(ct);
        return session;
    }

    /// <summary>
    /// The account behind a live session, as it is now (role, offices); null when the session ended, idled out, grew too
    /// old, or its account was disabled. Marks the session seen at most once a minute.
    /// </summary>
    public async Task<StaffUser?> ValidateSessionAsync(Guid sessionId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var row = await db.Set<StaffSession>().AsNoTracking().Where(s => s.Id == sessionId)
            .Join(db.StaffUsers.AsNoTracking(), s => s.UserId, u => u.Id, (s, u) => new { Session = s, User = u }).FirstOrDefaultAsync(ct);
        if (row is null || row.Session.EndedAt is not null || row.User.Disabled) return null;
        if (now - row.Session.LastSeenAt > SessionIdle || now - row.Session.CreatedAt > SessionMaxAge)
        {
            await EndSessionsAsync(s => s.Id == sessionId, "expired", ct);
            return null;
        }
        if (now - row.Session.LastSeenAt > TimeSpan.FromMinutes(1))
            await db.Set<StaffSession>().Where(s => s.Id == sessionId).ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAt, now), ct);
        return row.User;
    }

    public async Task SignOutAsync(Guid sessionId, string userName, CancellationToken ct)
    {
        await EndSessionsAsync(s => s.Id == sessionId, "sign-out", ct);
        Audit(time.GetUtcNow(), userName, "staff.logout", null);
        await db.SaveChangesAsync(ct);
    }

    private Task<int> EndSessionsAsync(System.Linq.Expressions.Expression<Func<StaffSession, bool>> which, string reason, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return db.Set<StaffSession>().Where(which).Where(s => s.EndedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.EndedAt, now).SetProperty(s => s.EndReason, reason), ct);
    }

    /// <summary>
    /// Demo accounts that still have the password the README publishes get a random one, returned so the caller can
    /// show it once: for a demo reachable from other machines, where a published password is an open door.
    /// </summary>
    public async Task<IReadOnlyList<(string UserName, string Password)>> ReplacePublishedDemoPasswordsAsync(CancellationToken ct)
    {
        var replaced = new List<(string, string)>();
        foreach (var (name, _, published, _, _) in DemoAccounts)
        {
            var user = await db.StaffUsers.FirstOrDefaultAsync(u => u.UserName == name, ct);
            if (user is null || Hasher.VerifyHashedPassword(user, user.PasswordHash, published) == PasswordVerificationResult.Failed) continue;
            var password = Fingerprint.NewSecret(12);
            user.PasswordHash = Hasher.HashPassword(user, password);
            Audit(time.GetUtcNow(), name, "staff.demo-password-replaced", "the demo listens beyond this machine");
            replaced.Add((name, password));
        }
        await db.SaveChangesAsync(ct);
        return replaced;
    }

    public async Task<IReadOnlyList<StaffUser>> ListAsync(CancellationToken ct) =>
        await db.StaffUsers.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct);

    public async Task<StaffUser?> FindAsync(Guid id, CancellationToken ct) =>
        await db.StaffUsers.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);

    /// <summary>An admin changes a staff member's name, role or offices: in effect at their next request.</summary>
    public async Task<StaffUser> UpdateAsync(Guid id, string displayName, string role, IReadOnlyList<string> offices, string actor, CancellationToken ct)
    {
        CheckRole(role, offices);
        await using var tx = await LockAdminsAsync(ct);
        var user = await db.StaffUsers.FirstOrDefaultAsync(u => u.Id == id, ct) ?? throw new StaffException("No such account.");
        var before = Describe(user);
        if (user.Role == StaffRoles.Admin && role != StaffRoles.Admin) await RequireAnotherAdminAsync(user, ct);
        user.DisplayName = CleanDisplayName(displayName, user.UserName);
        user.Role = role;
        user.Offices = role == StaffRoles.Admin ? [] : [.. offices.Distinct()];
        db.AuditLog.Add(new AuditEntry { At = time.GetUtcNow(), Actor = actor, Action = "staff.update", Subject = user.UserName, Details = $"{before} → {Describe(user)}" });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return user;
    }

    /// <summary>Disables (every session ends at once) or enables an account.</summary>
    public async Task SetDisabledAsync(Guid id, bool disabled, string actor, CancellationToken ct)
    {
        await using var tx = await LockAdminsAsync(ct);
        var user = await db.StaffUsers.FirstOrDefaultAsync(u => u.Id == id, ct) ?? throw new StaffException("No such account.");
        if (disabled && user.UserName == actor) throw new StaffException("An admin cannot disable their own account.");
        if (disabled && user.Role == StaffRoles.Admin) await RequireAnotherAdminAsync(user, ct);
        user.Disabled = disabled;
        db.AuditLog.Add(new AuditEntry { At = time.GetUtcNow(), Actor = actor, Action = disabled ? "staff.disable" : "staff.enable", Subject = user.UserName });
        await db.SaveChangesAsync(ct);
        if (disabled) await EndSessionsAsync(s => s.UserId == user.Id, "disabled", ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>A one-time link (its token returned once, only its hash kept) with which the user sets a new password.</summary>
    public async Task<string> CreateResetLinkTokenAsync(Guid id, string actor, CancellationToken ct)
    {
        var user = await db.StaffUsers.FirstOrDefaultAsync(u => u.Id == id, ct) ?? throw new StaffException("No such account.");
        var now = time.GetUtcNow();
        // A new link replaces any older one.
        await db.Set<StaffPasswordReset>().Where(r => r.UserId == id && r.UsedAt == null).ExecuteUpdateAsync(u => u.SetProperty(r => r.UsedAt, now), ct);
        var token = Fingerprint.NewSecret();
        db.Set<StaffPasswordReset>().Add(new StaffPasswordReset
        {
            Id = Guid.CreateVersion7(now), UserId = id, TokenHash = Fingerprint.HashSecret(token), CreatedAt = now,
            ExpiresAt = now + ResetLinkLifetime, CreatedBy = actor,
        });
        db.AuditLog.Add(new AuditEntry { At = now, Actor = actor, Action = "staff.reset-link", Subject = user.UserName });
        await db.SaveChangesAsync(ct);
        return token;
    }

    /// <summary>The account a reset token opens, while it is unused and unexpired.</summary>
    public async Task<StaffUser?> FindByResetTokenAsync(string? token, CancellationToken ct)
    {
        if (token is not { Length: > 20 and < 100 }) return null;
        var hash = Fingerprint.HashSecret(token);
        var now = time.GetUtcNow();
        return await db.Set<StaffPasswordReset>().AsNoTracking().Where(r => r.TokenHash == hash && r.UsedAt == null && r.ExpiresAt > now)
            .Join(db.StaffUsers.AsNoTracking(), r => r.UserId, u => u.Id, (r, u) => u).FirstOrDefaultAsync(ct);
    }

    /// <summary>Sets the password with a reset token, once: the link is spent and every session of the account ends.</summary>
    public async Task<StaffUser> ResetPasswordAsync(string token, string password, CancellationToken ct)
    {
        CheckPassword(password);
        var hash = Fingerprint.HashSecret(token);
        var now = time.GetUtcNow();
        var reset = await db.Set<StaffPasswordReset>().FirstOrDefaultAsync(r => r.TokenHash == hash, ct);
        // Spent by a conditional update, so two uses of one link cannot both set a password.
        var spent = reset is null ? 0 : await db.Set<StaffPasswordReset>()
            .Where(r => r.Id == reset.Id && r.UsedAt == null && r.ExpiresAt > now).ExecuteUpdateAsync(u => u.SetProperty(r => r.UsedAt, now), ct);
        if (spent == 0) throw new StaffException("The link has expired or was already used.");
        var user = await db.StaffUsers.FirstAsync(u => u.Id == reset!.UserId, ct);
        user.PasswordHash = Hasher.HashPassword(user, password);
        db.AuditLog.Add(new AuditEntry { At = now, Actor = user.UserName, Action = "staff.password-set", Subject = user.UserName });
        await db.SaveChangesAsync(ct);
        await EndSessionsAsync(s => s.UserId == user.Id, "password", ct);
        await guard.ResetAsync(Failures, user.UserName, ct);
        return user;
    }

    // Two admins demoting each other at once would each see the other still standing: the check and the change happen
    // under one lock (SQLite's single writer; an advisory lock on PostgreSQL).
    private async Task<WriteTransaction> LockAdminsAsync(CancellationToken ct)
    {
        var tx = await db.BeginWriteAsync(ct);
        if (!db.IsSqlite) await db.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended('staff-admins', 0))", ct);
        return tx;
    }

    /// <summary>Another admin who is enabled and has signed in at least once: an account nobody ever used cannot be the rescue.</summary>
    private async Task RequireAnotherAdminAsync(StaffUser user, CancellationToken ct)
    {
        if (!await db.StaffUsers.AnyAsync(u => u.Id != user.Id && u.Role == StaffRoles.Admin && !u.Disabled && u.LastLoginAt != null, ct))
            throw new StaffException("This is the last active admin.");
    }

    private static string CleanDisplayName(string displayName, string fallback)
    {
        var name = string.Join(' ', (displayName ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (name.Any(char.IsControl) || name.Length > 100) throw new StaffException("A display name has at most 100 characters.");
        return name.Length == 0 ? fallback : name;
    }

    private static string Describe(StaffUser u) => $"role {u.Role}" + (u.Offices.Count > 0 ? $", offices {string.Join(",", u.Offices)}" : "");

    public void AuditSignOut(string userName) => Audit(time.GetUtcNow(), userName, "staff.logout", null);

    private void Audit(DateTimeOffset at, string actor, string action, string? details) =>
        db.AuditLog.Add(new AuditEntry { At = at, Actor = actor, Action = action, Subject = actor, Details = details });

    /// <summary>
    /// The first admin on a fresh install, from configuration (`Admin:Bootstrap:UserName`, `:Password`), and in demo
    /// mode the demo accounts. Runs only while no account exists, so a changed password is never reset.
    /// </summary>
    public async Task<int> EnsureInitialAccountsAsync(string? bootstrapUser, string? bootstrapPassword, bool demo, CancellationToken ct)
    {
        if (await db.StaffUsers.AnyAsync(ct)) return 0;
        var created = 0;
        if (!string.IsNullOrWhiteSpace(bootstrapUser) && !string.IsNullOrEmpty(bootstrapPassword))
        {
            await CreateAsync(bootstrapUser, "Quản trị viên", bootstrapPassword, StaffRoles.Admin, [], "system", ct);
            created++;
        }
        if (demo)
        {
            foreach (var (name, display, password, role, offices) in DemoAccounts)
            {
                if (await db.StaffUsers.AnyAsync(u => u.UserName == name, ct)) continue;
                await CreateAsync(name, display, password, role, offices, "demo-data", ct);
                created++;
            }
        }
        return created;
    }

    /// <summary>Demo mode only (`Messaging:DemoData`); the README lists them. Never present in production.</summary>
    public static readonly (string Name, string Display, string Password, string Role, string[] Offices)[] DemoAccounts =
    [
        ("admin", "Quản trị viên (demo)", "demo-admin-2026", StaffRoles.Admin, []),
        ("canbo.tinhha", "Cán bộ Công an xã Tịnh Hà (demo)", "demo-tinhha-2026", StaffRoles.Officer, ["ca-xa-tinh-ha"]),
        ("canbo.trabong", "Cán bộ Công an xã Trà Bồng (demo)", "demo-trabong-2026", StaffRoles.Officer, ["ca-xa-tra-bong"]),
    ];
}
