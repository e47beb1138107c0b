using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Messaging.Core.Appointments;
using Messaging.Server.DirectLine;
using Messaging.Server.Api;
using Messaging.Server.Telemetry;
using Messaging.Server.Channels;
using Messaging.Server.Security;
using Microsoft.AspNetCore.Diagnostics;

namespace Messaging.Server;

public static class ServerSetup
{
    public const string DossierLookupPolicy = Edge.DossierLookupPolicy;
    public const string PublicPolicy = Edge.PublicPolicy;
    public const string WebhookPolicy = Edge.WebhookPolicy;
    public const string LoginPolicy = Edge.LoginPolicy;

    /// <summary>
    /// Formatting and form binding read numbers and dates one way whatever the host's locale: under th-TH "yyyy" is the
    /// Buddhist year, so a day a staff form posts back, or a bot button, would land 543 years off.
    /// </summary>
    public static void PinCulture()
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
    }

    /// <summary>
    /// The application's own folder when it holds the web root and the working directory does not: a published server
    /// started from anywhere (systemd, cron, another folder) still serves its pages and reads its appsettings.json.
    /// Null keeps the default (the working directory), as `dotnet run` in the project folder and the test host expect.
    /// </summary>
    public static string? ContentRoot(string[] args) => ContentRoot(args, Directory.GetCurrentDirectory(), AppContext.BaseDirectory);

    public static string? ContentRoot(string[] args, string workingDirectory, string applicationDirectory) =>
        args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
        || Directory.Exists(Path.Combine(workingDirectory, "wwwroot"))
        || !Directory.Exists(Path.Combine(applicationDirectory, "wwwroot"))
            ? null
            : applicationDirectory;

    /// <summary>HTTP, auth and rate limits; with <paramref name="processInbound"/>, the processor of webhook events too.</summary>
    public static IServiceCollection AddMessagingServer(this IServiceCollection services, IConfiguration configuration, bool processInbound = true)
    {
        services.AddProblemDetails();
        services.AddMessagingOpenApi();
        // Every console line passes a mask for personal numbers, independent of what each log call remembered to mask.
        services.AddLogging(b => b.AddConsoleFormatter<MaskingConsoleFormatter, MaskingConsoleFormatterOptions>(o =>
            o.Inner = configuration["Logging:Console:Inner"]));
        services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.FormatterName = MaskingConsoleFormatter.FormatterName);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
            o.SerializerOptions.Converters.Add(new VietnamTimeConverter());
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        services.AddOptions<DossierApiOptions>().BindConfiguration(DossierApiOptions.Section);
        services.AddOptions<BrowserDefenceOptions>().BindConfiguration(BrowserDefenceOptions.Section);
        services.AddStaffAuthentication(configuration);
        // Vietnamese written as UTF-8 in pages, not as &#x…; entities (HTML-significant characters are still encoded).
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/Staff", Roles.StaffPolicy);
            o.Conventions.AllowAnonymousToPage("/Staff/Login");
            o.Conventions.AllowAnonymousToPage("/Staff/Denied");
            o.Conventions.AllowAnonymousToPage("/Staff/Reset");
            o.Conventions.AuthorizeFolder("/Staff/Admin", Roles.AdminPolicy);
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(Roles.AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin))
            .AddPolicy(Roles.StaffPolicy, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin, Roles.Officer));
        services.AddEdge(configuration);
        services.AddDirectLine(configuration);
        if (configuration.GetValue("Messaging:DemoData", true))
        {
            // The demo's site secret, listed in the README like the demo staff accounts (random when the demo listens
            // beyond loopback); never in production.
            var secret = DemoSafety.DirectLineSecret(configuration);
            services.PostConfigure<DirectLineOptions>(o =>
            {
                if (o.Secrets.Count == 0) o.Secrets.Add(new DirectLineSecret { Name = "demo", Secret = secret });
            });
            // A loopback demo keeps the published credentials, so it answers only to loopback host names: a web page
            // elsewhere cannot reach it by pointing its own domain at 127.0.0.1, nor a tunnel by forwarding to it.
            if (!DemoSafety.BindsBeyondLoopback(configuration))
                services.PostConfigure<Microsoft.AspNetCore.HostFiltering.HostFilteringOptions>(o => o.AllowedHosts = ["localhost", "127.0.0.1", "[::1]"]);
        }
        services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.Section);
        services.AddMessagingMetrics(configuration);
        services.AddSingleton<InboundSignal>();
        services.AddSingleton<DisplayBoards>();
        services.AddSingleton<ZaloEventHandler>();
        services.AddSingleton<InboundProcessor>();
        services.AddSingleton<Messaging.Server.Learning.LanguageRetrainer>();
        services.AddScoped<Messaging.Server.Dashboard.StaffDashboard>();
        if (processInbound) services.AddHostedService(sp => sp.GetRequiredService<Messaging.Server.Learning.LanguageRetrainer>());
        if (processInbound) services.AddHostedService(sp => sp.GetRequiredService<InboundProcessor>());
        return services;
    }

    public static WebApplication UseMessagingServer(this WebApplication app, bool webEndpoints = true)
    {
        // Problem details without stack traces, in every environment: citizens and scanners see the same page.
        app.UseForwardedHeadersFromKnownProxies();
        app.UseBrowserDefences();
        app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = StatusFor });
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseCors();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.UseRateLimiter();
        // The dossier upload is refused by its declared length before anything reads it (the form limit still stops a
        // body that lies about its length, while it streams).
        app.Use(async (http, next) =>
        {
            if (HttpMethods.IsPost(http.Request.Method) && http.Request.Path.StartsWithSegments("/staff/dossiers")
                && http.Request.ContentLength > Messaging.Core.Dossiers.DossierService.MaxImportBytes + 64 * 1024)
            {
                http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await http.Response.WriteAsync($"Tệp quá lớn: mỗi lần nhập tối đa {Messaging.Core.Dossiers.DossierService.MaxImportBytes / 1024 / 1024} MB.");
                return;
            }
            await next();
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseStaffApiAntiforgery();
        app.MapGet("/healthz", Health.CheckAsync);
        app.MapGet("/healthz/ready", Health.ReadyAsync);
        app.MapMessagingMetrics();
        if (!webEndpoints) return app;
        // Public on purpose: it names routes, never data, and every admin route it lists answers only to staff.
        app.MapOpenApi("/openapi/{documentName}.json").RequireRateLimiting(PublicPolicy);
        app.MapCatalogApi();
        app.MapDisplayApi();
        app.MapBookingApi();
        app.MapDossierApi();
        app.MapModelApi();
        app.MapTemplateAdminApi();
        app.MapBotApi(app.Configuration);
        app.MapDirectLine();
        app.MapNotifierAdminApi();
        app.MapRazorPages();
        app.MapZaloWebhook();
        app.MapSmsWebhook();
        return app;
    }

    private static int StatusFor(Exception e) => e switch
    {
        BadHttpRequestException b => b.StatusCode,
        JsonException => StatusCodes.Status400BadRequest,
        // A multipart upload past its length limit (the dossier import) is stopped while it streams.
        InvalidDataException => StatusCodes.Status413PayloadTooLarge,
        _ => StatusCodes.Status500InternalServerError,
    };
}
