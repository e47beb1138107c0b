using System.Security.Claims;
using System.Text.Json;
using Messaging.Core.Templates;
using Messaging.Server.Security;

namespace Messaging.Server.Api;

public sealed record VariantsBody(Dictionary<string, string>? Variants, string? Comment);

public sealed record PreviewBody(string? Variant, Dictionary<string, string>? Variants, JsonElement? Model);

/// <summary>The admin API the template editor is built on. Keys are "area/name", e.g. notify/booking.confirmed.</summary>
public static class TemplateAdminApi
{
    public static void MapTemplateAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin/templates").RequireAuthorization(Roles.AdminPolicy);
        api.MapGet("", (string? q, TemplateStore store, CancellationToken ct) => Run(async () => Results.Ok(await store.ListAsync(q, ct))));
        var one = api.MapGroup("/{area}/{name}");
        one.MapGet("", (string area, string name, TemplateStore store, CancellationToken ct) =>
            Run(async () => Results.Ok(await store.GetAsync($"{area}/{name}", ct))));
        one.MapPost("/validate", (string area, string name, VariantsBody? body, TemplateStore store, CancellationToken ct) =>
            Run(async () => Results.Ok(await store.ValidateAsync($"{area}/{name}", body?.Variants, ct))));
        one.MapPost("/preview", (string area, string name, PreviewBody body, TemplateStore store, CancellationToken ct) =>
            Run(async () =>
            {
                if (string.IsNullOrEmpty(body.Variant)) return Results.Problem("variant is required, e.g. vi.sms.", statusCode: 400);
                try
                {
                    return Results.Ok(await store.PreviewAsync($"{area}/{name}", body.Variant, body.Variants,
                        body.Model is { } m ? m.GetRawText() : null, ct));
                }
                catch (TemplateRenderException e)
                {
                    return Results.UnprocessableEntity(new TemplateErrors([e.Issue]));
                }
            }));
        one.MapPut("/draft", (string area, string name, VariantsBody body, TemplateStore store, ClaimsPrincipal user, CancellationToken ct) =>
            Run(async () =>
            {
                var (version, report) = await store.SaveDraftAsync($"{area}/{name}", body.Variants ?? [], body.Comment, Actor(user), ct);
                return Results.Ok(new TemplateChange(version, report));
            }));
        one.MapPost("/versions/{number:int}/publish", (string area, string name, int number, TemplateStore store, ClaimsPrincipal user, CancellationToken ct) =>
            Run(async () =>
            {
                var (version, report) = await store.PublishAsync($"{area}/{name}", number, Actor(user), ct);
                return report.IsValid ? Results.Ok(new TemplateChange(version, report)) : Results.UnprocessableEntity(new TemplateChange(version, report));
            }));
        one.MapPost("/versions/{number:int}/rollback", (string area, string name, int number, TemplateStore store, ClaimsPrincipal user, CancellationToken ct) =>
            Run(async () =>
            {
                var (version, report) = await store.RollbackAsync($"{area}/{name}", number, Actor(user), ct);
                return Results.Ok(new TemplateChange(version, report));
            }));
        one.MapPost("/reset", (string area, string name, TemplateStore store, ClaimsPrincipal user, CancellationToken ct) =>
            Run(async () =>
            {
                var (version, report) = await store.ResetAsync($"{area}/{name}", Actor(user), ct);
                return Results.Ok(new TemplateChange(version, report));
            }));
        one.MapGet("/history", (string area, string name, TemplateStore store, CancellationToken ct) =>
            Run(async () => Results.Ok(await store.HistoryAsync($"{area}/{name}", ct))));
    }

    private static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";

    private static async Task<IResult> Run(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (TemplateException e)
        {
            return Results.Problem(e.Message, statusCode: e.Status);
        }
    }
}
