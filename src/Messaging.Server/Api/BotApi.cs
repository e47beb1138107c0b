using System.Text.Json;
using Messaging.Bot.Activities;
using Messaging.Bot.Engine;
using Messaging.Core.Persistence;
using Messaging.Server.Security;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Server.Api;

/// <summary>
/// The Bot Framework Activity protocol: POST /api/messages takes an activity; with deliveryMode "expectReplies" the
/// answer holds every reply of the turn, otherwise 202 and the replies wait in the conversation for polling with a
/// watermark, as Direct Line does.
/// </summary>
public static class BotApi
{
    public static void MapBotApi(this IEndpointRouteBuilder app, IConfiguration configuration)
    {
        if (configuration.GetValue<bool>("Diagnostics:BareEndpoint"))
        {
            // For the benchmark only (off by default): the same pipeline and JSON, no engine, one fixed reply.
            var fixedReply = new ExpectedReplies([new Activity { Type = ActivityTypes.Message, Text = "Xin chào", Id = "fixed" }]);
            app.MapPost("/diagnostics/bare", async (HttpRequest request, CancellationToken ct) =>
            {
                await JsonSerializer.DeserializeAsync<Activity>(request.Body, ActivityJson.Options, ct);
                return Results.Json(fixedReply, ActivityJson.Options);
            });
        }
        app.MapPost("/api/messages", PostActivityAsync).RequireRateLimiting(ServerSetup.PublicPolicy);
        app.MapGet("/api/conversations/{id}/activities", GetActivitiesAsync).RequireRateLimiting(ServerSetup.PublicPolicy);
        app.MapGet("/api/admin/conversations/{id}/transcript", TranscriptAsync).RequireAuthorization(Roles.StaffPolicy);
    }

    private static async Task<IResult> PostActivityAsync(HttpRequest request, ConversationEngine engine,
        Messaging.Core.Language.LanguageModelProvider language, CancellationToken ct)
    {
        Activity? activity;
        try
        {
            activity = await JsonSerializer.DeserializeAsync<Activity>(request.Body, ActivityJson.Options, ct);
        }
        catch (JsonException e)
        {
            return Results.Problem($"The body is not a valid activity: {e.Message}", statusCode: 400, title: "Malformed activity");
        }
        if (activity is null) return Results.Problem("The body is empty.", statusCode: 400, title: "Malformed activity");
        if (activity.Conversation?.Id is not { Length: > 0 and <= 128 } conversationId || conversationId.Any(char.IsControl))
            return Results.Problem("conversation.id is required (at most 128 characters).", statusCode: 400, title: "Malformed activity");
        // Direct Line conversations are reached with Direct Line credentials only.
        if (DirectLine.DirectLineTokens.IsDirectLineConversation(conversationId))
            return Results.Problem("This conversation belongs to Direct Line: post to /v3/directline with its token.", statusCode: 403, title: "Forbidden");
        if (activity.Type != ActivityTypes.Message) return Results.Accepted();
        // The same limit as /model/parse: one setting, Language:MaxTextLength.
        var max = language.Options.MaxTextLength;
        if ((activity.TextOrValue?.Length ?? 0) > max)
            return Results.Problem($"A message has at most {max} characters.", statusCode: 413, title: "Message too long");

        var turn = await engine.RunAsync(activity, ct);
        // The replies were serialized once for the transcript; the answer reuses that text.
        return activity.DeliveryMode == DeliveryModes.ExpectReplies
            ? Results.Text("{\"activities\":[" + string.Join(',', turn.ReplyJson) + "]}", "application/json; charset=utf-8")
            : Results.Accepted();
    }

    /// <summary>Activities after the watermark (both directions, as Direct Line returns them) and the new watermark.</summary>
    private static async Task<IResult> GetActivitiesAsync(string id, long? watermark, MessagingDbContext db, CancellationToken ct) =>
        DirectLine.DirectLineTokens.IsDirectLineConversation(id)
            ? Results.NotFound()
            : Results.Text((await DirectLine.ConversationFeed.ReadAsync(db, id, watermark ?? 0, ct)).Json, "application/json; charset=utf-8");

    /// <summary>For officers: every turn in and out, phone and ID numbers masked in what the citizen typed.</summary>
    private static async Task<IResult> TranscriptAsync(string id, MessagingDbContext db, CancellationToken ct)
    {
        var rows = await db.ConversationActivities.AsNoTracking()
            .Where(a => a.ConversationId == id).OrderBy(a => a.Sequence)
            .Select(a => new { a.Sequence, a.Direction, a.At, a.Text }).ToListAsync(ct);
        return rows.Count == 0 ? Results.NotFound() : Results.Ok(rows);
    }
}
