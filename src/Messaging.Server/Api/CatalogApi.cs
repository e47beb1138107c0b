using Microsoft.AspNetCore.Http.HttpResults;
using Messaging.Core.Appointments;
using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Server.Api;

/// <summary>Read-only public data: offices, procedures and free slots.</summary>
public static class CatalogApi
{
    private const int MaxRangeDays = 31;

    public static void MapCatalogApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireRateLimiting(ServerSetup.PublicPolicy);
        api.MapGet("/offices", async (MessagingDbContext db, TimeProvider time, CancellationToken ct) =>
            (await LoadOfficesAsync(db, time, null, ct)).Select(OfficeView.Of).ToList());
        api.MapGet("/offices/{id}", async (string id, MessagingDbContext db, TimeProvider time, CancellationToken ct) =>
            (await LoadOfficesAsync(db, time, id, ct)).FirstOrDefault() is { } o
                ? (Results<Ok<OfficeView>, NotFound>)TypedResults.Ok(OfficeView.Of(o)) : TypedResults.NotFound());
        api.MapGet("/offices/{id}/sessions", async (string id, MessagingDbContext db, TimeProvider time, CancellationToken ct) =>
        {
            var now = time.GetUtcNow();
            return await db.Sessions.AsNoTracking()
                .Where(s => s.OfficeId == id && s.Status == SessionStatus.Scheduled && s.End > now)
                .OrderBy(s => s.Start).ToListAsync(ct);
        });
        api.MapGet("/procedures", (ProcedureCatalog catalog, string? q) =>
            (string.IsNullOrWhiteSpace(q) ? catalog.All.OrderBy(p => p.Id, StringComparer.Ordinal).ToList() : catalog.Search(q))
                .Select(p => new ProcedureSummary(p.Id, p.Title, p.TitleEn)).ToList());
        api.MapGet("/procedures/{id}", (string id, ProcedureCatalog catalog) =>
            catalog.Find(id) is { } p ? (Results<Ok<Procedure>, NotFound>)TypedResults.Ok(p) : TypedResults.NotFound());
        api.MapGet("/slots", FindSlotsAsync).Produces<List<SlotView>>().ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> FindSlotsAsync(string? procedure, string? office, string? commune,
        DateOnly? from, DateOnly? to, BookingService bookings, ProcedureCatalog catalog, TimeProvider time,
        CancellationToken ct)
    {
        if (catalog.Find(procedure) is null)
            return Results.Problem($"Unknown procedure '{procedure}'. See /api/procedures.", statusCode: 400);
        if (from is { } f && !SaneRange.Contains(f)) return SaneRange.Problem("from");
        if (to is { } t && !SaneRange.Contains(t)) return SaneRange.Problem("to");
        var start = from ?? OfficeTime.LocalDate(time.GetUtcNow(), null);
        var end = to ?? start.AddDays(13);
        if (end < start || end.DayNumber - start.DayNumber > MaxRangeDays)
            return Results.Problem($"'to' must be on or after 'from' and at most {MaxRangeDays} days later.", statusCode: 400);
        var slots = await bookings.FindFreeSlotsAsync(new SlotQuery(procedure!, start, end, office, commune), ct);
        return Results.Ok(slots.Select(s => new SlotView(s.OfficeId, s.ServiceId, s.SessionId, s.Start, s.End, s.Capacity, s.Free)).ToList());
    }

    private static async Task<List<Office>> LoadOfficesAsync(MessagingDbContext db, TimeProvider time, string? id,
        CancellationToken ct)
    {
        var today = OfficeTime.LocalDate(time.GetUtcNow(), null);
        var q = db.Offices.AsNoTracking().AsSplitQuery()
            .Include(o => o.Hours).Include(o => o.Services)
            .Include(o => o.Closures.Where(c => c.Date >= today));
        return await (id is null ? q : q.Where(o => o.Id == id)).OrderBy(o => o.Id).ToListAsync(ct);
    }
}
