using System.Net.Http.Json;
using System.Text.Json;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Messaging.Notifier.Channels.Zalo;

/// <summary>
/// The OA access token. Zalo's refresh token works once: the node that refreshes first holds a lease on the token row
/// (an optimistic update of its version), calls Zalo, and writes the new access and refresh tokens in one update.
/// Other nodes, and other callers in this process, wait and then read the new pair. Refreshes happen ahead of expiry
/// and when Zalo rejects a token.
/// </summary>
public sealed class ZaloTokenProvider(IServiceScopeFactory scopes, IHttpClientFactory http, IOptions<ZaloOptions> options,
    TimeProvider time, ILogger<ZaloTokenProvider> log)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    // The access token lives 25 hours; a token from configuration is assumed fresh until Zalo says otherwise.
    private static readonly TimeSpan AssumedLifetime = TimeSpan.FromHours(25);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, DateTimeOffset ExpiresAt)? _cached;
    private DateTimeOffset? _refusedAt;

    private ZaloOptions O => options.Value;
    private string OaId => O.OaId ?? throw new InvalidOperationException("Zalo:OaId is not configured.");

    public async Task<string> GetAsync(CancellationToken ct)
    {
        if (_cached is { } c && c.ExpiresAt - time.GetUtcNow() > O.RefreshAhead) return c.Token;
        await _gate.WaitAsync(ct);
        try
        {
            var row = await LoadOrSeedAsync(ct);
            if (row.ExpiresAt - time.GetUtcNow() > O.RefreshAhead) return Cache(row);
            return await RefreshLockedAsync(row.AccessToken, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Called when Zalo refused <paramref name="rejected"/>; returns a token that is not that one.</summary>
    public async Task<string> RefreshAsync(string rejected, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            return await RefreshLockedAsync(rejected, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<string> RefreshLockedAsync(string rejected, CancellationToken ct)
    {
        _cached = null;
        for (var round = 0; round < 200; round++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
            var row = await db.ZaloTokens.FirstAsync(t => t.OaId == OaId, ct);
            var now = time.GetUtcNow();
            if (row.AccessToken != rejected && row.ExpiresAt - now > O.RefreshAhead) return Cache(row);
            if (row.RefreshingUntil is { } until && until > now)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(150), ct); // another node is refreshing
                continue;
            }
            row.RefreshingUntil = now + Lease;
            row.Version++;
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                continue; // another node took the lease first
            }

            TokenPair pair;
            try
            {
                pair = await CallRefreshAsync(row.RefreshToken, ct);
            }
            catch
            {
                row.RefreshingUntil = null;
                row.Version++;
                await db.SaveChangesAsync(CancellationToken.None);
                throw;
            }
            // Both tokens in one update: the old refresh token is spent, losing the new one would need the OA admin.
            row.AccessToken = pair.AccessToken;
            row.RefreshToken = pair.RefreshToken;
            row.ExpiresAt = now + pair.ExpiresIn;
            row.RefreshingUntil = null;
            row.Version++;
            row.UpdatedAt = now;
            await db.SaveChangesAsync(CancellationToken.None);
            _refusedAt = null;
            log.ZaloTokenRefreshed(row.ExpiresAt);
            return Cache(row);
        }
        throw new ZaloApiException(0, "the access token could not be refreshed: another node kept the refresh lease", transient: true);
    }

    /// <summary>
    /// Readiness: the access token in the database (or, before the first send, the configured one) has not expired. A
    /// refused refresh is named, since only the OA admin can mend it, but the token serves until it expires.
    /// </summary>
    public async Task<ZaloTokenHealth> CheckAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        var row = await db.ZaloTokens.AsNoTracking().FirstOrDefaultAsync(t => t.OaId == OaId, ct);
        var refused = _refusedAt is { } at ? $"; the refresh was refused at {at:O}: the OA admin must authorise the app again" : "";
        if (row is null)
            return string.IsNullOrWhiteSpace(O.AccessToken)
                ? new ZaloTokenHealth(false, "no access token configured")
                : new ZaloTokenHealth(true, "the configured access token, not used yet" + refused);
        var left = row.ExpiresAt - time.GetUtcNow();
        return string.IsNullOrEmpty(row.AccessToken) || left <= TimeSpan.Zero
            ? new ZaloTokenHealth(false, $"the access token expired at {row.ExpiresAt:O}" + refused)
            : new ZaloTokenHealth(true, $"the access token expires in {left.TotalHours:F1} h" + refused);
    }

    private async Task<ZaloToken> LoadOrSeedAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        if (await db.ZaloTokens.AsNoTracking().FirstOrDefaultAsync(t => t.OaId == OaId, ct) is { } row) return row;
        var now = time.GetUtcNow();
        var seeded = new ZaloToken
        {
            OaId = OaId, AccessToken = O.AccessToken ?? "", RefreshToken = O.RefreshToken ?? "",
            ExpiresAt = now + AssumedLifetime, Version = 1, UpdatedAt = now,
        };
        db.ZaloTokens.Add(seeded);
        try
        {
            await db.SaveChangesAsync(ct);
            return seeded;
        }
        catch (DbUpdateException e) when (RawSql.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return await db.ZaloTokens.AsNoTracking().FirstAsync(t => t.OaId == OaId, ct);
        }
    }

    private string Cache(ZaloToken row)
    {
        _cached = (row.AccessToken, row.ExpiresAt);
        return row.AccessToken;
    }

    private sealed record TokenPair(string AccessToken, string RefreshToken, TimeSpan ExpiresIn);

    private async Task<TokenPair> CallRefreshAsync(string refreshToken, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(refreshToken) || string.IsNullOrWhiteSpace(O.AppSecretKey))
            throw new ZaloApiException(0, "no refresh token or Zalo:AppSecretKey: the OA admin must authorise the app again", transient: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(O.OAuthUrl, "/v4/oa/access_token"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["refresh_token"] = refreshToken, ["app_id"] = O.AppId ?? "", ["grant_type"] = "refresh_token",
            }),
        };
        request.Headers.Add("secret_key", O.AppSecretKey);
        JsonElement body;
        try
        {
            using var client = http.CreateClient(ZaloApiClient.HttpClientName);
            client.Timeout = O.Timeout;
            using var response = await client.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
                throw new ZaloApiException(0, $"token refresh: HTTP {(int)response.StatusCode}", transient: (int)response.StatusCode >= 500);
            body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        }
        catch (HttpRequestException e)
        {
            throw new ZaloApiException(0, "token refresh: " + e.Message, transient: true);
        }
        catch (JsonException e)
        {
            throw new ZaloApiException(0, "token refresh: the answer is not JSON: " + e.Message, transient: true);
        }
        if (body.TryGetProperty("access_token", out var access) && body.TryGetProperty("refresh_token", out var refresh)
            && access.GetString() is { Length: > 0 } a && refresh.GetString() is { Length: > 0 } r)
        {
            return new TokenPair(a, r, TimeSpan.FromSeconds(Seconds(body)));
        }
        var why = body.TryGetProperty("error_description", out var d) ? d.GetString() : body.GetRawText();
        _refusedAt = time.GetUtcNow();
        log.ZaloRefreshRefused(why);
        throw new ZaloApiException(0, "token refresh refused: " + why, transient: false);
    }

    // expires_in comes as a string ("90000"), sometimes as a number.
    private static double Seconds(JsonElement body) =>
        !body.TryGetProperty("expires_in", out var e) ? AssumedLifetime.TotalSeconds
        : e.ValueKind == JsonValueKind.Number ? e.GetDouble()
        : double.TryParse(e.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : AssumedLifetime.TotalSeconds;
}

public sealed record ZaloTokenHealth(bool Valid, string Detail);
