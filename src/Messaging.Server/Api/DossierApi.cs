using System.Security.Cryptography;
using System.Text;
using Messaging.Core.Dossiers;
using Messaging.Server.Security;
using Microsoft.Extensions.Options;

namespace Messaging.Server.Api;

public sealed class DossierApiOptions
{
    public const string Section = "Dossiers";
    /// <summary>Keys the portal integration sends in X-Api-Key. Empty disables the import API.</summary>
    public List<string> ImportApiKeys { get; set; } = [];
}

public sealed record DossierBatch(List<DossierImportRow>? Dossiers);

public sealed record DossierLookupBody(string? Code, string? Factor);

public static class DossierApi
{
    private const int MaxBatch = DossierService.MaxImportRows;

    public static void MapDossierApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/dossiers", ImportAsync).DisableAntiforgery();
        app.MapPost("/api/dossiers/lookup", async (DossierLookupBody body, HttpContext http, DossierService dossiers, CancellationToken ct) =>
        {
            var lookup = await dossiers.LookupAsync(body.Code, body.Factor, ClientKeys.Of(http), ct);
            if (lookup.Locked)
            {
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(lookup.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Results.Problem("Too many wrong tries for this dossier or from this client; wait and try again, or ask at the office.",
                    statusCode: StatusCodes.Status429TooManyRequests, title: "Too many tries");
            }
            return lookup.View is { } view
                ? Results.Ok(view)
                // One answer for a wrong code and a wrong factor.
                : Results.Problem("No dossier matches that code and verification.", statusCode: 404);
        }).RequireRateLimiting(ServerSetup.DossierLookupPolicy);
    }

    /// <summary>JSON batch ({"dossiers": [...]}) or text/csv; ?dryRun=true reports without saving.</summary>
    private static async Task<IResult> ImportAsync(HttpRequest request, bool? dryRun, DossierService dossiers,
        IOptions<DossierApiOptions> options, CancellationToken ct)
    {
        if (!Authorized(request, options.Value)) return Results.Problem("A valid X-Api-Key header is required.", statusCode: 401);

        List<DossierImportRow> rows;
        var parseErrors = new List<DossierImportError>();
        // Read as a stream and stopped at the limit: an oversized upload costs at most the limit in memory.
        var bytes = await BoundedBody.ReadAsync(request, DossierService.MaxImportBytes, ct);
        if (bytes is null) return Results.Problem($"At most {DossierService.MaxImportBytes / 1024 / 1024} MB per request.", statusCode: 413);
        if (request.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) == true)
        {
            (rows, parseErrors) = DossierService.ParseCsv(new StringReader(Encoding.UTF8.GetString(bytes)));
        }
        else
        {
            try
            {
                rows = System.Text.Json.JsonSerializer.Deserialize<DossierBatch>(bytes, System.Text.Json.JsonSerializerOptions.Web)?.Dossiers ?? [];
            }
            catch (System.Text.Json.JsonException e)
            {
                return Results.Problem($"The body is not a dossier batch: {e.Message}", statusCode: 400);
            }
        }
        if (rows.Count > MaxBatch) return Results.Problem($"At most {MaxBatch} dossiers per request.", statusCode: 413);
        if (rows.Count == 0 && parseErrors.Count == 0) return Results.Problem("The batch holds no dossiers.", statusCode: 400);

        var report = await dossiers.ImportAsync(rows, dryRun ?? false, "import-api", ct);
        return Results.Ok(report with { Errors = [.. parseErrors, .. report.Errors] });
    }

    private static bool Authorized(HttpRequest request, DossierApiOptions options)
    {
        var given = Encoding.UTF8.GetBytes(request.Headers["X-Api-Key"].ToString());
        var ok = false;
        foreach (var key in options.ImportApiKeys.Where(k => k.Length >= 16))
        {
            ok |= CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(key));
        }
        return ok && given.Length > 0;
    }
}
