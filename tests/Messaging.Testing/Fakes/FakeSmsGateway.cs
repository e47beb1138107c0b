using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Messaging.Testing.Fakes;

/// <summary>
/// An eSMS-style gateway: POST /send with the JSON fields ApiKey, SecretKey, Phone, Content, Brandname, SmsType,
/// IsUnicode, RequestId; answers CodeResult 100 with an SMSID, 124 for a RequestId it has seen, 101 for wrong keys,
/// or a code scripted per phone; an HTTP status can be scripted too, for outages.
/// </summary>
public sealed class FakeSmsGateway : FakeHttpServer
{
    public const string ApiKey = "fake-sms-api-key";
    public const string SecretKey = "fake-sms-secret";
    private readonly ConcurrentDictionary<string, string> _requestIds = new();
    private int _sequence;
    // The gateway's field names are PascalCase ("CodeResult", "SMSID"), not ASP.NET's camelCase default.
    private static readonly JsonSerializerOptions Pascal = new() { PropertyNamingPolicy = null };

    public ConcurrentQueue<JsonElement> Received { get; } = new();
    /// <summary>Only messages the gateway accepted (not duplicates or refusals).</summary>
    public ConcurrentQueue<JsonElement> Accepted { get; } = new();
    /// <summary>When each RequestId was first accepted.</summary>
    public ConcurrentDictionary<string, DateTimeOffset> AcceptedAt { get; } = new();
    public ConcurrentDictionary<string, ConcurrentQueue<string>> Codes { get; } = new();
    public ConcurrentQueue<int> HttpStatuses { get; } = new();
    /// <summary>How long the gateway takes to answer after it has accepted a message: the window in which a sender that dies loses the answer.</summary>
    public TimeSpan AnswerDelay { get; set; }

    public Uri SendUrl => new(BaseUrl, "/send");

    public void FailNext(string phone, params string[] codes)
    {
        var q = Codes.GetOrAdd(phone, _ => new ConcurrentQueue<string>());
        foreach (var c in codes) q.Enqueue(c);
    }

    protected override void Map(WebApplication app) =>
        app.MapPost("/send", async (HttpRequest request) =>
        {
            if (HttpStatuses.TryDequeue(out var status)) return Results.StatusCode(status);
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            Received.Enqueue(body);
            string Field(string name) => body.TryGetProperty(name, out var v) ? v.GetString() ?? "" : "";
            if (Field("ApiKey") != ApiKey || Field("SecretKey") != SecretKey)
                return Results.Json(options: Pascal, data: new { CodeResult = "101", ErrorMessage = "Authorize Failed" });
            if (Codes.TryGetValue(Field("Phone"), out var q) && q.TryDequeue(out var code))
                return Results.Json(options: Pascal, data: new { CodeResult = code, ErrorMessage = "scripted" });
            var id = "s" + Interlocked.Increment(ref _sequence);
            if (!_requestIds.TryAdd(Field("RequestId"), id))
                return Results.Json(options: Pascal, data: new { CodeResult = "124", ErrorMessage = "Duplicate RequestId" });
            Accepted.Enqueue(body);
            AcceptedAt.TryAdd(Field("RequestId"), DateTimeOffset.UtcNow);
            if (AnswerDelay > TimeSpan.Zero) await Task.Delay(AnswerDelay);
            return Results.Json(options: Pascal, data: new { CodeResult = "100", CountRegenerate = 0, SMSID = id });
        });
}
