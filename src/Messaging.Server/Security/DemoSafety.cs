using System.Net;
using Messaging.Core.Identity;
using Messaging.Core.Staff;

namespace Messaging.Server.Security;

/// <summary>
/// Demo mode publishes its staff passwords and its Direct Line secret in the README: fine on 127.0.0.1, an open door
/// on any address other machines reach. Bound beyond loopback, the demo replaces them with random ones and prints
/// them once on the console (never in the log).
/// </summary>
public static class DemoSafety
{
    /// <summary>
    /// True when other machines can reach the server: an endpoint on an address other than loopback (or on all of them),
    /// or a configured reverse proxy, which forwards the world to a loopback port.
    /// </summary>
    public static bool BindsBeyondLoopback(IConfiguration configuration)
    {
        if (configuration.GetSection(ProxyOptions.Section).GetChildren().Any(c => c.GetChildren().Any() || !string.IsNullOrEmpty(c.Value))) return true;
        if (!string.IsNullOrWhiteSpace(configuration["http_ports"]) || !string.IsNullOrWhiteSpace(configuration["https_ports"])) return true;
        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"] ?? ""))
            .Where(u => u.Length > 0);
        return urls.Any(u => !IsLoopback(u));
    }

    private static bool IsLoopback(string url)
    {
        var rest = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
        string host;
        if (rest.StartsWith('['))
            host = rest[1..rest.IndexOf(']', StringComparison.Ordinal)];
        else
        {
            var end = rest.IndexOfAny([':', '/']);
            host = end < 0 ? rest : rest[..end];
        }
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
    }

    /// <summary>The Direct Line secret the demo uses: the published one on loopback, a random one otherwise.</summary>
    public static string DirectLineSecret(IConfiguration configuration) =>
        BindsBeyondLoopback(configuration) ? PublicDirectLineSecret.Value : "demo-directline-secret-2026";

    private static readonly Lazy<string> PublicDirectLineSecret = new(() => "demo-" + Fingerprint.NewSecret(24));

    /// <summary>After the database is ready: replaces the published demo credentials when the demo is reachable from outside.</summary>
    public static async Task SecureAsync(IServiceProvider services, IConfiguration configuration, TextWriter console, CancellationToken ct)
    {
        if (!configuration.GetValue("Messaging:DemoData", true) || !BindsBeyondLoopback(configuration)) return;
        await using var scope = services.CreateAsyncScope();
        var replaced = await scope.ServiceProvider.GetRequiredService<StaffAccounts>().ReplacePublishedDemoPasswordsAsync(ct);
        await console.WriteLineAsync("Demo mode on an address other machines can reach: the README's demo passwords do not work here.");
        foreach (var (user, password) in replaced)
            await console.WriteLineAsync($"  demo account {user}: password {password} (shown once; change it under Staff)");
        await console.WriteLineAsync($"  Direct Line demo secret for this run: {PublicDirectLineSecret.Value}");
        await console.WriteLineAsync("  Set Messaging__DemoData=false for a real deployment.");
    }
}
