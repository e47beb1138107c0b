using Messaging.Core.Persistence;

namespace Messaging.Server.Api;

public static class Health
{
    public static async Task<IResult> CheckAsync(MessagingDbContext db, CancellationToken ct) =>
        await db.Database.CanConnectAsync(ct)
            ? Results.Ok(new { status = "ok" })
            : Results.Json(new { status = "database unreachable" }, statusCode: StatusCodes.Status503ServiceUnavailable);
}
