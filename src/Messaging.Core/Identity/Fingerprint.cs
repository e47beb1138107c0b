using System.Security.Cryptography;
using System.Text;

namespace Messaging.Core.Identity;

/// <summary>
/// Secrets the server hands out (conversation tokens, demo passwords) and their stored form. A token has 256 random
/// bits, so its plain SHA-256 is enough; values of low entropy (phones, addresses) go through <see cref="Fingerprinter"/>.
/// </summary>
public static class Fingerprint
{
    /// <summary>A fresh secret of <paramref name="bytes"/> random bytes, URL-safe.</summary>
    public static string NewSecret(int bytes = 32) =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The stored form of a secret the server handed out: only its hash is kept.</summary>
    public static string HashSecret(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret))).ToLowerInvariant();

    /// <summary>Compares a presented secret with a stored hash in constant time.</summary>
    public static bool MatchesSecret(string? presented, string? storedHash)
    {
        if (string.IsNullOrEmpty(presented) || string.IsNullOrEmpty(storedHash) || presented.Length > 256) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashSecret(presented)), Encoding.ASCII.GetBytes(storedHash));
    }
}
