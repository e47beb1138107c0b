using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Messaging.Server.Security;
using Messaging.Testing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Messaging.Server.Tests;

/// <summary>
/// Every endpoint that needs a role, found from the routing table rather than listed by hand, so a new page or API
/// without protection fails here.
/// </summary>
public sealed partial class SecurityTests : IAsyncLifetime
{
    private MessagingServerFactory _factory = null!;

    public Task InitializeAsync()
    {
        _factory = new MessagingServerFactory();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private sealed record Protected(string Method, string Url, string Policy, bool Page);

    private List<Protected> ProtectedEndpoints()
    {
        _factory.CreateClient().Dispose(); // starts the host
        var list = new List<Protected>();
        foreach (var e in _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (e.Metadata.GetMetadata<IAllowAnonymous>() is not null) continue;
            var policies = e.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy ?? "").ToList();
            if (policies.Count == 0) continue;
            var page = e.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.CompiledPageActionDescriptor>() is not null;
            var methods = e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? (page ? ["GET", "POST"] : ["GET"]);
            var url = RouteParameter().Replace(e.RoutePattern.RawText!, m => m.Groups[1].Value.Contains(":guid") ? Guid.Empty.ToString() : "1");
            if (!url.StartsWith('/')) url = "/" + url;
            var policy = policies.Contains(Roles.AdminPolicy) ? Roles.AdminPolicy : Roles.StaffPolicy;
            foreach (var m in methods) list.Add(new Protected(m, url, policy, page));
        }
        return list;
    }

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex RouteParameter();

    [Fact]
    public async Task Every_admin_and_officer_endpoint_refuses_anonymous_callers()
    {
        var endpoints = ProtectedEndpoints();
        Assert.Contains(endpoints, e => e.Url == "/api/admin/deliveries");
        Assert.Contains(endpoints, e => e.Url == "/staff/bookings");
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        foreach (var e in endpoints)
        {
            using var request = new HttpRequestMessage(new HttpMethod(e.Method), e.Url);
            if (e.Method != "GET") request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            var r = await client.SendAsync(request);
            if (e.Page)
            {
                // Pages send the visitor to the sign-in page (an unsigned POST is refused before that, for lack of a token).
                Assert.True(r.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.BadRequest, $"{e.Method} {e.Url}: {r.StatusCode}");
                if (r.StatusCode == HttpStatusCode.Redirect) Assert.Contains("/staff/login", r.Headers.Location!.ToString());
            }
            else
            {
                Assert.True(r.StatusCode == HttpStatusCode.Unauthorized, $"{e.Method} {e.Url}: {r.StatusCode}");
            }
        }
    }

    [Fact]
    public async Task Admin_endpoints_refuse_an_officer_with_a_key_or_a_session()
    {
        var adminOnly = ProtectedEndpoints().Where(e => e.Policy == Roles.AdminPolicy).ToList();
        Assert.Contains(adminOnly, e => e.Url.StartsWith("/api/admin/templates", StringComparison.Ordinal));
        var withKey = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        withKey.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", MessagingServerFactory.OfficerKey);
        var withSession = await SignedInAsync("canbo.tinhha", "demo-tinhha-2026");
        foreach (var e in adminOnly.Where(e => e.Method == "GET"))
        {
            var client = e.Page ? withSession : withKey;
            var r = await client.GetAsync(e.Url);
            if (e.Page) Assert.True(r.StatusCode == HttpStatusCode.Redirect && r.Headers.Location!.ToString().Contains("/staff/denied"), $"{e.Url}: {r.StatusCode}");
            else Assert.True(r.StatusCode == HttpStatusCode.Forbidden, $"{e.Url}: {r.StatusCode}");
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await withSession.GetAsync("/api/admin/deliveries")).StatusCode);
    }

    private async Task<HttpClient> SignedInAsync(string user, string password)
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await client.GetStringAsync("/staff/login");
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        var r = await client.PostAsync("/staff/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = user, ["Password"] = password, ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        var cookie = r.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("messaging-staff=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", cookie);
        Assert.Contains("samesite=strict", cookie);
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [Fact]
    public async Task Forms_and_session_calls_without_the_anti_forgery_token_are_refused()
    {
        var anonymous = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var login = await anonymous.PostAsync("/staff/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = "admin", ["Password"] = "demo-admin-2026",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);

        var officer = await SignedInAsync("canbo.tinhha", "demo-tinhha-2026");
        var cancel = await officer.PostAsync("/staff/bookings?handler=Cancel", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["code"] = "K7MQ4XA", ["reason"] = "x",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, cancel.StatusCode);
        // The same session calling the admin API from a script without the page's token.
        var api = await officer.PostAsync("/api/admin/broadcasts", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.Contains("anti-forgery", await api.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Sign_ins_beyond_the_per_address_limit_get_429_with_retry_after()
    {
        await using var factory = new MessagingServerFactory(new Dictionary<string, string?> { ["RateLimits:LoginPerMinute"] = "3" });
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var form = await client.GetStringAsync("/staff/login");
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        HttpResponseMessage last = null!;
        for (var i = 0; i < 4; i++)
        {
            last = await client.PostAsync("/staff/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["UserName"] = "user" + i, ["Password"] = "wrong-password", ["__RequestVerificationToken"] = token,
            }));
            if (i < 3) Assert.Equal(HttpStatusCode.Unauthorized, last.StatusCode);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, last.StatusCode);
        Assert.True(last.Headers.RetryAfter is not null || last.Headers.Contains("Retry-After"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/staff/login")).StatusCode); // reading the form is not limited
    }

    [Fact]
    public async Task An_unexpected_error_shows_no_stack_trace()
    {
        var capture = new LogCapture();
        await using var factory = new MessagingServerFactory().WithWebHostBuilder(b => b
            .ConfigureLogging(l => l.AddProvider(capture))
            .ConfigureServices(s => s.AddSingleton<IStartupFilter>(new ThrowingEndpoint())));
        var r = await factory.CreateClient().GetAsync("/test/boom");
        Assert.Equal(HttpStatusCode.InternalServerError, r.StatusCode);
        var body = await r.Content.ReadAsStringAsync();
        Assert.DoesNotContain("secret detail", body);
        Assert.DoesNotContain(" at ", body);
        Assert.DoesNotContain("Exception", body);
        // The operator gets what the client does not: the exception with its stack, in the log.
        Assert.Contains(capture.Entries, e => e.Level == LogLevel.Error
            && e.Exception is InvalidOperationException { Message: "secret detail", StackTrace: { } stack }
            && stack.Contains(nameof(ThrowingEndpoint), StringComparison.Ordinal));
    }

    private sealed class ThrowingEndpoint : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Map("/test/boom", b => b.Run(_ => throw new InvalidOperationException("secret detail")));
        };
    }
}
