using Messaging.Core.Notifications;
using Messaging.Core.Appointments;
using Messaging.Core.Identity;
using Messaging.Server.Security;

namespace Messaging.Server.Api;

public sealed record CreateBookingBody(string? ProcedureId, string? OfficeId, DateTimeOffset? Start, string? CitizenName,
    string? Phone, string? CitizenId, Guid? SessionId, string? Locale, Guid? VerificationId = null, string? VerificationCode = null,
    string? Email = null, BookingPreferences? Preferences = null);

/// <summary>
/// How the phone's owner wants to be told things from now on: the channels in order (zalo, zns, sms, email), an e-mail,
/// the language. Taken only with a verified phone: they change what every later message to that phone does.
/// </summary>
public sealed record BookingPreferences(IReadOnlyList<string>? Channels, string? Email, string? Locale);

public sealed record PhoneVerificationBody(string? Phone, string? Locale);

public sealed record PhoneVerificationStarted(Guid VerificationId, DateTimeOffset ExpiresAt);

public sealed record CancelBookingBody(string? Phone, string? Reason);

public sealed record BookingLookupBody(string? Phone);

public sealed record RescheduleBookingBody(string? Phone, DateTimeOffset? Start, string? OfficeId, Guid? SessionId);

/// <summary>
/// Citizen booking over plain JSON. Every call that touches an existing booking needs the booking's phone number,
/// and a wrong code and a wrong phone get the same 404.
/// </summary>
public static class BookingApi
{
    private static readonly string[] PreferableChannels = [ChannelNames.Zalo, ChannelNames.Zns, ChannelNames.Sms, ChannelNames.Email];

    private static string? PreferencesProblem(BookingPreferences? p) => p switch
    {
        null => null,
        { Channels: { } c } when c.Count > 4 || c.Any(x => !PreferableChannels.Contains(x?.ToLowerInvariant())) =>
            "preferences.channels lists some of: zalo, zns, sms, email.",
        { Email: { } e } when !EmailAddress.TryNormalize(e, out _) => "preferences.email is not an e-mail address.",
        { Locale: { } l } when l is not ("vi" or "en") => "preferences.locale is vi or en.",
        _ => null,
    };

