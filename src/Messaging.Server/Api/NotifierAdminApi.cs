using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.Json.Nodes;
using Messaging.Core;
using Messaging.Language.Entities;
using Microsoft.Extensions.Options;
using System.Security.Claims;
using System.Text.Json;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Notifier.Queues;
using Messaging.Notifier.Worker;
using Messaging.Server.Security;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Server.Api;

public sealed record BroadcastBody(string? OfficeId, DateOnly? From, DateOnly? To, string? ProcedureId, Guid? SessionId,
    int? RecentDays, string? Message, string? TemplateKey, JsonElement? Data, bool Critical);

/// <summary>Deliveries, poison messages and broadcasts for the web area. Officers reach only their own offices.</summary>
public static class NotifierAdminApi
{
    public static void MapNotifierAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").RequireAuthorization(Roles.AdminPolicy);
        admin.MapGet("/deliveries", ListDeliveriesAsync).Produces<List<DeliveryRow>>().ProducesProblem(StatusCodes.Status400BadRequest);
        admin.MapGet("/deliveries/{id:guid}", async (Guid id, MessagingDbContext db, CancellationToken ct) =>
            await db.Deliveries.AsNoTracking().Include(d => d.Attempts).FirstOrDefaultAsync(d => d.Id == id, ct) is { } d
                ? (Results<Ok<DeliveryDetail>, NotFound>)TypedResults.Ok(DeliveryDetail.Of(d)) : TypedResults.NotFound());
        admin.MapPost("/deliveries/{id:guid}/retry", RetryAsync).Produces(StatusCodes.Status202Accepted).Produces(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapGet("/poison", async (INotificationQueue queue, CancellationToken ct) => Results.Ok(await queue.PeekPoisonAsync(32, ct)));
        admin.MapGet("/outbox", LocalOutboxAsync);
        admin.MapPost("/poison/{id}/replay", async (string id, INotificationQueue queue, CancellationToken ct) =>
            await queue.ReplayPoisonAsync(id, ct) ? Results.Ok() : Results.NotFound());

        var staff = app.MapGroup("/api/admin/broadcasts").RequireAuthorization(Roles.StaffPolicy);
        staff.MapPost("", CreateBroadcastAsync).Produces<BroadcastCreated>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);
        staff.MapPost("/{id:guid}/send", (Guid id, BroadcastService b, ClaimsPrincipal user, MessagingDbContext db, CancellationToken ct) =>
            WithBroadcastAsync(id, user, db, ct, async () => { await b.StartAsync(id, user.Identity?.Name ?? "", ct); return Results.Accepted($"/api/admin/broadcasts/{id}"); }));
        staff.MapPost("/{id:guid}/cancel", (Guid id, BroadcastService b, ClaimsPrincipal user, MessagingDbContext db, CancellationToken ct) =>
            WithBroadcastAsync(id, user, db, ct, async () => { await b.CancelAsync(id, user.Identity?.Name ?? "", ct); return Results.Ok(); }));
        staff.MapGet("/{id:guid}", (Guid id, BroadcastService b, ClaimsPrincipal user, MessagingDbContext db, CancellationToken ct) =>
            WithBroadcastAsync(id, user, db, ct, async () => Results.Ok(await b.ProgressAsync(id, ct))));
    }

    /// <summary>
    /// Offline mode: what the local senders wrote instead of sending (SMS, Zalo, ZNS lines; emails as .eml files), newest
    /// first. Phone numbers are masked here as everywhere an officer or admin reads.
    /// </summary>
    private static async Task<IResult> LocalOutboxAsync(string? channel, int? take, IOptions<MessagingOptions> options, CancellationToken ct)
    {
        if (channel is not (null or "sms" or "zalo" or "zns" or "email"))
            return Results.Problem("channel is one of sms, zalo, zns, email.", statusCode: 400);
        return Results.Ok(await DeliveryActions.LocalOutboxAsync(options.Value, channel, take ?? 50, ct));
    }

    private static async Task<IResult> ListDeliveriesAsync(string? status, string? channel, DateOnly? from, DateOnly? to,
        Guid? broadcast, int? skip, MessagingDbContext db, CancellationToken ct)
    {
        var q = db.Deliveries.AsNoTracking();
        if (status is not null)
        {
            if (!Enum.TryParse<DeliveryStatus>(status, ignoreCase: true, out var s))
                return Results.Problem($"status is one of: {string.Join(", ", Enum.GetNames<DeliveryStatus>()).ToLowerInvariant()}.", statusCode: 400);
            q = q.Where(d => d.Status == s);
        }
        if (from is { } fd && !SaneRange.Contains(fd)) return SaneRange.Problem("from");
        if (to is { } td && !SaneRange.Contains(td)) return SaneRange.Problem("to");
        if (!string.IsNullOrEmpty(channel)) q = q.Where(d => d.Channel == channel);
        if (broadcast is { } b) q = q.Where(d => d.BroadcastId == b);
        if (from is { } f) { var since = Messaging.Core.Appointments.OfficeTime.At(f, TimeOnly.MinValue, null); q = q.Where(d => d.CreatedAt >= since); }
        if (to is { } t) { var until = Messaging.Core.Appointments.OfficeTime.At(t.AddDays(1), TimeOnly.MinValue, null); q = q.Where(d => d.CreatedAt < until); }
        var rows = await q.OrderByDescending(d => d.CreatedAt).Skip(skip ?? 0).Take(100)
            .Select(d => new DeliveryRow(d.Id, d.Key, d.TemplateKey, d.Status, d.Channel, d.Error, d.RecipientSummary, d.CreatedAt, d.SentAt)).ToListAsync(ct);
        return Results.Ok(rows);
    }

    private static async Task<IResult> RetryAsync(Guid id, MessagingDbContext db, INotificationQueue queue, ClaimsPrincipal user, CancellationToken ct) =>
        await DeliveryActions.RetryAsync(id, db, queue, user.Identity?.Name ?? "", ct) switch
        {
            RetryOutcome.NotFound => Results.NotFound(),
            RetryOutcome.AlreadySent => Results.Problem("This notification was already sent.", statusCode: 409),
            _ => Results.Accepted(),
        };

    private static async Task<IResult> CreateBroadcastAsync(BroadcastBody body, BroadcastService broadcasts, ClaimsPrincipal user,
        MessagingDbContext db, CancellationToken ct)
    {
        if (body.OfficeId is null || !await db.Offices.AnyAsync(o => o.Id == body.OfficeId, ct))
            return Results.Problem("officeId must be a known office.", statusCode: 400);
        if (!MayAct(user, body.OfficeId)) return Results.Forbid();
        try
        {
            var b = await broadcasts.CreateAsync(new BroadcastDraft(body.OfficeId, body.From, body.To, body.ProcedureId, body.SessionId,
                body.RecentDays, body.Message, body.TemplateKey, body.Data, body.Critical), user.Identity?.Name ?? "", ct,
                byAdmin: StaffAuthentication.IsAdmin(user));
            return Results.Created($"/api/admin/broadcasts/{b.Id}", new BroadcastCreated(b.Id, b.Recipients, b.Status));
        }
        catch (ArgumentException e)
        {
            return Results.Problem(e.Message, statusCode: 400);
        }
        catch (UnauthorizedAccessException e)
        {
            return Results.Problem(e.Message, statusCode: 403);
        }
    }

    private static async Task<IResult> WithBroadcastAsync(Guid id, ClaimsPrincipal user, MessagingDbContext db, CancellationToken ct, Func<Task<IResult>> action)
    {
        var office = await db.Set<Broadcast>().Where(b => b.Id == id).Select(b => b.OfficeId).FirstOrDefaultAsync(ct);
        // Another office's broadcast looks the same as none at all.
        if (office is null || !MayAct(user, office)) return Results.NotFound();
        return await action();
    }

    private static bool MayAct(ClaimsPrincipal user, string officeId) => StaffAuthentication.MayActFor(user, officeId);
}
