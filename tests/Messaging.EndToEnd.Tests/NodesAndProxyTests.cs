using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Messaging.Testing;

namespace Messaging.EndToEnd.Tests;

/// <summary>
/// What an operator runs: several web nodes on one database behind a reverse proxy. Real server processes on loopback,
/// so the client address is the connection's and forwarded headers are what a proxy (or a forger) sends.
/// </summary>
public sealed partial class NodesAndProxyTests
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex RequestToken();

    [Fact]
    public async Task Two_web_nodes_accept_each_others_staff_cookies_and_antiforgery_tokens()
    {
        var dir = Directory.CreateTempSubdirectory("messaging-nodes-").FullName;
        try
        {
            await using var a = await ServerProcess.StartAsync(dir, new Dictionary<string, string?>(), role: "web");
            await using var b = await ServerProcess.StartAsync(dir, new Dictionary<string, string?>(), role: "web");
            var cookies = new CookieContainer();
            using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false });
            // Signed in on node A…
            var login = await http.GetStringAsync(a.BaseUrl + "/staff/login");
            var signIn = await http.PostAsync(a.BaseUrl + "/staff/login", new FormUrlEncodedContent(
                [new("UserName", "canbo.tinhha"), new("Password", "demo-tinhha-2026"), new("__RequestVerificationToken", RequestToken().Match(login).Groups[1].Value)]));
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            // …the cookie is carried to node B (one host name in front of both, as behind a proxy).
            foreach (Cookie c in cookies.GetCookies(new Uri(a.BaseUrl))) cookies.Add(new Uri(b.BaseUrl), new Cookie(c.Name, c.Value, "/"));
            var page = await http.GetAsync(b.BaseUrl + "/staff/bookings");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            // A form rendered by A is accepted by B: the anti-forgery keys are the same key ring.
            var token = RequestToken().Match(await http.GetStringAsync(a.BaseUrl + "/staff")).Groups[1].Value;
            var logout = await http.PostAsync(b.BaseUrl + "/staff/logout", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
            Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
            Assert.Contains("/staff/login", logout.Headers.Location!.ToString());
            // Signed out on B means signed out on A.
            foreach (Cookie c in cookies.GetCookies(new Uri(b.BaseUrl))) cookies.Add(new Uri(a.BaseUrl), new Cookie(c.Name, c.Value, "/"));
            Assert.Equal(HttpStatusCode.Redirect, (await http.GetAsync(a.BaseUrl + "/staff/bookings")).StatusCode);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<List<HttpStatusCode>> LookupsAsync(ServerProcess server, string? forwardedFor, int count, string? proto = null)
    {
        using var http = new HttpClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, server.BaseUrl + "/api/dossiers/lookup")
            {
                Content = JsonContent.Create(new { code = "000.00.12.H55-240930-0101", factor = "5678" }),
            };
            if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
            if (proto is not null) request.Headers.Add("X-Forwarded-Proto", proto);
            statuses.Add((await http.SendAsync(request)).StatusCode);
        }
        return statuses;
    }

    [Fact]
    public async Task Behind_a_configured_proxy_each_citizen_has_a_budget_and_a_forged_header_without_one_changes_nothing()
    {
        var dir = Directory.CreateTempSubdirectory("messaging-proxy-").FullName;
        try
        {
            var limits = new Dictionary<string, string?> { ["RateLimits:DossierLookupPerMinute"] = "2", ["Proxy:KnownProxies:0"] = "127.0.0.1" };
            await using (var behindProxy = await ServerProcess.StartAsync(dir, limits))
            {
                // Two citizens behind the proxy: two budgets.
                Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], await LookupsAsync(behindProxy, "203.0.113.10", 3));
                Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], await LookupsAsync(behindProxy, "203.0.113.11", 2));
                // The original request was HTTPS: the staff cookie is Secure and HSTS is sent.
                using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
                using var request = new HttpRequestMessage(HttpMethod.Get, behindProxy.BaseUrl + "/staff/login");
                request.Headers.Add("X-Forwarded-Proto", "https");
                request.Headers.Add("X-Forwarded-For", "203.0.113.12");
                var page = await http.SendAsync(request);
                Assert.True(page.Headers.Contains("Strict-Transport-Security"));
                Assert.Contains(page.Headers.GetValues("Set-Cookie"), c => c.Contains("secure", StringComparison.OrdinalIgnoreCase));
                // A proxy that forgot X-Forwarded-Proto still gets the page (the session cookie, once signed in, is Secure).
                using var plainRequest = new HttpRequestMessage(HttpMethod.Get, behindProxy.BaseUrl + "/staff/login");
                plainRequest.Headers.Add("X-Forwarded-For", "203.0.113.13");
                Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(plainRequest)).StatusCode);
                // Behind a proxy the demo is reachable from the world: the README's demo password no longer works.
                var login = await http.GetAsync(behindProxy.BaseUrl + "/staff/login");
                var token = RequestToken().Match(await login.Content.ReadAsStringAsync()).Groups[1].Value;
                using var signIn = new HttpRequestMessage(HttpMethod.Post, behindProxy.BaseUrl + "/staff/login")
                {
                    Content = new FormUrlEncodedContent([new("UserName", "admin"), new("Password", "demo-admin-2026"), new("__RequestVerificationToken", token)]),
                };
                signIn.Headers.Add("X-Forwarded-Proto", "https");
                signIn.Headers.Add("Cookie", string.Join("; ", login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));
                Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(signIn)).StatusCode);
            }

            var direct = new Dictionary<string, string?> { ["RateLimits:DossierLookupPerMinute"] = "2" };
            await using var noProxy = await ServerProcess.StartAsync(dir, direct);
            // No proxy configured: a client forging X-Forwarded-For still spends its own connection's budget.
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], await LookupsAsync(noProxy, "198.51.100.1", 2));
            Assert.Equal([HttpStatusCode.TooManyRequests], await LookupsAsync(noProxy, "198.51.100.2", 1));
            using var plain = new HttpClient();
            using var forged = new HttpRequestMessage(HttpMethod.Get, noProxy.BaseUrl + "/staff/login");
            forged.Headers.Add("X-Forwarded-Proto", "https");
            Assert.False((await plain.SendAsync(forged)).Headers.Contains("Strict-Transport-Security"));
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
