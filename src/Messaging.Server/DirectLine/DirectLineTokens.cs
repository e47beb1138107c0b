using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Messaging.Server.DirectLine;

public sealed class DirectLineOptions
{
    public const string Section = "DirectLine";

    /// <summary>Site secrets, one per embedding site, each nameable and revocable. None: Direct Line refuses everyone.</summary>
    public List<DirectLineSecret> Secrets { get; set; } = [];
    /// <summary>Signs the tokens (at least 32 characters). Every node of one deployment needs the same key.</summary>
    public string? TokenKey { get; set; }
    /// <summary>The protocol's token lifetime: 30 minutes; clients refresh halfway.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>Sites (scheme://host:port) whose pages may call Direct Line from the browser.</summary>
    public List<string> AllowedOrigins { get; set; } = [];
    /// <summary>New conversations and stream openings one site secret may cause per minute (per node), whatever its clients.</summary>
    public int OpensPerSecretPerMinute { get; set; } = 600;
    /// <summary>Streams open at once on one conversation (per node): a page needs one, a reconnecting page briefly two.</summary>
    public int MaxStreamsPerConversation { get; set; } = 3;
}

/// <summary>Per-secret budgets and per-conversation stream counts of this node.</summary>
public sealed class DirectLineLimits(IOptionsMonitor<DirectLineOptions> options)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, System.Threading.RateLimiting.FixedWindowRateLimiter> _opens = new();
    private readonly Messaging.Server.Security.ConcurrentSlots _streams = new();

    /// <summary>Takes one of the secret's openings this minute; false past the budget.</summary>
    public bool TryOpen(string secretName)
    {
        var limiter = _opens.GetOrAdd(secretName, _ => new System.Threading.RateLimiting.FixedWindowRateLimiter(new()
        {
            PermitLimit = Math.Max(1, options.CurrentValue.OpensPerSecretPerMinute), Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
        }));
        using var lease = limiter.AttemptAcquire();
        return lease.IsAcquired;
    }

    /// <summary>Holds a stream slot of the conversation until disposed; null when its streams are all taken.</summary>
    public IDisposable? TryHoldStream(string conversationId) => _streams.TryHold(conversationId, options.CurrentValue.MaxStreamsPerConversation);
}

public sealed class DirectLineSecret
{
    public string Name { get; set; } = "";
    public string Secret { get; set; } = "";
    /// <summary>A revoked secret is refused, and so is every token issued with it.</summary>
    public bool Revoked { get; set; }
    /// <summary>
    /// The site signs its users in and names them in the tokens it asks for: such a user's bookings follow them across
    /// conversations. Off by default, because many sites hand every anonymous visitor a random user id.
    /// </summary>
    public bool AuthenticatesUsers { get; set; }
}

/// <summary>What a token grants: one conversation, optionally one user, until it expires, while its secret stands.</summary>
public sealed record DirectLineGrant(
    [property: JsonPropertyName("c")] string ConversationId,
    [property: JsonPropertyName("u")] string? UserId,
    [property: JsonPropertyName("s")] string SecretName,
    [property: JsonPropertyName("e")] long ExpiresAt);

/// <summary>Who is calling: a site with its secret (any conversation it starts), or a token holder (its one conversation).</summary>
public sealed record DirectLineCaller(string SecretName, DirectLineGrant? Grant);

public enum DirectLineRefusal { None, Missing, Unknown, Expired, Revoked }

/// <summary>
/// Site secrets and the tokens made from them. Tokens are self-contained (an HMAC-SHA256 over the grant) so any node
/// with the key checks them without a database read; secrets and signatures are compared in constant time.
/// </summary>
public sealed class DirectLineTokens
{
    private const string Prefix = "dl1.";
    private readonly IOptionsMonitor<DirectLineOptions> _options;
    private readonly TimeProvider _time;
    private readonly byte[] _key;

    public DirectLineTokens(IOptionsMonitor<DirectLineOptions> options, TimeProvider time, ILogger<DirectLineTokens> log)
    {
        _options = options;
        _time = time;
        var configured = options.CurrentValue.TokenKey;
        if (configured is { Length: >= 32 }) _key = Encoding.UTF8.GetBytes(configured);
        else
        {
            // Fine for one node: tokens last 30 minutes and clients fetch new ones after a restart.
            _key = RandomNumberGenerator.GetBytes(32);
            if (options.CurrentValue.Secrets.Count > 0)
                log.DirectLineKeyOfThisProcess();
        }
    }

    public TimeSpan Lifetime => _options.CurrentValue.TokenLifetime;

    /// <summary>Every Direct Line conversation id has it; only Direct Line credentials reach those conversations.</summary>
    public const string ConversationPrefix = "dl-";

    public static string NewConversationId() => ConversationPrefix + Base64Url(RandomNumberGenerator.GetBytes(18));

    public static bool IsDirectLineConversation(string id) => id.StartsWith(ConversationPrefix, StringComparison.Ordinal);

    public string Issue(string conversationId, string? userId, string secretName)
    {
        var grant = new DirectLineGrant(conversationId, userId, secretName, (_time.GetUtcNow() + Lifetime).ToUnixTimeSeconds());
        var body = Prefix + Base64Url(JsonSerializer.SerializeToUtf8Bytes(grant));
        return body + "." + Base64Url(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(body)));
    }

    /// <summary>The caller behind an Authorization header value (or a stream's t parameter).</summary>
    public (DirectLineCaller? Caller, DirectLineRefusal Refusal) Authenticate(string? bearer)
    {
        if (string.IsNullOrWhiteSpace(bearer)) return (null, DirectLineRefusal.Missing);
        var secrets = _options.CurrentValue.Secrets;
        var presented = Encoding.UTF8.GetBytes(bearer);
        DirectLineSecret? match = null;
        // Every secret is compared, all the way, so the time taken says nothing about which one nearly matched.
        foreach (var s in secrets)
            if (s.Secret.Length >= 16 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(s.Secret), presented)) match = s;
        if (match is not null)
            return match.Revoked ? (null, DirectLineRefusal.Revoked) : (new DirectLineCaller(match.Name, null), DirectLineRefusal.None);

        if (!bearer.StartsWith(Prefix, StringComparison.Ordinal) || bearer.LastIndexOf('.') is var dot && dot <= Prefix.Length)
            return (null, DirectLineRefusal.Unknown);
        var body = bearer[..dot];
        byte[] signature;
        DirectLineGrant? grant;
        try
        {
            signature = FromBase64Url(bearer[(dot + 1)..]);
            if (!CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(body))))
                return (null, DirectLineRefusal.Unknown);
            grant = JsonSerializer.Deserialize<DirectLineGrant>(FromBase64Url(body[Prefix.Length..]));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return (null, DirectLineRefusal.Unknown);
        }
        if (grant is null) return (null, DirectLineRefusal.Unknown);
        if (secrets.FirstOrDefault(s => s.Name == grant.SecretName) is not { Revoked: false }) return (null, DirectLineRefusal.Revoked);
        if (_time.GetUtcNow().ToUnixTimeSeconds() >= grant.ExpiresAt) return (null, DirectLineRefusal.Expired);
        return (new DirectLineCaller(grant.SecretName, grant), DirectLineRefusal.None);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}