    public static void MapBookingApi(this IEndpointRouteBuilder app)
    {
        // A one-time code to the phone a booking will use: required before booking where codes are (Identity:PhoneVerification).
        app.MapPost("/api/phone-verifications", async (PhoneVerificationBody body, HttpContext http, PhoneVerification verification, CancellationToken ct) =>
            await verification.SendCodeAsync(body.Phone ?? "", "api", null, ClientKeys.Of(http), body.Locale ?? "vi", ct) switch
            {
                CodeSendResult.Sent sent => Results.Json(new PhoneVerificationStarted(sent.Id, sent.ExpiresAt), statusCode: 202),
                CodeSendResult.Limited limited => TooMany(http, limited.RetryAfter, "Too many codes for this phone number or from this client today."),
                _ => Results.Problem("The phone number is not a Vietnamese mobile number.", statusCode: 400),
            }).RequireRateLimiting(Edge.BookingsPolicy);

        var api = app.MapGroup("/api/bookings").RequireRateLimiting(Edge.BookingsPolicy);
        api.MapPost("", async (CreateBookingBody body, HttpContext http, BookingService bookings, PhoneVerification verification, CancellationToken ct) =>
        {
            if (body.ProcedureId is null || body.OfficeId is null || body.Start is null || body.CitizenName is null || body.Phone is null)
                return Results.Problem("procedureId, officeId, start, citizenName and phone are required.", statusCode: 400);
            if (!SaneRange.Contains(body.Start.Value)) return SaneRange.Problem("start");
            if (body.Email is not null && !EmailAddress.TryNormalize(body.Email, out _))
                return Results.Problem("email is not an e-mail address.", statusCode: 400);
            if (PreferencesProblem(body.Preferences) is { } wrong) return Results.Problem(wrong, statusCode: 400);
            var proved = false;
            if (body.VerificationId is { } id)
            {
                var check = await verification.VerifyAsync(id, body.Phone, "api", null, body.VerificationCode, ct);
                if (check.Outcome != CodeCheck.Verified)
                    return Results.Problem(check.Outcome switch
                    {
                        CodeCheck.Wrong => $"The code is wrong; {check.AttemptsLeft} tries left.",
                        CodeCheck.Expired => "The code has expired; ask for a new one.",
                        CodeCheck.TooManyAttempts => "Too many wrong codes; ask for a new one.",
                        _ => "No code was sent to that phone with that id.",
                    }, statusCode: 403, title: "Phone not verified", extensions: new Dictionary<string, object?> { ["error"] = "PhoneNotVerified" });
                proved = true;
            }
            if (body.Preferences is not null && !proved)
                return Results.Problem("preferences change every later message to that phone: verify the phone first (verificationId and verificationCode).",
                    statusCode: 403, title: "Phone not verified", extensions: new Dictionary<string, object?> { ["error"] = "PhoneNotVerified" });
            return await RunAsync(http, async () =>
            {
                var b = await bookings.BookAsync(new BookingRequest(body.ProcedureId, body.OfficeId, body.Start.Value,
                    body.CitizenName, body.Phone, body.CitizenId, body.SessionId, "api", null, body.Locale ?? "vi",
                    PhoneVerified: proved, ClientKey: ClientKeys.Of(http), Email: body.Email), ct);
                if (body.Preferences is { } p)
                {
                    EmailAddress.TryNormalize(p.Email, out var email);
                    await http.RequestServices.GetRequiredService<ContactService>().ApplyAsync(b.Phone, new PreferenceChange(
                        OnlyChannels: p.Channels is { Count: > 0 } channels ? channels.Select(c => c.ToLowerInvariant()).ToList() : null,
                        Email: p.Email is null ? null : email, Locale: p.Locale is "en" or "vi" ? p.Locale : null), "api", ct);
                }
                return Results.Created($"/api/bookings/{b.Code}", ToView(b));
            });
        });
        // The phone travels in the body, not the URL, where proxies, browser history and access logs would keep it.
        api.MapPost("/{code}/lookup", async (string code, BookingLookupBody body, BookingService bookings, CancellationToken ct) =>
        {
            var b = await bookings.GetByCodeAsync(code, ct);
            return b is not null && body.Phone is not null && Messaging.Language.Entities.VietnamesePhone.TryNormalize(body.Phone, out var p) && p == b.Phone
                ? Results.Ok(ToView(b))
                : NotFound();
        });
        api.MapPost("/{code}/cancel", (string code, CancelBookingBody body, HttpContext http, BookingService bookings, CancellationToken ct) =>
            RunAsync(http, async () => Results.Ok(ToView(await bookings.CancelAsync(code, body.Phone ?? "", body.Reason, "citizen", ct)))));
        api.MapPost("/{code}/reschedule", (string code, RescheduleBookingBody body, HttpContext http, BookingService bookings, CancellationToken ct) =>
            body.Start is null ? Task.FromResult(Results.Problem("start is required.", statusCode: 400))
            : !SaneRange.Contains(body.Start.Value) ? Task.FromResult(SaneRange.Problem("start"))
            : RunAsync(http, async () => Results.Ok(ToView(await bookings.RescheduleAsync(code, body.Phone ?? "",
                new RescheduleRequest(body.Start.Value, body.OfficeId, body.SessionId), ct)))));
    }

    public static object ToView(Booking b) => new
    {
        b.Code, b.QueueNumber, b.OfficeId, b.ProcedureId, b.SessionId, b.Start, b.End, b.Status,
        b.CitizenName, Phone = Messaging.Language.Entities.VietnamesePhone.Mask(b.Phone),
    };

    private static async Task<IResult> RunAsync(HttpContext http, Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (BookingException e)
        {
            if (e.Error == BookingError.DailyLimitReached) http.Response.Headers.RetryAfter = "3600";
            return e.Error == BookingError.NotFound ? NotFound() : Results.Problem(e.Message, statusCode: StatusOf(e.Error),
                extensions: new Dictionary<string, object?> { ["error"] = e.Error.ToString() });
        }
    }

    private static IResult TooMany(HttpContext http, TimeSpan retryAfter, string message)
    {
        http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Results.Problem(message, statusCode: 429, title: "Too many requests");
    }

    private static IResult NotFound() =>
        Results.Problem("No booking matches that code and phone number.", statusCode: 404);

    private static int StatusOf(BookingError error) => error switch
    {
        BookingError.SlotFull or BookingError.PhoneLimitReached or BookingError.NotActive or BookingError.SessionConflict => 409,
        BookingError.UnknownOffice => 404,
        BookingError.DailyLimitReached => 429,
        BookingError.PhoneNotVerified => 403,
        _ => 400,
    };
}
