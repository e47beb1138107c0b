using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Messaging.Notifier.Channels.Zalo;

/// <summary>A button under a Zalo consultation message: a reply the user can tap, or a link.</summary>
public sealed record ZaloButton(string Title, string? Payload = null, string? Url = null)
{
    public object ToWire() => Url is not null
        ? new { title = Title, type = "oa.open.url", payload = new { url = Url } }
        : new { title = Title, type = "oa.query.show", payload = (object)(Payload ?? Title) };
}

/// <summary>
/// A failure Zalo reported (<see cref="Code"/> is its error number, 0 for transport failures). <see cref="Transient"/>
/// says whether the same call may succeed later (rate limit, Zalo's own error, a timeout); everything else is final
/// for this recipient on this channel, and the notification moves on to the next channel.
/// </summary>
public sealed class ZaloApiException(int code, string message, bool transient) : Exception(message)
{
    public int Code { get; } = code;
    public bool Transient { get; } = transient;

    public ChannelException ToChannelException(string channel) =>
        new($"{channel} error {Code}: {Message}", permanent: !Transient, this);
}

/// <summary>
/// Calls the Zalo OA OpenAPI (consultation messages) and ZNS with the OA's access token: a token Zalo rejects is
/// refreshed once and the call repeated; calls from this node share one token bucket.
/// </summary>
public sealed class ZaloApiClient(ZaloTokenProvider tokens, IHttpClientFactory http, IOptions<ZaloOptions> options,
    ILogger<ZaloApiClient> log) : IDisposable
{
    public const string HttpClientName = "zalo";
    public const int MaxTextLength = 2000;
    // Token invalid or expired: -216 and -220 from the OA API, -124 from ZNS.
    private static readonly HashSet<int> TokenErrors = [-216, -220, -124];
    // Too many calls (-32) and Zalo's own unknown error (-100): the same call may succeed later.
    private static readonly HashSet<int> TransientErrors = [-32, -100];

    private readonly TokenBucketRateLimiter _limiter = new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = Math.Max(1, (int)Math.Ceiling(options.Value.RatePerSecond)),
        TokensPerPeriod = Math.Max(1, (int)Math.Ceiling(options.Value.RatePerSecond)),
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>Sends a consultation message ("tin tư vấn") and returns Zalo's message id.</summary>
    public async Task<string> SendTextAsync(string userId, string text, IReadOnlyList<ZaloButton> buttons, CancellationToken ct)
    {
        object message = buttons.Count == 0
            ? new { text }
            : new { text, attachment = new { type = "template", payload = new { buttons = buttons.Select(b => b.ToWire()).ToList() } } };
        var data = await CallAsync(new Uri(options.Value.OpenApiUrl, "/v3.0/oa/message/cs"),
            new { recipient = new { user_id = userId }, message }, ct);
        return data.TryGetProperty("message_id", out var id) ? id.GetString() ?? "" : "";
    }

    /// <summary>Sends a ZNS template message to a phone (84xxxxxxxxx) and returns Zalo's msg_id.</summary>
    public async Task<string> SendZnsAsync(string phone84, string templateId, IReadOnlyDictionary<string, string> data,
        string trackingId, CancellationToken ct)
    {
        var result = await CallAsync(new Uri(options.Value.BusinessApiUrl, "/message/template"),
            new { phone = phone84, template_id = templateId, template_data = data, tracking_id = trackingId }, ct);
        return result.TryGetProperty("msg_id", out var id) ? id.GetString() ?? "" : "";
    }

    private async Task<JsonElement> CallAsync(Uri url, object body, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var token = await tokens.GetAsync(ct);
            using (var lease = await _limiter.AcquireAsync(1, ct))
            {
                if (!lease.IsAcquired) throw new ZaloApiException(-32, "rate limit of this node reached", transient: true);
            }
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
            request.Headers.Add("access_token", token);
            JsonElement root;
            try
            {
                using var client = http.CreateClient(HttpClientName);
                client.Timeout = options.Value.Timeout;
                using var response = await client.SendAsync(request, ct);
                if (!response.IsSuccessStatusCode)
                {
                    var transient = (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests;
                    throw new ZaloApiException(0, $"HTTP {(int)response.StatusCode} from {url.Host}", transient);
                }
                root = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).Clone();
            }
            catch (HttpRequestException e)
            {
                throw new ZaloApiException(0, $"{url.Host} unreachable: {e.Message}", transient: true);
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new ZaloApiException(0, $"{url.Host} did not answer within {options.Value.Timeout.TotalSeconds:0} s", transient: true);
            }
            catch (JsonException e)
            {
                throw new ZaloApiException(0, $"{url.Host} answered with something that is not JSON: {e.Message}", transient: true);
            }

            var code = ErrorCode(root);
            if (code == 0) return root.TryGetProperty("data", out var data) ? data : default;
            var text = root.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
            if (TokenErrors.Contains(code) && attempt == 1)
            {
                log.ZaloTokenRejected(code);
                await tokens.RefreshAsync(token, ct);
                continue;
            }
            throw new ZaloApiException(code, text, TransientErrors.Contains(code));
        }
    }

    // Zalo sends the code as a number; a few proxies send it as a string.
    private static int ErrorCode(JsonElement root) =>
        !root.TryGetProperty("error", out var e) ? 0
        : e.ValueKind == JsonValueKind.Number ? e.GetInt32()
        : int.TryParse(e.GetString(), out var n) ? n : -1;

    /// <summary>Long texts go as several messages, cut at a line break or a space, never inside a word.</summary>
    public static IReadOnlyList<string> Split(string text, int max = MaxTextLength)
    {
        var parts = new List<string>();
        var rest = text.Trim();
        while (rest.Length > max)
        {
            var cut = rest.LastIndexOf('\n', max - 1);
            if (cut < max / 2) cut = rest.LastIndexOf(' ', max - 1);
            if (cut < max / 2) cut = max;
            parts.Add(rest[..cut].TrimEnd());
            rest = rest[cut..].TrimStart();
        }
        if (rest.Length > 0) parts.Add(rest);
        return parts;
    }

    public void Dispose() => _limiter.Dispose();
}
