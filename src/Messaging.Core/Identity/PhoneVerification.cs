using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Language.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Messaging.Core.Identity;

public enum PhoneVerificationMode
{
    /// <summary>
    /// Codes are asked for outside demo mode, and in demo mode once SMS or ZNS goes to a real gateway. Outside demo mode
    /// the answer does not depend on this process's gateway settings: a web node without them must not skip the codes
    /// a worker node with them would send.
    /// </summary>
    Auto,
    Always,
    Never,
}

public sealed class IdentityOptions
{
    public const string Section = "Identity";

    public PhoneVerificationMode PhoneVerification { get; set; } = PhoneVerificationMode.Auto;
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(10);
    public int MaxAttemptsPerCode { get; set; } = 5;
    /// <summary>Set by the notifier, not by configuration: SMS or ZNS reaches real phones (not the local outbox).</summary>
    public bool RealPhoneGateway { get; set; }
    /// <summary>Set from Messaging:DemoData, not by this section.</summary>
    public bool DemoMode { get; set; }
    /// <summary>Whether Zalo's info form (the user shares the phone of their Zalo account) counts as proof of that phone.</summary>
    public bool TrustZaloSharedPhone { get; set; } = true;
    /// <summary>Phones one identity may prove: a family shares a Zalo account, a stranger collecting numbers does not.</summary>
    public int MaxPhonesPerIdentity { get; set; } = 3;

    public bool CodesRequired => PhoneVerification == PhoneVerificationMode.Always
        || (PhoneVerification == PhoneVerificationMode.Auto && (RealPhoneGateway || !DemoMode));
}

/// <summary>
/// Proof that a channel identity (a Zalo account, a web chat, a Direct Line user) holds a phone number: a one-time
/// code sent to that phone and typed back, or Zalo's own shared-phone consent. Only such a link lets the phone's
/// notifications, preferences and opt-outs follow that identity.
/// </summary>
public sealed class PhoneLink
{
    public Guid Id { get; set; }
    public required string Phone { get; set; }
    public required string Channel { get; set; }
    public required string Subject { get; set; }
    /// <summary>"code" (a one-time code), "zalo-consent" (the OA's info form), "sms" (the phone itself wrote to us).</summary>
    public string Method { get; set; } = "";
    public DateTimeOffset VerifiedAt { get; set; }
}

/// <summary>A one-time code sent to a phone: only its hash is kept, with the identity that asked for it.</summary>
public sealed class OneTimeCode
{
    public Guid Id { get; set; }
    public required string Phone { get; set; }
    public required string Channel { get; set; }
    /// <summary>The identity that asked; "" for the booking API, which has none.</summary>
    public string Subject { get; set; } = "";
    public required string CodeHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? ConsumedAt { get; set; }
}

internal sealed class PhoneLinkConfiguration : IEntityTypeConfiguration<PhoneLink>
{
    public void Configure(EntityTypeBuilder<PhoneLink> e)
    {
        e.ToTable("phone_links");
        e.Property(x => x.Phone).HasMaxLength(16);
        e.Property(x => x.Channel).HasMaxLength(32);
        e.Property(x => x.Subject).HasMaxLength(200);
        e.Property(x => x.Method).HasMaxLength(16);
        e.HasIndex(x => new { x.Phone, x.Channel, x.Subject }).IsUnique();
        e.HasIndex(x => new { x.Channel, x.Subject });
    }
}

internal sealed class OneTimeCodeConfiguration : IEntityTypeConfiguration<OneTimeCode>
{
    public void Configure(EntityTypeBuilder<OneTimeCode> e)
    {
        e.ToTable("one_time_codes");
        e.Property(x => x.Phone).HasMaxLength(16);
        e.Property(x => x.Channel).HasMaxLength(32);
        e.Property(x => x.Subject).HasMaxLength(200);
        e.Property(x => x.CodeHash).HasMaxLength(64);
        e.HasIndex(x => x.CreatedAt);
    }
}

