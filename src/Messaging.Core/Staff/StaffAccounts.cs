using Messaging.Core.Persistence;
using Messaging.Core.Templates;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

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
    public int FailedLogins { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public bool Disabled { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastLoginAt { get; set; }
}

public enum StaffSignIn { Success, Invalid, LockedOut }

public sealed record SignInOutcome(StaffSignIn Result, StaffUser? User, DateTimeOffset? LockedUntil = null);

public sealed class StaffException(string message) : Exception(message);

/// <summary>
/// Staff accounts: creation with a password policy, sign-in with lockout after repeated failures, every sign-in and
/// change in the audit log. The same answer and the same work for an unknown name as for a wrong password.
/// </summary>
public sealed class StaffAccounts(MessagingDbContext db, TimeProvider time)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan LockoutTime = TimeSpan.FromMinutes(15);
    public const int MinPasswordLength = 10;
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
        if (!StaffRoles.IsValid(role)) throw new StaffException($"Unknown role '{role}'.");
        CheckPassword(password);
        if (role == StaffRoles.Officer && offices.Count == 0) throw new StaffException("An officer needs at least one office.");
        if (await db.StaffUsers.AnyAsync(u => u.UserName == name, ct)) throw new StaffException($"The user name '{name}' is taken.");
        var now = time.GetUtcNow();
        var user = new StaffUser
        {
            Id = Guid.CreateVersion7(now), UserName = name, DisplayName = displayName.Trim(), Role = role,
            Offices = [.. offices.Distinct()], CreatedAt = now,
        };
        user.PasswordHash = Hasher.HashPassword(user, password);
        db.StaffUsers.Add(user);
        db.AuditLog.Add(new AuditEntry { At = now, Actor = actor, Action = "staff.create", Subject = name, Details = $"role {role}" });
        await db.SaveChangesAsync(ct);
        return user;
    }

    public static void CheckPassword(string password)
    {
        if (password.Length < MinPasswordLength) throw new StaffException($"A password has at least {MinPasswordLength} characters.");
    }

    public async Task<SignInOutcome> SignInAsync(string userName, string password, string from, CancellationToken ct)
    {
        var name = Normalize(userName);
        var now = time.GetUtcNow();
        var user = await db.StaffUsers.FirstOrDefaultAsync(u => u.UserName == name, ct);
        if (user is null || user.Disabled)
        {
            Hasher.VerifyHashedPassword(new StaffUser { UserName = name }, DummyHash, password);
            Audit(now, name, "staff.login-failed", from);
            await db.SaveChangesAsync(ct);
            return new SignInOutcome(StaffSignIn.Invalid, null);
        }
        if (user.LockedUntil is { } until && until > now)
        {
            Audit(now, name, "staff.login-locked", from);
            await db.SaveChangesAsync(ct);
            return new SignInOutcome(StaffSignIn.LockedOut, null, until);
        }
        var verdict = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            user.FailedLogins++;
            if (user.FailedLogins >= MaxFailures)
            {
                user.LockedUntil = now + LockoutTime;
                user.FailedLogins = 0;
                Audit(now, name, "staff.locked-out", $"{MaxFailures} failed sign-ins; from {from}");
                await db.SaveChangesAsync(ct);
                return new SignInOutcome(StaffSignIn.LockedOut, null, user.LockedUntil);
            }
            Audit(now, name, "staff.login-failed", from);
            await db.SaveChangesAsync(ct);
            return new SignInOutcome(StaffSignIn.Invalid, null);
        }
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded) user.PasswordHash = Hasher.HashPassword(user, password);
        user.FailedLogins = 0;
        user.LockedUntil = null;
        user.LastLoginAt = now;
        Audit(now, name, "staff.login", from);
        await db.SaveChangesAsync(ct);
        return new SignInOutcome(StaffSignIn.Success, user);
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
            var password = Messaging.Core.Identity.Fingerprint.NewSecret(12);
            user.PasswordHash = Hasher.HashPassword(user, password);
            Audit(time.GetUtcNow(), name, "staff.demo-password-replaced", "the demo listens beyond this machine");
            replaced.Add((name, password));
        }
        await db.SaveChangesAsync(ct);
        return replaced;
    }

    public async Task<StaffUser?> FindAsync(Guid id, CancellationToken ct) =>
        await db.StaffUsers.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);

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
        ("canbo.traxuan", "Cán bộ Công an thị trấn Trà Xuân (demo)", "demo-traxuan-2026", StaffRoles.Officer, ["ca-tt-tra-xuan"]),
    ];
}
