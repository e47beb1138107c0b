using System.Security.Cryptography;
using System.Text;
using Messaging.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Messaging.Core.Identity;

/// <summary>A secret the deployment generates once and every node reads from the database.</summary>
public sealed class ServerSecret
{
    public required string Name { get; set; }
    public required string Value { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class ServerSecretConfiguration : IEntityTypeConfiguration<ServerSecret>
{
    public void Configure(EntityTypeBuilder<ServerSecret> e)
    {
        e.ToTable("server_secrets");
        e.HasKey(x => x.Name);
        e.Property(x => x.Name).HasMaxLength(64);
    }
}

/// <summary>
/// Stand-ins for values that must be compared but not kept (a phone in an abuse counter, a client's address with a
/// booking): HMAC-SHA256 under the deployment's own key, so a stolen table cannot be reversed by trying every phone
/// number or address, as a plain hash could in seconds.
/// </summary>
public sealed class Fingerprinter
{
    public const string KeyName = "fingerprint-key";
    // Until the deployment's key is loaded at start (and in hosts that never load it): a key of this process.
    private byte[] _key = RandomNumberGenerator.GetBytes(32);

    public void UseKey(byte[] key) => _key = key;

    public string Of(string value) =>
        Convert.ToHexString(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(value)), 0, 12).ToLowerInvariant();

    /// <summary>The named secret, created by whichever node asks first (one insert wins; every node then reads it).</summary>
    public static async Task<byte[]> LoadOrCreateKeyAsync(MessagingDbContext db, string name, TimeProvider time, CancellationToken ct)
    {
        await db.ExecuteAsync("INSERT INTO server_secrets (name, value, created_at) VALUES (@name, @value, @at) ON CONFLICT (name) DO NOTHING", ct,
            ("@name", name), ("@value", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))), ("@at", db.InstantValue(time.GetUtcNow())));
        var value = await db.Set<ServerSecret>().AsNoTracking().Where(s => s.Name == name).Select(s => s.Value).SingleAsync(ct);
        return Convert.FromBase64String(value);
    }
}