public abstract record CodeSendResult
{
    public sealed record Sent(Guid Id, DateTimeOffset ExpiresAt) : CodeSendResult;
    public sealed record Limited(TimeSpan RetryAfter) : CodeSendResult;
    public sealed record InvalidPhone : CodeSendResult;
}

public enum CodeCheck { Verified, Wrong, Expired, TooManyAttempts, Unknown }

public sealed record CodeCheckResult(CodeCheck Outcome, int AttemptsLeft);

/// <summary>Sends one-time codes (capped per phone and per client), checks them (capped per code), records the links.</summary>
public sealed class PhoneVerification(LazyDb database, TimeProvider time, AbuseGuard guard, IOptions<IdentityOptions> options,
    IOptions<AbuseOptions> abuse, INotificationSink sink, Fingerprinter fingerprints, PhoneLinkReads links)
{
    public const string CodeTemplate = "notify/one-time-code";

    private MessagingDbContext db => database.Value;

    public bool CodesRequired => options.Value.CodesRequired;

    public Task<bool> IsLinkedAsync(string phone, string channel, string subject, CancellationToken ct) =>
        links.IsLinkedAsync(phone, channel, subject, ct);

    /// <summary>Whether an identity must prove this phone before using it (a booking, a preference).</summary>
    public async Task<bool> NeedsCodeAsync(string phone, string channel, string? subject, CancellationToken ct) =>
        CodesRequired && (subject is null || !await IsLinkedAsync(phone, channel, subject, ct));

    public async Task<CodeSendResult> SendCodeAsync(string phone, string channel, string? subject, string clientKey, string locale,
        CancellationToken ct)
    {
        if (!VietnamesePhone.TryNormalize(phone, out var normalized)) return new CodeSendResult.InvalidPhone();
        var limits = abuse.Value;
        if (await guard.TryClaimAllAsync([(limits.CodePerPhone, normalized), (limits.CodePerClient, clientKey)], ct) is null)
        {
            var wait = await guard.RetryAfterAsync(limits.CodePerPhone, normalized, ct);
            return new CodeSendResult.Limited(wait);
        }
        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        var expires = now + options.Value.CodeLifetime;
        db.Set<OneTimeCode>().Add(new OneTimeCode
        {
            Id = id, Phone = normalized, Channel = channel, Subject = subject ?? "", CodeHash = Hash(id, code),
            CreatedAt = now, ExpiresAt = expires,
        });
        await db.SaveChangesAsync(ct);
        var data = JsonSerializer.SerializeToElement(new { code, minutes = (int)Math.Ceiling(options.Value.CodeLifetime.TotalMinutes) });
        // Straight to the queue, not through the outbox: the code must not rest in a table, and a code lost to a crash
        // is simply asked for again.
        await sink.EnqueueAsync(new NotificationRequest($"code:{id:N}", CodeTemplate,
            new Recipient(null, normalized, ChannelOrder: [ChannelNames.Zns, ChannelNames.Sms], Locale: locale == "en" ? "en" : "vi"), data,
            NotificationPriority.Critical, ExpiresAt: expires, Sensitive: true, Origin: fingerprints.Of(clientKey)), ct);
        return new CodeSendResult.Sent(id, expires);
    }

    /// <summary>
    /// Checks a typed code. Each check first takes one of the code's attempts with a conditional update, so guesses
    /// sent in parallel cannot exceed the limit; a right code is consumed once, and the identity linked to the phone.
    /// </summary>
    public async Task<CodeCheckResult> VerifyAsync(Guid id, string phone, string channel, string? subject, string? typed,
        CancellationToken ct, bool link = true)
    {
        var max = options.Value.MaxAttemptsPerCode;
        VietnamesePhone.TryNormalize(phone, out var normalized);
        var row = await db.Set<OneTimeCode>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (row is null || row.ConsumedAt is not null || row.Phone != normalized || row.Channel != channel || row.Subject != (subject ?? ""))
            return new CodeCheckResult(CodeCheck.Unknown, 0);
        var now = time.GetUtcNow();
        if (now >= row.ExpiresAt) return new CodeCheckResult(CodeCheck.Expired, 0);
        // The attempt is taken, and its number read, in one statement: no reply tells of tries that others already used.
        var attempt = (int)await db.ScalarAsync(
            "UPDATE one_time_codes SET attempts = attempts + 1 WHERE id = @id AND attempts < @max AND consumed_at IS NULL RETURNING attempts",
            ct, ("@id", db.IdValue(id)), ("@max", max));
        if (attempt == 0) return new CodeCheckResult(CodeCheck.TooManyAttempts, 0);
        var attemptsLeft = Math.Max(0, max - attempt);
        var clean = new string((typed ?? "").Where(char.IsAsciiDigit).ToArray());
        if (clean.Length != 6 || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(id, clean)), Encoding.ASCII.GetBytes(row.CodeHash)))
            return new CodeCheckResult(attemptsLeft == 0 ? CodeCheck.TooManyAttempts : CodeCheck.Wrong, attemptsLeft);
        var consumed = await db.ExecuteAsync("UPDATE one_time_codes SET consumed_at = @at WHERE id = @id AND consumed_at IS NULL", ct,
            ("@at", db.InstantValue(now)), ("@id", db.IdValue(id)));
        if (consumed == 0) return new CodeCheckResult(CodeCheck.Unknown, 0);
        if (subject is not null && link) await LinkAsync(normalized, channel, subject, "code", ct);
        return new CodeCheckResult(CodeCheck.Verified, attemptsLeft);
    }

    /// <summary>
    /// Records that an identity holds a phone (idempotent). False when the identity already holds as many phones as one
    /// person plausibly answers for: someone collecting numbers is not linked to another one.
    /// </summary>
    public async Task<bool> LinkAsync(string phone, string channel, string subject, string method, CancellationToken ct)
    {
        if (!VietnamesePhone.TryNormalize(phone, out var normalized)) return false;
        var links = await db.Set<PhoneLink>().Where(l => l.Channel == channel && l.Subject == subject).Select(l => l.Phone).ToListAsync(ct);
        if (links.Contains(normalized)) return true;
        if (links.Count >= options.Value.MaxPhonesPerIdentity) return false;
        var now = time.GetUtcNow();
        await db.ExecuteAsync(
            "INSERT INTO phone_links (id, phone, channel, subject, method, verified_at) VALUES (@id, @phone, @channel, @subject, @method, @at) " +
            "ON CONFLICT (phone, channel, subject) DO NOTHING", ct,
            ("@id", db.IdValue(Guid.CreateVersion7(now))), ("@phone", normalized), ("@channel", channel), ("@subject", subject),
            ("@method", method), ("@at", db.InstantValue(now)));
        return true;
    }

    private static string Hash(Guid id, string code) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(id.ToString("N") + ":" + code))).ToLowerInvariant();
}

/// <summary>
/// Whether an identity proved a phone: every booking turn after the phone question asks it, so it is a statement
/// prepared once on connections of its own (EF's per-query work and a pooled context per turn were most of its cost).
/// </summary>
public sealed class PhoneLinkReads(IServiceScopeFactory scopes) : IAsyncDisposable
{
    private readonly Lazy<PreparedReaders> _linked = new(() => new PreparedReaders(DirectDatabase.Describe(scopes),
        "SELECT 1 FROM phone_links WHERE phone = @phone AND channel = @channel AND subject = @subject LIMIT 1", "@phone", "@channel", "@subject"));

    public Task<bool> IsLinkedAsync(string phone, string channel, string subject, CancellationToken ct) =>
        _linked.Value.QueryAsync(cmd =>
        {
            DirectDatabase.Set(cmd, "@phone", phone);
            DirectDatabase.Set(cmd, "@channel", channel);
            DirectDatabase.Set(cmd, "@subject", subject);
        }, async (r, token) => await r.ReadAsync(token), ct);

    public async ValueTask DisposeAsync()
    {
        if (_linked.IsValueCreated) await _linked.Value.DisposeAsync();
    }
}
