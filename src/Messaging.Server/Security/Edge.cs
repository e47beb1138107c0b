using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;

namespace Messaging.Server.Security;

/// <summary>Requests per minute and client, each kind of traffic with its own budget.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";
    /// <summary>Dossier lookups: the second factor is capped in the database too; this stops floods early.</summary>
    public int DossierLookupPerMinute { get; set; } = 10;
    /// <summary>The public catalog (offices, procedures, free slots).</summary>
    public int PublicPerMinute { get; set; } = 120;
    /// <summary>Chat turns (our page, Activity clients, Direct Line) and /model/parse. Generous: a carrier's NAT puts many citizens behind one address.</summary>
    public int TurnsPerMinute { get; set; } = 300;
    /// <summary>Reading a conversation's new activities: a web chat tab polls every 4 s, many tabs share a NAT.</summary>
    public int PollingPerMinute { get; set; } = 1200;
    /// <summary>Bookings and their changes, one-time code requests (each also capped per phone and client per day).</summary>
    public int BookingsPerMinute { get; set; } = 60;
    /// <summary>New conversations and Direct Line tokens and streams.</summary>
    public int ConversationsPerMinute { get; set; } = 60;
    /// <summary>Per sending address: Zalo and the SMS gateway call from a few addresses, many times a minute.</summary>
    public int WebhookPerMinute { get; set; } = 6000;
    /// <summary>Sign-in attempts per client address, whatever the account (the per-account lockout is separate).</summary>
    public int LoginPerMinute { get; set; } = 20;
}

/// <summary>Which proxies' X-Forwarded-For and X-Forwarded-Proto are believed. None configured: no forwarded header is.</summary>
public sealed class ProxyOptions
{
    public const string Section = "Proxy";
    /// <summary>Addresses of the reverse proxies in front of the web nodes.</summary>
    public List<string> KnownProxies { get; set; } = [];
    /// <summary>Networks (CIDR, e.g. 10.0.0.0/8) the proxies live in.</summary>
    public List<string> KnownNetworks { get; set; } = [];
    /// <summary>How many proxies in a row are believed.</summary>
    public int ForwardLimit { get; set; } = 1;

    public bool Configured => KnownProxies.Count > 0 || KnownNetworks.Count > 0;
}

/// <summary>
/// The edge of the server: forwarded headers from configured proxies only, rate-limit budgets per real client and per
/// kind of traffic, and the key ring shared by every web node through the database.
/// </summary>
public static class Edge
{
    public const string DossierLookupPolicy = "dossier-lookup";
    public const string PublicPolicy = "public";
    public const string TurnsPolicy = "turns";
    public const string PollingPolicy = "polling";
    public const string BookingsPolicy = "bookings";
    public const string ConversationsPolicy = "conversations";
    public const string WebhookPolicy = "webhook";
    public const string LoginPolicy = "login";

    public static IServiceCollection AddEdge(this IServiceCollection services, IConfiguration configuration)
    {
        var proxy = configuration.GetSection(ProxyOptions.Section).Get<ProxyOptions>() ?? new();
        services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.Section);
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The framework trusts loopback by default; here only what the operator lists is trusted.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var p in proxy.KnownProxies) o.KnownProxies.Add(IPAddress.Parse(p));
            foreach (var n in proxy.KnownNetworks) o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(n));
            o.ForwardLimit = Math.Max(1, proxy.ForwardLimit);
        });
        services.AddDatabaseKeyRing();

        var limits = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry))
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
            o.AddPolicy(DossierLookupPolicy, http => PerClient(http, DossierLookupPolicy, limits.DossierLookupPerMinute));
            o.AddPolicy(PublicPolicy, http => PerClient(http, PublicPolicy, limits.PublicPerMinute));
            o.AddPolicy(TurnsPolicy, http => PerClient(http, TurnsPolicy, limits.TurnsPerMinute));
            o.AddPolicy(PollingPolicy, http => PerClient(http, PollingPolicy, limits.PollingPerMinute));
            o.AddPolicy(BookingsPolicy, http => PerClient(http, BookingsPolicy, limits.BookingsPerMinute));
            o.AddPolicy(ConversationsPolicy, http => PerClient(http, ConversationsPolicy, limits.ConversationsPerMinute));
            o.AddPolicy(WebhookPolicy, http => PerClient(http, WebhookPolicy, limits.WebhookPerMinute));
            o.AddPolicy(LoginPolicy, http => HttpMethods.IsPost(http.Request.Method)
                ? PerClient(http, LoginPolicy, limits.LoginPerMinute) : RateLimitPartition.GetNoLimiter("read"));
        });
        return services;
    }

    /// <summary>First in the pipeline: the real client's address and scheme, when a configured proxy vouches for them.</summary>
    public static IApplicationBuilder UseForwardedHeadersFromKnownProxies(this IApplicationBuilder app)
    {
        var proxy = app.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ProxyOptions>>().Value;
        return proxy.Configured ? app.UseForwardedHeaders() : app;
    }

    // The policy's name is part of the partition: each kind of traffic has a budget of its own per client.
    private static RateLimitPartition<string> PerClient(HttpContext http, string policy, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(policy + "|" + ClientKeys.Network(http.Connection.RemoteIpAddress),
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = Math.Max(1, perMinute),
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
}
