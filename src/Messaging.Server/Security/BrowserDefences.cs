namespace Messaging.Server.Security;

public sealed class BrowserDefenceOptions
{
    public const string Section = "Browser";
    /// <summary>Portals (scheme://host[:port]) whose pages may frame the web chat. None: nobody may.</summary>
    public List<string> ChatFrameAncestors { get; set; } = [];
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);
}

/// <summary>
/// The headers that keep a browser from being turned against the people using it: a Content-Security-Policy with no
/// inline script (the web chat may be framed only by configured portals, the staff area by nobody), no content sniffing,
/// no referrer, no powerful features, HSTS when the original request was HTTPS, and no caching of anything that can
/// carry personal data (every API but the public catalog, the staff area, Direct Line).
/// </summary>
public static class BrowserDefences
{
    private const string Common = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";

    public static IApplicationBuilder UseBrowserDefences(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<BrowserDefenceOptions>>().Value;
        var chatAncestors = options.ChatFrameAncestors.Count == 0 ? "'none'" : string.Join(' ', options.ChatFrameAncestors.Select(o => o.TrimEnd('/')));
        var chatPolicy = $"{Common}; frame-ancestors {chatAncestors}";
        var staffPolicy = $"{Common}; frame-ancestors 'none'";
        var hsts = $"max-age={(long)options.HstsMaxAge.TotalSeconds}; includeSubDomains";
        return app.Use(async (http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                var path = http.Request.Path;
                var staff = path.StartsWithSegments("/staff");
                headers.ContentSecurityPolicy = staff ? staffPolicy : chatPolicy;
                if (staff || options.ChatFrameAncestors.Count == 0) headers.XFrameOptions = "DENY";
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                if (http.Request.IsHttps) headers.StrictTransportSecurity = hsts;
                if (MayCarryPersonalData(http.Request))
                {
                    headers.CacheControl = "no-store";
                    headers.Pragma = "no-cache";
                }
                return Task.CompletedTask;
            });
            await next();
        });
    }

    /// <summary>Everything but static files and the public catalog (offices, procedures, free slots) and health.</summary>
    public static bool MayCarryPersonalData(HttpRequest request)
    {
        var path = request.Path;
        if (path.StartsWithSegments("/staff") || path.StartsWithSegments("/v3") || path.StartsWithSegments("/webhooks")) return !IsStaticAsset(path);
        if (!path.StartsWithSegments("/api") && !path.StartsWithSegments("/model")) return false;
        var catalog = HttpMethods.IsGet(request.Method)
            && (path.StartsWithSegments("/api/offices") || path.StartsWithSegments("/api/procedures") || path.StartsWithSegments("/api/slots"));
        return !catalog;
    }

    private static bool IsStaticAsset(PathString path) =>
        path.Value is { } p && (p.EndsWith(".css", StringComparison.Ordinal) || p.EndsWith(".js", StringComparison.Ordinal));
}
