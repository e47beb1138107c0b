using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Messaging.Core.Notifications;
using Messaging.Core.Templates;
using Messaging.Language.Entities;
using Messaging.Language.Text;
using Microsoft.Extensions.Options;

namespace Messaging.Notifier.Channels.Sms;

/// <summary>An SMS gateway speaking the eSMS-style JSON API. Keys come from the environment, never the repository.</summary>
public sealed class SmsOptions
{
    public const string Section = "Sms";

    /// <summary>The send endpoint, e.g. eSMS's SendMultipleMessage_V4_post_json.</summary>
    public Uri? Url { get; set; }
    public string? ApiKey { get; set; }
    public string? SecretKey { get; set; }
    public string Brandname { get; set; } = "";
    /// <summary>"2": customer-care brandname.</summary>
    public string SmsType { get; set; } = "2";
    /// <summary>Send without diacritics (GSM-7, 160 characters a part) rather than as Unicode (70 a part).</summary>
    public bool DeAccent { get; set; } = true;
    /// <summary>The gateway's test mode: accepted, never delivered or charged.</summary>
    public bool Sandbox { get; set; }
    /// <summary>Where the gateway reports delivery: this server's /webhooks/sms/esms, reachable from the internet.</summary>
    public Uri? CallbackUrl { get; set; }
    /// <summary>Shared secret the callback must carry as ?token=…; the gateway does not sign its reports.</summary>
    public string? CallbackToken { get; set; }
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    public bool Configured => Url is not null && !string.IsNullOrWhiteSpace(ApiKey) && !string.IsNullOrWhiteSpace(SecretKey);
}

/// <summary>
/// SMS through the gateway's HTTP JSON API. Our notification key is the RequestId, which the gateway dedupes, so a
/// resend after a lost answer is not a second SMS; result codes are read into transient or permanent failures.
/// </summary>
public sealed class EsmsSender(IHttpClientFactory http, IOptions<SmsOptions> options) : IChannelSender
{
    public const string HttpClientName = "sms";
    private const int MaxRequestId = 50;

    /// <summary>CodeResult meanings, from the gateway's table; every one listed is final for this message.</summary>
    private static readonly Dictionary<string, string> Refusals = new()
    {
        ["99"] = "number blocked or request invalid", ["101"] = "API key or secret refused", ["102"] = "no price list",
        ["103"] = "balance too low", ["104"] = "brandname not registered or not active", ["108"] = "phone number format wrong",
        ["118"] = "message type not supported", ["120"] = "too many numbers", ["140"] = "this server's IP is not whitelisted",
        ["146"] = "text does not match a registered brandname template", ["177"] = "carrier not registered",
    };

    public string Channel => ChannelNames.Sms;

    public bool CanReach(Recipient r) => VietnamesePhone.TryNormalize(r.Phone, out _);

    /// <summary>The gateway's RequestId: our key, or a digest of it when the key is longer than the gateway allows.</summary>
    public static string RequestId(string key) => key.Length <= MaxRequestId ? key
        : "h" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..40];

    public async Task<SendResult> SendAsync(OutgoingMessage m, CancellationToken ct)
    {
        var o = options.Value;
        if (!VietnamesePhone.TryNormalize(m.Recipient.Phone, out var phone))
            throw new ChannelException("not a Vietnamese mobile number", permanent: true);
        var content = o.DeAccent ? Folding.DeAccent(m.Text) : m.Text;
        var info = SmsInfo.Measure(content);
        var body = new Dictionary<string, string>
        {
            ["ApiKey"] = o.ApiKey!, ["SecretKey"] = o.SecretKey!, ["Phone"] = phone, ["Content"] = content,
            ["Brandname"] = o.Brandname, ["SmsType"] = o.SmsType, ["IsUnicode"] = info.Encoding == SmsEncoding.Ucs2 ? "1" : "0",
            ["Sandbox"] = o.Sandbox ? "1" : "0", ["RequestId"] = RequestId(m.Key),
        };
        if (o.CallbackUrl is { } callback)
            body["CallbackUrl"] = o.CallbackToken is { Length: > 0 } token ? $"{callback}?token={Uri.EscapeDataString(token)}" : callback.ToString();

        JsonElement answer;
        try
        {
            using var client = http.CreateClient(HttpClientName);
            client.Timeout = o.Timeout;
            using var response = await client.PostAsJsonAsync(o.Url, body, ct);
            if (!response.IsSuccessStatusCode)
                throw new ChannelException($"SMS gateway HTTP {(int)response.StatusCode}", permanent: (int)response.StatusCode is >= 400 and < 500 and not 429);
            answer = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        }
        catch (HttpRequestException e)
        {
            throw new ChannelException("SMS gateway unreachable: " + e.Message, permanent: false, e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new ChannelException($"SMS gateway did not answer within {o.Timeout.TotalSeconds:0} s", permanent: false, e);
        }
        catch (JsonException e)
        {
            throw new ChannelException("SMS gateway answered with something that is not JSON", permanent: false, e);
        }

        var code = answer.TryGetProperty("CodeResult", out var c) ? c.ToString() : "";
        switch (code)
        {
            case "100":
                return new SendResult(answer.TryGetProperty("SMSID", out var id) ? id.ToString() : null, info.Segments);
            case "124":
                // The gateway already has this RequestId: our earlier try got through and its answer was lost.
                return new SendResult("request:" + RequestId(m.Key), info.Segments);
        }
        var text = answer.TryGetProperty("ErrorMessage", out var e2) ? e2.GetString() : null;
        if (Refusals.TryGetValue(code, out var meaning))
            throw new ChannelException($"SMS gateway refused ({code}: {meaning}{(text is null ? "" : "; " + text)})", permanent: true);
        throw new ChannelException($"SMS gateway answered {code}{(text is null ? "" : ": " + text)}", permanent: false);
    }
}
