using System.Security.Cryptography;
using System.Text;

namespace Messaging.Core.Identity;

/// <summary>
/// A short, stable stand-in for a value that must be compared but not kept: a client address, a phone number in an
/// abuse counter. SHA-256, truncated; enough to tell values apart, useless for reading them back.
/// </summary>
public static class Fingerprint
{
    public static string Of(string value) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)), 0, 12).ToLowerInvariant();

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
