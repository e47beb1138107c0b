using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Messaging.Testing.Fakes;

/// <summary>
/// An OpenAI-compatible chat-completions server (POST /v1/chat/completions) that answers from a script: a text reply,
/// a tool call (by the tool's name as offered in the request's "tools", whatever plugin prefix the client added), or
/// no answer at all. Every request body is kept, so tests can check what reached the model.
/// </summary>
public sealed class ScriptedChatServer : FakeHttpServer
{
    public abstract record Step;
    public sealed record Reply(string Content) : Step;
    public sealed record Call(string Function, object Arguments) : Step;
    /// <summary>Decides from the request (for instance from a tool's result in it).</summary>
    public sealed record Decide(Func<JsonElement, Step> Next) : Step;
    /// <summary>Accepts the request and never answers: a model server that hangs.</summary>
    public sealed record Hang : Step;

    private int _calls;

    public ConcurrentQueue<Step> Script { get; } = new();
    public ConcurrentQueue<JsonElement> Requests { get; } = new();

    public Uri Endpoint => new(BaseUrl, "/v1");

    public void Then(params Step[] steps)
    {
        foreach (var s in steps) Script.Enqueue(s);
    }

    /// <summary>The content of the last tool message in a request: what our tool returned to the model.</summary>
    public static JsonElement LastToolResult(JsonElement request) =>
        JsonSerializer.Deserialize<JsonElement>(request.GetProperty("messages").EnumerateArray()
            .Last(m => m.GetProperty("role").GetString() == "tool").GetProperty("content").GetString()!);

    public static IReadOnlyList<string> OfferedTools(JsonElement request) =>
        request.TryGetProperty("tools", out var tools)
            ? tools.EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()!).ToList()
            : [];

    protected override void Map(WebApplication app) =>
        app.MapPost("/v1/chat/completions", async (HttpRequest request, CancellationToken aborted) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: aborted);
            Requests.Enqueue(body);
            var step = Script.TryDequeue(out var next) ? next : new Reply("(the script has ended)");
            while (step is Decide decide) step = decide.Next(body);
            JsonObject message;
            string finish;
            switch (step)
            {
                case Hang:
                    await Task.Delay(Timeout.Infinite, aborted);
                    return Results.Empty;
                case Call call:
                    var name = OfferedTools(body).FirstOrDefault(n => n == call.Function || n.EndsWith("-" + call.Function, StringComparison.Ordinal));
                    if (name is null)
                        return Results.Json(new { error = new { message = $"tool {call.Function} was not offered", type = "invalid_request_error" } }, statusCode: 400);
                    message = new JsonObject
                    {
                        ["role"] = "assistant",
                        ["content"] = null,
                        ["tool_calls"] = new JsonArray(new JsonObject
                        {
                            ["id"] = "call_" + Interlocked.Increment(ref _calls),
                            ["type"] = "function",
                            ["function"] = new JsonObject { ["name"] = name, ["arguments"] = JsonSerializer.Serialize(call.Arguments) },
                        }),
                    };
                    finish = "tool_calls";
                    break;
                case Reply reply:
                    message = new JsonObject { ["role"] = "assistant", ["content"] = reply.Content };
                    finish = "stop";
                    break;
                default:
                    throw new InvalidOperationException($"Unknown step {step}");
            }
            var response = new JsonObject
            {
                ["id"] = "chatcmpl-" + Guid.NewGuid().ToString("N")[..12],
                ["object"] = "chat.completion",
                ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["model"] = body.TryGetProperty("model", out var model) ? model.GetString() : "scripted",
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finish }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = 10, ["total_tokens"] = 20 },
            };
            return Results.Text(response.ToJsonString(), "application/json");
        });
}
