using System.Security.Claims;
using Messaging.Core.Staff;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Messaging.Server.Security;

/// <summary>
/// Staff sign in with a user name and password and get a session cookie (HttpOnly, SameSite=Strict, 8 hours sliding);
/// machines use API keys. One policy scheme picks between them per request, so the same role and office rules hold
/// for both.
/// </summary>
public static class StaffAuthentication
{
    public const string CookieScheme = "Staff";
    public const string SelectorScheme = "StaffOrApiKey";
    public const string DisplayNameClaim = "display_name";
    public const string OfficeClaim = "office";
    public const string SessionClaim = "sid";
    public const string AntiforgeryHeader = "RequestVerificationToken";

    public static AuthenticationBuilder AddStaffAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        // Reachable from other machines, staff cookies are Secure even when a request arrives as plain HTTP (a proxy that
        // forgot X-Forwarded-Proto, a mistyped link): they are then never sent in clear. On loopback the demo stays usable
        // over http://localhost.
        var secure = DemoSafety.BindsBeyondLoopback(configuration) ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        services.AddAntiforgery(o =>
        {
            o.HeaderName = AntiforgeryHeader;
            o.Cookie.Name = "messaging-af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            // Antiforgery refuses to issue an "Always" cookie on a plain request (a 500); its token alone opens nothing.
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.Configure<Microsoft.AspNetCore.Mvc.CookieTempDataProviderOptions>(o =>
        {
            o.Cookie.SecurePolicy = secure;
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        return services.AddAuthentication(o =>
            {
                o.DefaultScheme = SelectorScheme;
                o.DefaultChallengeScheme = SelectorScheme;
            })
            .AddPolicyScheme(SelectorScheme, "API key or staff session", o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("ApiKey ", StringComparison.OrdinalIgnoreCase)
                || http.Request.Headers.ContainsKey("X-Admin-Key") ? ApiKeyHandler.SchemeName : CookieScheme)
            .AddScheme<ApiKeyOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, o =>
                configuration.GetSection("Admin").Bind(o, b => b.BindNonPublicProperties = false))
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = "messaging-staff";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = secure;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.LoginPath = "/staff/login";
                o.LogoutPath = "/staff/logout";
                o.AccessDeniedPath = "/staff/denied";
                o.Events = new CookieAuthenticationEvents
                {
                    // APIs answer 401/403; only pages redirect to the sign-in page.
                    OnRedirectToLogin = ctx => ApiOr(ctx, StatusCodes.Status401Unauthorized),
                    OnRedirectToAccessDenied = ctx => ApiOr(ctx, StatusCodes.Status403Forbidden),
                    // The cookie only names a session the server holds. Each request finds it live (not signed out, idle,
                    // too old, or of a disabled account) and takes the account's role and offices as they are now.
                    OnValidatePrincipal = async ctx =>
                    {
                        var sid = ctx.Principal?.FindFirstValue(SessionClaim);
                        var accounts = ctx.HttpContext.RequestServices.GetRequiredService<StaffAccounts>();
                        if (!Guid.TryParse(sid, out var session) || await accounts.ValidateSessionAsync(session, ctx.HttpContext.RequestAborted) is not { } user)
                        {
                            ctx.RejectPrincipal();
                            await ctx.HttpContext.SignOutAsync(CookieScheme);
                            return;
                        }
                        ctx.ReplacePrincipal(Principal(user, session));
                    },
                };
            });
    }

    private static Task ApiOr(RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api")) ctx.Response.StatusCode = status;
        else ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }

    public static ClaimsPrincipal Principal(StaffUser user, Guid session)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString()), new(ClaimTypes.Name, user.UserName),
            new(DisplayNameClaim, user.DisplayName), new(ClaimTypes.Role, user.Role), new(SessionClaim, session.ToString()),
        };
        claims.AddRange(user.Offices.Select(o => new Claim(OfficeClaim, o)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieScheme));
    }

    /// <summary>
    /// Pages call the admin API with fetch under the session cookie; such calls must carry the page's anti-forgery
    /// token too. API-key calls come from machines without cookies and are not affected.
    /// </summary>
    public static IApplicationBuilder UseStaffApiAntiforgery(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var unsafeMethod = !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && !HttpMethods.IsOptions(http.Request.Method);
        if (unsafeMethod && http.Request.Path.StartsWithSegments("/api/admin") && http.User.Identity?.AuthenticationType == CookieScheme)
        {
            var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                await http.Response.WriteAsJsonAsync(new { title = "Missing or invalid anti-forgery token" });
                return;
            }
        }
        await next();
    });

    public static IReadOnlyList<string> OfficesOf(ClaimsPrincipal user) => user.FindAll(OfficeClaim).Select(c => c.Value).ToList();
    public static bool IsAdmin(ClaimsPrincipal user) => user.IsInRole(StaffRoles.Admin);
    public static bool MayActFor(ClaimsPrincipal user, string officeId) => IsAdmin(user) || OfficesOf(user).Contains(officeId);
}
