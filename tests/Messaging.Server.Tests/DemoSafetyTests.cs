using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Messaging.Core.Staff;
using Messaging.Core.Telemetry;
using Messaging.Server.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Messaging.Server.Tests;

/// <summary>The demo's published credentials work on loopback only, and the console log masks personal numbers.</summary>
public sealed class DemoSafetyTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5080", false)]
    [InlineData("http://localhost:5080;http://[::1]:5081", false)]
    [InlineData("http://0.0.0.0:5080", true)]
    [InlineData("http://*:5080", true)]
    [InlineData("http://+:80", true)]
    [InlineData("http://192.168.1.20:5080", true)]
    [InlineData("https://demo.example.vn", true)]
    public void Any_address_beyond_loopback_counts_as_public(string urls, bool expected) =>
        Assert.Equal(expected, DemoSafety.BindsBeyondLoopback(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = urls }).Build()));

    [Fact]
    public void Ports_without_an_address_listen_on_every_interface() =>
        Assert.True(DemoSafety.BindsBeyondLoopback(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["http_ports"] = "8080" }).Build()));

    [Fact]
    public async Task A_demo_listening_beyond_loopback_refuses_the_published_passwords_and_secret()
    {
        // Nothing but the server's own start runs here: the replacement is its doing.
        await using var factory = new MessagingServerFactory(new Dictionary<string, string?> { ["urls"] = "http://0.0.0.0:5099" });
        var client = factory.CreateClient();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<StaffAccounts>();
            foreach (var (name, _, password, _, _) in StaffAccounts.DemoAccounts)
                Assert.Equal(StaffSignIn.Invalid, (await accounts.SignInAsync(name, password, "test", default)).Result);
        }
        using var generate = new HttpRequestMessage(HttpMethod.Post, "/v3/directline/tokens/generate");
        generate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "demo-directline-secret-2026");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(generate)).StatusCode);
    }

    [Fact]
    public async Task The_replacement_prints_the_new_passwords_once()
    {
        await using var factory = new MessagingServerFactory();
        factory.CreateClient();
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = "http://0.0.0.0:5099" }).Build();
        var first = new StringWriter();
        await DemoSafety.SecureAsync(factory.Services, settings, first, default);
        var printed = first.ToString();
        Assert.Contains("demo account admin: password ", printed);
        var password = printed.Split("demo account admin: password ")[1].Split(' ')[0];
        await using (var scope = factory.Services.CreateAsyncScope())
            Assert.Equal(StaffSignIn.Success, (await scope.ServiceProvider.GetRequiredService<StaffAccounts>().SignInAsync("admin", password, "test", default)).Result);
        var second = new StringWriter();
        await DemoSafety.SecureAsync(factory.Services, settings, second, default);
        Assert.DoesNotContain("demo account admin", second.ToString());
    }

    [Fact]
    public async Task A_loopback_demo_answers_only_to_loopback_host_names()
    {
        await using var factory = new MessagingServerFactory();
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        using var rebound = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        rebound.Headers.Host = "attacker.example";
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(rebound)).StatusCode);
    }

    [Fact]
    public async Task On_loopback_the_readme_credentials_work()
    {
        await using var factory = new MessagingServerFactory();
        factory.CreateClient();
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.Equal(StaffSignIn.Success, (await scope.ServiceProvider.GetRequiredService<StaffAccounts>().SignInAsync("admin", "demo-admin-2026", "test", default)).Result);
    }

    [Fact]
    public async Task Console_lines_have_personal_numbers_masked_whatever_the_log_call_wrote()
    {
        await using var factory = new MessagingServerFactory();
        factory.CreateClient();
        var formatter = factory.Services.GetServices<ConsoleFormatter>().Single(f => f.Name == MaskingConsoleFormatter.FormatterName);
        var output = new StringWriter();
        var entry = new LogEntry<string>(LogLevel.Warning, "Test", new EventId(1), "could not reach 0912345678 about 000.00.12.H55-240930-0101",
            new InvalidOperationException("gateway refused 051090001234"), (s, e) => s);
        formatter.Write(entry, null, output);
        var line = output.ToString();
        Assert.Contains("0912***678", line);
        Assert.DoesNotContain("0912345678", line);
        Assert.DoesNotContain("051090001234", line);
        Assert.DoesNotContain("240930-0101", line);
        Assert.Equal(MaskingConsoleFormatter.FormatterName, factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConsoleLoggerOptions>>().Value.FormatterName);
    }

    [Fact]
    public async Task Json_console_lines_carry_the_scopes_by_name_and_masked()
    {
        // appsettings.json turns scopes on for whichever formatter the mask wraps.
        await using var factory = new MessagingServerFactory(new Dictionary<string, string?> { ["Logging:Console:Inner"] = "json" });
        factory.CreateClient();
        var formatter = factory.Services.GetServices<ConsoleFormatter>().Single(f => f.Name == MaskingConsoleFormatter.FormatterName);
        var scopes = new LoggerExternalScopeProvider();
        using var turn = scopes.Push(new LogScope("ConversationRef", "q7Xb-2kPz_Lm", "Channel", "zalo"));
        using var notification = scopes.Push(new LogScope("NotificationKey", "dossier.status-changed:000.00.12.H55-240930-0101:2"));
        var output = new StringWriter();
        formatter.Write(new LogEntry<string>(LogLevel.Information, "Test", new EventId(2001), "a turn", null, (s, _) => s), scopes, output);

        using var line = JsonDocument.Parse(output.ToString());
        var named = line.RootElement.GetProperty("Scopes").EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object).ToList();
        Assert.Contains(named, s => s.TryGetProperty("ConversationRef", out var v) && v.GetString() == "q7Xb-2kPz_Lm");
        Assert.Contains(named, s => s.TryGetProperty("Channel", out var v) && v.GetString() == "zalo");
        Assert.Contains(named, s => s.TryGetProperty("NotificationKey", out var v) && v.GetString()!.StartsWith("dossier.status-changed:", StringComparison.Ordinal));
        Assert.DoesNotContain("240930-0101", output.ToString());
    }
}
