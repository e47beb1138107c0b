using System.Text.Json;
using Messaging.Core.FrontDesk;
using Messaging.Server.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Messaging.Server.Api;

/// <summary>
/// The waiting room's board, public and read-only: numbers and desk labels, never a name or a phone. `GET
/// /api/display/{office}` answers once (the page's fallback when a stream cannot be kept open); `…/events` is a stream of
/// server-sent events that sends the board whenever it changes: at once for a change made on this node, within
/// <see cref="FrontDeskOptions.DisplayPollInterval"/> for one made on another node (the stream reads the database too).
/// </summary>
public static class DisplayApi
{
    /// <summary>A ping this often keeps proxies from closing a quiet stream and tells the page it is still live.</summary>
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static void MapDisplayApi(this IEndpointRouteBuilder app)
    {
        // One television polls every few seconds, and many sit behind one office address: the polling budget.
        var api = app.MapGroup("/api/display").RequireRateLimiting(Edge.PollingPolicy);
        api.MapGet("/{officeId}", async (string officeId, DisplayBoards boards, CancellationToken ct) =>
            await boards.GetAsync(officeId, ct) is { } board ? Results.Ok(board) : Results.NotFound());
        // A stream stays open: it is counted against the budget for opening conversations, not the polling one.
        api.MapGet("/{officeId}/events", StreamAsync).RequireRateLimiting(Edge.ConversationsPolicy);
    }

    private static async Task StreamAsync(string officeId, HttpContext http, DisplayBoards boards, QueueSignals signals,
        IOptions<FrontDeskOptions> options, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, IHostApplicationLifetime lifetime,
        TimeProvider time)
    {
        // A stream holds a connection and a task for as long as it is open: one client address may keep only a few.
        using var slot = boards.TryHoldStream(ClientKeys.Of(http));
        if (slot is null)
        {
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            http.Response.Headers.RetryAfter = "30";
            return;
        }
        // A stream ends with the request or with the server: a stopping node must not wait for televisions to hang up.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var ct = stop.Token;
        var board = await boards.GetAsync(officeId, ct);
        if (board is null)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        http.Response.ContentType = "text/event-stream; charset=utf-8";
        http.Response.Headers.CacheControl = "no-cache";
        // nginx would otherwise hold the events in its buffer.
        http.Response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        string? sent = null;
        var lastWrite = time.GetUtcNow();
        try
        {
            await http.Response.WriteAsync("retry: 3000\n\n", ct);
            while (!ct.IsCancellationRequested)
            {
                var data = JsonSerializer.Serialize(board, json.Value.SerializerOptions);
                if (data != sent)
                {
                    await http.Response.WriteAsync($"event: board\ndata: {data}\n\n", ct);
                    sent = data;
                    lastWrite = time.GetUtcNow();
                }
                else if (time.GetUtcNow() - lastWrite >= Heartbeat)
                {
                    // An event rather than a comment: the page counts it as a sign of life, and polls when none come.
                    await http.Response.WriteAsync("event: ping\ndata: 1\n\n", ct);
                    lastWrite = time.GetUtcNow();
                }
                await http.Response.Body.FlushAsync(ct);
                await signals.WaitAsync(officeId, options.Value.DisplayPollInterval, ct);
                board = await boards.GetAsync(officeId, ct) ?? board;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The television went away, or the server is stopping.
        }
    }
}
