using System.Security.Cryptography;
using System.Text;

namespace Messaging.Notifier.Channels.Zalo;

/// <summary>
/// The Official Account's credentials and Zalo's endpoints. Secrets come from environment variables or a secret store
/// (`Zalo__OaSecretKey`, `Zalo__AppSecretKey`, `Zalo__RefreshToken`), never from the repository.
/// </summary>
public sealed class ZaloOptions
{
    public const string Section = "Zalo";

    public string? AppId { get; set; }
    public string? OaId { get; set; }
    /// <summary>"Khóa bí mật của OA": signs the webhook events. Not the app secret.</summary>
    public string? OaSecretKey { get; set; }
    /// <summary>The app's secret key: sent with token refreshes.</summary>
    public string? AppSecretKey { get; set; }
    /// <summary>The first tokens, from the OA admin's authorisation; afterwards the database holds the current pair.</summary>
    public string? AccessToken { get; set; }
    public string? RefreshToken { get; set; }

    public Uri OpenApiUrl { get; set; } = new("https://openapi.zalo.me");
    public Uri OAuthUrl { get; set; } = new("https://oauth.zaloapp.com");
    public Uri BusinessApiUrl { get; set; } = new("https://business.openapi.zalo.me");

    /// <summary>Calls per second to Zalo from this node (token bucket); Zalo answers -32 above its own limit.</summary>
    public double RatePerSecond { get; set; } = 10;
    /// <summary>Consultation messages are refused once the user last interacted longer ago than this.</summary>
    public TimeSpan InteractionWindow { get; set; } = TimeSpan.FromDays(7);
    /// <summary>Refresh the access token when less than this is left (it lives 25 hours).</summary>
    public TimeSpan RefreshAhead { get; set; } = TimeSpan.FromHours(2);
    /// <summary>Webhook events older than this are refused. Zalo redelivers for about an hour after the first try.</summary>
    public TimeSpan MaxEventAge { get; set; } = TimeSpan.FromMinutes(90);
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The OA API is used only when it can be called; otherwise Zalo and ZNS go to the local outbox.</summary>
    public bool SendingConfigured => !string.IsNullOrWhiteSpace(AppId) && !string.IsNullOrWhiteSpace(OaId)
        && !string.IsNullOrWhiteSpace(AccessToken);

    public bool WebhookConfigured => !string.IsNullOrWhiteSpace(AppId) && !string.IsNullOrWhiteSpace(OaSecretKey);
}

/// <summary>
/// The webhook signature: header <c>X-ZEvent-Signature: mac=hex(SHA-256(app_id + raw body + timestamp + OA secret))</c>,
/// a plain hash, not an HMAC, over the exact bytes received.
/// </summary>
public static class ZaloSignature
{
    public const string Header = "X-ZEvent-Signature";

    public static string Compute(string appId, ReadOnlySpan<byte> body, string timestamp, string oaSecretKey)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(appId));
        sha.AppendData(body);
        sha.AppendData(Encoding.UTF8.GetBytes(timestamp));
        sha.AppendData(Encoding.UTF8.GetBytes(oaSecretKey));
        return "mac=" + Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>Constant-time comparison, so the time taken says nothing about how much of a forged value matched.</summary>
    public static bool Verify(string appId, ReadOnlySpan<byte> body, string timestamp, string oaSecretKey, string? header)
    {
        if (string.IsNullOrEmpty(header)) return false;
        var expected = Encoding.ASCII.GetBytes(Compute(appId, body, timestamp, oaSecretKey));
        var given = Encoding.ASCII.GetBytes(header.Trim().ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
