using System.Net;
using Messaging.Core.Telemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Messaging.Server.Telemetry;

/// <summary>Who may read /metrics (section <c>Metrics</c>): loopback always, plus the networks listed (the scraper's).</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";
    public List<string> AllowedNetworks { get; set; } = [];
}

/// <summary>
/// OpenTelemetry metrics: ASP.NET Core, HttpClient and runtime instruments plus the product's own meter
/// (<see cref="MessagingMetrics"/>), exported as Prometheus text at /metrics and by OTLP when <c>Otlp:Endpoint</c> is set.
/// </summary>
public static class MetricsSetup
{
    public static IServiceCollection AddMessagingMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section);
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("messaging"))
            .WithMetrics(m =>
            {
                m.AddMeter(MessagingMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddPrometheusExporter();
                if (configuration["Otlp:Endpoint"] is { Length: > 0 } endpoint) m.AddOtlpExporter(o => o.Endpoint = new Uri(endpoint));
            });
        // Spans only where something collects them: with no exporter they would cost every request and go nowhere.
        if (configuration["Otlp:Endpoint"] is { Length: > 0 } traces)
        {
            services.AddOpenTelemetry().WithTracing(t => t
                .AddSource(MessagingTraces.SourceName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter(o => o.Endpoint = new Uri(traces)));
        }
        return services;
    }

    /// <summary>/metrics for loopback and the configured networks; 403 for anyone else (the figures describe the service).</summary>
    public static WebApplication MapMessagingMetrics(this WebApplication app)
    {
        var networks = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MetricsOptions>>().Value.AllowedNetworks
            .Select(IPNetwork.Parse).ToList();
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/metrics"), branch => branch.Use(async (http, next) =>
        {
            var address = http.Connection.RemoteIpAddress;
            if (address is not null && address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
            if (address is null || !(IPAddress.IsLoopback(address) || networks.Any(n => n.Contains(address))))
            {
                http.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }
            await next(http);
        }));
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
