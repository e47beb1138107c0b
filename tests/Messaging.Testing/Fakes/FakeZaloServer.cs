using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Messaging.Testing.Fakes;

/// <summary>
/// Zalo's OpenAPI as documented: consultation messages (/v3.0/oa/message/cs), ZNS (/message/template) and the OAuth v4
/// token refresh, with the header access_token, the {error, message, data} answers, single-use refresh tokens and
/// error codes scripted per user or phone. Serves all three hosts on one port.
/// </summary>
public sealed class FakeZaloServer : FakeHttpServer
{
    public const string AppSecret = "fake-app-secret-key";
    private readonly Lock _lock = new();
    private int _sequence;

    public sealed record Call(string Path, string? AccessToken, JsonElement Body);

    public string AccessToken { get; private set; } = "at-0";
    public string RefreshToken { get; private set; } = "rt-0";
    public int Refreshes { get; private set; }
    public ConcurrentQueue<Call> Calls { get; } = new();
    /// <summary>Error codes to answer for a user id (OA messages) or phone (ZNS), one per call, then success.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<int>> Errors { get; } = new();

    public IEnumerable<Call> Messages => Calls.Where(c => c.Path == "/v3.0/oa/message/cs");
    public IEnumerable<Call> ZnsMessages => Calls.Where(c => c.Path == "/message/template");

    public void FailNext(string userOrPhone, params int[] codes)
    {
        var q = Errors.GetOrAdd(userOrPhone, _ => new ConcurrentQueue<int>());
        foreach (var c in codes) q.Enqueue(c);
    }

    /// <summary>Zalo stops accepting the current access token, as after its 25 hours.</summary>
    public void ExpireAccessToken()
    {
        lock (_lock) AccessToken = "expired-" + Guid.NewGuid().ToString("N");
    }

    protected override void Map(WebApplication app)
    {
        app.MapPost("/v3.0/oa/message/cs", async (HttpRequest request) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            var token = request.Headers["access_token"].ToString();
            Calls.Enqueue(new Call("/v3.0/oa/message/cs", token, body));
            if (token != AccessToken) return Results.Json(new { error = -216, message = "Access token is invalid" });
            var user = body.GetProperty("recipient").GetProperty("user_id").GetString()!;
            if (Scripted(user) is { } code) return Results.Json(new { error = code, message = Meaning(code) });
            if (body.GetProperty("message").GetProperty("text").GetString()!.Length > 2000)
                return Results.Json(new { error = -210, message = "Parameter exceeds limit" });
            return Results.Json(new { error = 0, message = "Success", data = new { message_id = "m" + Interlocked.Increment(ref _sequence), user_id = user } });
        });
        app.MapPost("/message/template", async (HttpRequest request) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            var token = request.Headers["access_token"].ToString();
            Calls.Enqueue(new Call("/message/template", token, body));
            if (token != AccessToken) return Results.Json(new { error = -124, message = "Access token invalid" });
            var phone = body.GetProperty("phone").GetString()!;
            if (!phone.StartsWith("84", StringComparison.Ordinal)) return Results.Json(new { error = -108, message = "Phone number invalid" });
            if (Scripted(phone) is { } code) return Results.Json(new { error = code, message = Meaning(code) });
            return Results.Json(new
            {
                error = 0, message = "Success",
                data = new { msg_id = "z" + Interlocked.Increment(ref _sequence), sent_time = "1764547200000", quota = new { dailyQuota = "500", remainingQuota = "499" } },
            });
        });
        app.MapPost("/v4/oa/access_token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            lock (_lock)
            {
                if (request.Headers["secret_key"] != AppSecret) return Results.Json(new { error = -14002, error_description = "Invalid secret key" });
                if (form["grant_type"] != "refresh_token" || form["refresh_token"] != RefreshToken)
                    return Results.Json(new { error = -14014, error_description = "Invalid refresh token" });
                Refreshes++;
                AccessToken = "at-" + Refreshes;
                RefreshToken = "rt-" + Refreshes;
                return Results.Json(new { access_token = AccessToken, refresh_token = RefreshToken, expires_in = "90000" });
            }
        });
    }

    private int? Scripted(string key) => Errors.TryGetValue(key, out var q) && q.TryDequeue(out var code) ? code : null;

    private static string Meaning(int code) => code switch
    {
        -230 => "User has not interacted with the OA in the past 7 days",
        -213 => "User has not followed the OA",
        -118 => "Zalo account not existed",
        -32 => "App has reached the API call limit",
        _ => "Error",
    };
}
