using Messaging.Core.Appointments;

namespace Messaging.Server.Api;

public sealed record CreateBookingBody(string? ProcedureId, string? OfficeId, DateTimeOffset? Start, string? CitizenName,
    string? Phone, string? CitizenId, Guid? SessionId, string? Locale);

public sealed record CancelBookingBody(string? Phone, string? Reason);

public sealed record RescheduleBookingBody(string? Phone, DateTimeOffset? Start, string? OfficeId, Guid? SessionId);

/// <summary>
/// Citizen booking over plain JSON. Every call that touches an existing booking needs the booking's phone number,
/// and a wrong code and a wrong phone get the same 404.
/// </summary>
public static class BookingApi
{
    public static void MapBookingApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/bookings").RequireRateLimiting(ServerSetup.PublicPolicy);
        api.MapPost("", async (CreateBookingBody body, BookingService bookings, CancellationToken ct) =>
        {
            if (body.ProcedureId is null || body.OfficeId is null || body.Start is null || body.CitizenName is null || body.Phone is null)
                return Results.Problem("procedureId, officeId, start, citizenName and phone are required.", statusCode: 400);
            return await RunAsync(async () =>
            {
                var b = await bookings.BookAsync(new BookingRequest(body.ProcedureId, body.OfficeId, body.Start.Value,
                    body.CitizenName, body.Phone, body.CitizenId, body.SessionId, "api", null, body.Locale ?? "vi"), ct);
                return Results.Created($"/api/bookings/{b.Code}", ToView(b));
            });
        });
        api.MapGet("/{code}", async (string code, string? phone, BookingService bookings, CancellationToken ct) =>
        {
            var b = await bookings.GetByCodeAsync(code, ct);
            return b is not null && phone is not null && Messaging.Language.Entities.VietnamesePhone.TryNormalize(phone, out var p) && p == b.Phone
                ? Results.Ok(ToView(b))
                : NotFound();
        });
        api.MapPost("/{code}/cancel", (string code, CancelBookingBody body, BookingService bookings, CancellationToken ct) =>
            RunAsync(async () => Results.Ok(ToView(await bookings.CancelAsync(code, body.Phone ?? "", body.Reason, "citizen", ct)))));
        api.MapPost("/{code}/reschedule", (string code, RescheduleBookingBody body, BookingService bookings, CancellationToken ct) =>
            body.Start is null
                ? Task.FromResult(Results.Problem("start is required.", statusCode: 400))
                : RunAsync(async () => Results.Ok(ToView(await bookings.RescheduleAsync(code, body.Phone ?? "",
                    new RescheduleRequest(body.Start.Value, body.OfficeId, body.SessionId), ct)))));
    }

    public static object ToView(Booking b) => new
    {
        b.Code, b.QueueNumber, b.OfficeId, b.ProcedureId, b.SessionId, b.Start, b.End, b.Status,
        b.CitizenName, Phone = Messaging.Language.Entities.VietnamesePhone.Mask(b.Phone),
    };

    private static async Task<IResult> RunAsync(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (BookingException e)
        {
            return e.Error == BookingError.NotFound ? NotFound() : Results.Problem(e.Message, statusCode: StatusOf(e.Error),
                extensions: new Dictionary<string, object?> { ["error"] = e.Error.ToString() });
        }
    }

    private static IResult NotFound() =>
        Results.Problem("No booking matches that code and phone number.", statusCode: 404);

    private static int StatusOf(BookingError error) => error switch
    {
        BookingError.SlotFull or BookingError.PhoneLimitReached or BookingError.NotActive or BookingError.SessionConflict => 409,
        BookingError.UnknownOffice => 404,
        _ => 400,
    };
}
