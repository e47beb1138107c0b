using Messaging.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Messaging.EndToEnd.Tests;

/// <summary>The real server on a free loopback port (Kestrel, not the in-memory test server), for a real browser.</summary>
public sealed class LiveServer : WebApplicationFactory<Program>
{
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("messaging-e2e-").FullName;
    public string BaseUrl { get; private set; } = "";

    private IReadOnlyDictionary<string, string?> _settings = new Dictionary<string, string?>();

    public static LiveServer Start(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var server = new LiveServer { _settings = settings ?? new Dictionary<string, string?>() };
        server.UseKestrel(0);
        server.StartServer();
        var addresses = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        server.BaseUrl = addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal)).Replace("[::1]", "127.0.0.1");
        return server;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Urls", "http://127.0.0.1:0");
        builder.UseSetting("Messaging:DataDirectory", DataDirectory);
        builder.UseSetting("Messaging:DialogsDirectory", RepoPaths.Dialogs);
        builder.UseSetting("Messaging:TemplatesDirectory", RepoPaths.Templates);
        builder.UseSetting("Messaging:DemoData", "true");
        builder.UseSetting("RateLimits:PublicPerMinute", "10000");
        foreach (var (k, v) in _settings) builder.UseSetting(k, v);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Debian's Chromium driven by Playwright; never a downloaded browser.</summary>
public static class Browser
{
    public static readonly string Artifacts = Path.Combine(RepoPaths.Root, "artifacts", "screenshots");

    public static async Task<(IPlaywright, IBrowser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
        });
        return (playwright, browser);
    }

    /// <summary>
    /// Collects what Chromium reports as blocked by the Content-Security-Policy on a page (an inline script, a style, a
    /// frame): the pages must work under the policy, so a test that saw any has found a page that does not.
    /// </summary>
    public static void CollectPolicyViolations(IPage page, List<string> into) =>
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                lock (into) into.Add(page.Url + ": " + message.Text);
        };
}
