using System.Text.Json.Serialization;
using Messaging.Core.Appointments;
using Messaging.Core.Language;

namespace Messaging.Server.Api;

public sealed record ParseRequest(string? Text, DateTimeOffset? ReferenceTime);

public sealed record ParseIntent(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("confidence")] double Confidence);

public sealed record ParseEntity(
    [property: JsonPropertyName("entity")] string Entity,
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("start")] int Start,
    [property: JsonPropertyName("end")] int End,
    [property: JsonPropertyName("confidence")] double Confidence,
    [property: JsonPropertyName("extractor")] string Extractor,
    [property: JsonPropertyName("detail")] string? Detail);

/// <summary>The response shape of Rasa's /model/parse, so existing NLU tooling can read it.</summary>
public sealed record ParseResponse(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("intent")] ParseIntent Intent,
    [property: JsonPropertyName("intent_ranking")] IReadOnlyList<ParseIntent> IntentRanking,
    [property: JsonPropertyName("entities")] IReadOnlyList<ParseEntity> Entities);

public static class ModelApi
{
    public static void MapModelApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/model/parse", (ParseRequest body, LanguageModelProvider language, TimeProvider time) =>
        {
            var text = body.Text ?? "";
            var max = language.Options.MaxTextLength;
            if (text.Length > max)
                return Results.Problem($"The text has {text.Length} characters; at most {max} are accepted.",
                    statusCode: StatusCodes.Status413PayloadTooLarge, title: "Text too long");
            if (body.ReferenceTime is { } reference && !SaneRange.Contains(reference)) return SaneRange.Problem("referenceTime");
            var r = language.Model.Parse(text, body.ReferenceTime ?? OfficeTime.ToLocal(time.GetUtcNow(), null));
            return Results.Ok(new ParseResponse(r.Text,
                new ParseIntent(r.Intent.Name, Math.Round(r.Intent.Confidence, 4)),
                r.Ranking.Select(x => new ParseIntent(x.Name, Math.Round(x.Confidence, 4))).ToList(),
                r.Entities.Select(e => new ParseEntity(e.Type, e.Value, e.Start, e.End, e.Confidence, "messaging", e.Detail)).ToList()));
        }).RequireRateLimiting(Messaging.Server.Security.Edge.TurnsPolicy);
}
