using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Messaging.Bot.Engine;
using Messaging.Core.Appointments;
using Messaging.Core.Conversations;
using Messaging.Core.Dossiers;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Core.Seeding;
using Messaging.Core.Staff;
using Messaging.Notifier.Worker;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Server.Tests;

/// <summary>
/// The staff area as a curious officer and as an attacker with a stolen cookie meet it: sessions the server ends, an
/// officer of one office against every staff endpoint aimed at another office's records, forged broadcast data, lockout
/// under parallel guesses, and the browser defences on every route.
/// </summary>
public sealed partial class StaffTrustTests : IAsyncLifetime
{
    private const string TinhHa = "ca-xa-tinh-ha";
    private MessagingServerFactory _factory = null!;

    public Task InitializeAsync()
    {
        _factory = new MessagingServerFactory(new Dictionary<string, string?> { ["RateLimits:LoginPerMinute"] = "1000" });
        _factory.CreateClient().Dispose();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    /// <summary>
    /// A browser-like client signed in through the real form, with its cookies in plain view (so a test can copy them,
    /// as a thief would), redirects not followed.
    /// </summary>
    private sealed class Browser(HttpClient http)
    {
        public Dictionary<string, string> Cookies { get; } = [];
        public string Token { get; set; } = "";

        public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
        {
            if (Cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", Cookies.Select(kv => $"{kv.Key}={kv.Value}")));
            var response = await http.SendAsync(request);
            foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            {
                var pair = header.Split(';')[0];
                var eq = pair.IndexOf('=');
                var (name, value) = (pair[..eq], pair[(eq + 1)..]);
                if (value.Length == 0 || header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)) Cookies.Remove(name);
                else Cookies[name] = value;
            }
            return response;
        }

        public Task<HttpResponseMessage> GetAsync(string url) => SendAsync(new HttpRequestMessage(HttpMethod.Get, url));

        public async Task<string> GetStringAsync(string url) => await (await GetAsync(url)).Content.ReadAsStringAsync();

        public Task<HttpResponseMessage> PostAsync(string url, HttpContent content) => SendAsync(new HttpRequestMessage(HttpMethod.Post, url) { Content = content });

        public Task<HttpResponseMessage> PostFormAsync(string url, IEnumerable<KeyValuePair<string, string>> fields) =>
            PostAsync(url, new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", Token))));
    }

    private Browser NewBrowser() => new(_factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false }));

    private async Task<Browser> SignInAsync(string user, string password)
    {
        var browser = NewBrowser();
        browser.Token = TokenIn(await browser.GetStringAsync("/staff/login"));
        var r = await browser.PostFormAsync("/staff/login", [new("UserName", user), new("Password", password)]);
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        browser.Token = TokenIn(await browser.GetStringAsync("/staff"));
        return browser;
    }

    private static string TokenIn(string html) => RequestToken().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex RequestToken();

    private async Task<T> WithAsync<T>(Func<IServiceProvider, Task<T>> f)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await f(scope.ServiceProvider);
    }

    [Fact]
    public async Task A_cookie_copied_before_sign_out_opens_nothing_afterwards()
    {
        var officer = await SignInAsync("canbo.tinhha", "demo-tinhha-2026");
        var thief = NewBrowser();
        foreach (var (k, v) in officer.Cookies) thief.Cookies[k] = v;
        Assert.Equal(HttpStatusCode.OK, (await thief.GetAsync("/staff/bookings")).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await officer.PostFormAsync("/staff/logout", [])).StatusCode);
        var after = await thief.GetAsync("/staff/bookings");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/staff/login", after.Headers.Location!.ToString());
    }

    [Fact]
    public async Task A_role_or_office_change_and_a_disabled_account_take_effect_at_the_next_request()
    {
        // An admin who has signed in stays, so the promoted officer is not the last one when disabled.
        await SignInAsync("admin", "demo-admin-2026");
        var officer = await SignInAsync("canbo.tinhha", "demo-tinhha-2026");
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync($"/staff/bookings?office={TinhHa}")).StatusCode);
        var id = await WithAsync(sp => sp.GetRequiredService<MessagingDbContext>().StaffUsers.Where(u => u.UserName == "canbo.tinhha").Select(u => u.Id).SingleAsync());

        // Moved to another office: Tịnh Hà's records are gone for this session at once.
        await WithAsync(async sp => await sp.GetRequiredService<StaffAccounts>().UpdateAsync(id, "Cán bộ", StaffRoles.Officer, ["ca-xa-tra-bong"], "admin", default));
        Assert.Equal(HttpStatusCode.NotFound, (await officer.GetAsync($"/staff/bookings?office={TinhHa}")).StatusCode);
        // Made an admin: the admin pages open in the same session.
        Assert.Equal(HttpStatusCode.Redirect, (await officer.GetAsync("/staff/admin/users")).StatusCode);
        await WithAsync(async sp => await sp.GetRequiredService<StaffAccounts>().UpdateAsync(id, "Cán bộ", StaffRoles.Admin, [], "admin", default));
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync("/staff/admin/users")).StatusCode);
        // Disabled: the session ends.
        await WithAsync(async sp => { await sp.GetRequiredService<StaffAccounts>().SetDisabledAsync(id, true, "admin", default); return 0; });
        var r = await officer.GetAsync("/staff");
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Contains("/staff/login", r.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Twelve_parallel_wrong_passwords_get_five_checks_and_an_unknown_name_answers_the_same()
    {
        async Task<StaffSignIn[]> Guess(string name) => await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() =>
            WithAsync(async sp => (await sp.GetRequiredService<StaffAccounts>().SignInAsync(name, $"wrong-password-{i}", "test", default)).Result))));
        var known = await Guess("canbo.trabong");
        var unknown = await Guess("khong.ton.tai");
        Assert.Equal((5, 7), (known.Count(r => r == StaffSignIn.Invalid), known.Count(r => r == StaffSignIn.LockedOut)));
        Assert.Equal((5, 7), (unknown.Count(r => r == StaffSignIn.Invalid), unknown.Count(r => r == StaffSignIn.LockedOut)));
        // Locked means locked: even the right password waits.
        Assert.Equal(StaffSignIn.LockedOut, (await WithAsync(sp => sp.GetRequiredService<StaffAccounts>().SignInAsync("canbo.trabong", "demo-trabong-2026", "test", default))).Result);

        // Over HTTP the two answers are the same page.
        async Task<string> Page(string name)
        {
            var client = NewBrowser();
            client.Token = TokenIn(await client.GetStringAsync("/staff/login"));
            var r = await client.PostFormAsync("/staff/login", [new("UserName", name), new("Password", "wrong-password")]);
            return Regex.Match(await r.Content.ReadAsStringAsync(), "class=\"error\"[^>]*>([^<]+)<").Groups[1].Value;
        }
        Assert.Equal(await Page("canbo.trabong"), await Page("khong.ton.tai"));
    }

    [Fact]
    public async Task A_stranger_who_locks_an_officers_name_locks_only_their_own_network_and_an_admin_can_unlock_it()
    {
        Task<StaffSignIn> Try(string password, string from) =>
            WithAsync(async sp => (await sp.GetRequiredService<StaffAccounts>().SignInAsync("canbo.tinhha", password, from, default)).Result);
        for (var i = 0; i < StaffAccounts.MaxFailures; i++) Assert.Equal(StaffSignIn.Invalid, await Try("wrong-password", "203.0.113.0/24"));
        Assert.Equal(StaffSignIn.LockedOut, await Try("demo-tinhha-2026", "203.0.113.0/24"));
        // The officer at the station is another network: not locked out by the stranger.
        Assert.Equal(StaffSignIn.Success, await Try("demo-tinhha-2026", "10.1.2.0/24"));

        // Guesses spread over many networks still meet the per-name ceiling.
        for (var i = 0; i < StaffAccounts.MaxFailuresPerName; i++) await Try("wrong-password", $"198.51.{i}.0/24");
        Assert.Equal(StaffSignIn.LockedOut, await Try("demo-tinhha-2026", "10.1.2.0/24"));

        var id = await WithAsync(sp => sp.GetRequiredService<MessagingDbContext>().StaffUsers.Where(u => u.UserName == "canbo.tinhha").Select(u => u.Id).SingleAsync());
        var admin = await SignInAsync("admin", "demo-admin-2026");
        var unlock = await admin.PostFormAsync("/staff/admin/users?handler=Unlock", [new("id", id.ToString())]);
        Assert.True(unlock.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, unlock.StatusCode.ToString());
        Assert.Equal(StaffSignIn.Success, await Try("demo-tinhha-2026", "203.0.113.0/24"));
        Assert.True(await WithAsync(sp => sp.GetRequiredService<MessagingDbContext>().AuditLog.AnyAsync(a => a.Action == "staff.unlock" && a.Subject == "canbo.tinhha")));
    }

    [Fact]
    public async Task Two_admins_demoting_each_other_at_once_leave_one_admin_and_an_unused_account_is_no_rescue()
    {
        var accounts = (Func<IServiceProvider, StaffAccounts>)(sp => sp.GetRequiredService<StaffAccounts>());
        var first = await WithAsync(async sp => (await accounts(sp).CreateAsync("qt.mot", "Quản trị một", "mat-khau-qt-2026", StaffRoles.Admin, [], "admin", default)).Id);
        var second = await WithAsync(async sp => (await accounts(sp).CreateAsync("qt.hai", "Quản trị hai", "mat-khau-qt-2026", StaffRoles.Admin, [], "admin", default)).Id);
        var original = await WithAsync(sp => sp.GetRequiredService<MessagingDbContext>().StaffUsers.Where(u => u.UserName == "admin").Select(u => u.Id).SingleAsync());
        // The demo admin steps down while qt.mot and qt.hai have never signed in: refused, they cannot rescue anyone.
        await Assert.ThrowsAsync<StaffException>(() => WithAsync(async sp => await accounts(sp).UpdateAsync(original, "Admin", StaffRoles.Officer, [TinhHa], "admin", default)));

        foreach (var name in new[] { "qt.mot", "qt.hai" })
            Assert.Equal(StaffSignIn.Success, (await WithAsync(sp => accounts(sp).SignInAsync(name, "mat-khau-qt-2026", "test", default))).Result);
        await WithAsync(async sp => await accounts(sp).UpdateAsync(original, "Admin", StaffRoles.Officer, [TinhHa], "qt.mot", default));
        try
        {
            // Each demotes the other at the same moment: exactly one wins.
            var results = await Task.WhenAll(new[] { (first, "qt.hai"), (second, "qt.mot") }.Select(x => Task.Run(async () =>
            {
                try
                {
                    await WithAsync(async sp => await accounts(sp).UpdateAsync(x.Item1, "Cán bộ", StaffRoles.Officer, [TinhHa], x.Item2, default));
                    return true;
                }
                catch (StaffException)
                {
                    return false;
                }
            })));
            Assert.Equal(1, results.Count(ok => ok));
            Assert.Equal(1, await WithAsync(sp => sp.GetRequiredService<MessagingDbContext>().StaffUsers.CountAsync(u => u.Role == StaffRoles.Admin && !u.Disabled && u.UserName.StartsWith("qt."))));
        }
        finally
        {
            await WithAsync(async sp => await accounts(sp).UpdateAsync(original, "Quản trị viên (demo)", StaffRoles.Admin, [], "test", default));
        }
    }

    [Fact]
    public async Task An_admin_creates_an_officer_who_sets_a_password_through_a_one_time_link()
    {
        var admin = await SignInAsync("admin", "demo-admin-2026");
        var created = await admin.PostFormAsync("/staff/admin/users?handler=Create",
            [new("userName", "lan.nguyen"), new("displayName", "Nguyễn Thị Lan"), new("role", "officer"), new("offices", TinhHa)]);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var link = Regex.Match(await created.Content.ReadAsStringAsync(), "/staff/reset\\?token=([^\"&]+)").Groups[1].Value;
        Assert.NotEmpty(link);

        var anonymous = NewBrowser();
        var form = await anonymous.GetStringAsync("/staff/reset?token=" + link);
        Assert.Contains("lan.nguyen", form);
        var set = await anonymous.PostAsync("/staff/reset?token=" + link, new FormUrlEncodedContent(
            [new("password", "mat-khau-moi-2026"), new("confirm", "mat-khau-moi-2026"), new("__RequestVerificationToken", TokenIn(form))]));
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        // Spent: the link works once.
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/staff/reset?token=" + link)).StatusCode);
        var lan = await SignInAsync("lan.nguyen", "mat-khau-moi-2026");
        Assert.Equal(HttpStatusCode.OK, (await lan.GetAsync($"/staff/bookings?office={TinhHa}")).StatusCode);
        var audit = await WithAsync(sp => sp.GetRequiredService<MessagingDbContext>().AuditLog.Where(a => a.Subject == "lan.nguyen").Select(a => a.Action).ToListAsync());
        Assert.Contains("staff.create", audit);
        Assert.Contains("staff.reset-link", audit);
        Assert.Contains("staff.password-set", audit);
    }

    /// <summary>Tịnh Hà's records for the walk: a booking, a session, a closure, a handoff with its conversation, a broadcast.</summary>
    private async Task<(string Booking, Guid Session, int Closure, Guid Handoff, string Conversation, Guid Broadcast)> TinhHaRecordsAsync()
    {
        return await WithAsync(async sp =>
        {
            var db = sp.GetRequiredService<MessagingDbContext>();
            var day = OfficeTime.LocalDate(DateTimeOffset.UtcNow, null).AddDays(9);
            var bookings = sp.GetRequiredService<BookingService>();
            var slot = (await bookings.FindFreeSlotsAsync(new SlotQuery("cccd-renewal", day, day.AddDays(7), TinhHa), default)).First();
            var booking = await bookings.BookAsync(new BookingRequest("cccd-renewal", TinhHa, slot.Start, "Nguyễn Văn An", "0912345678", SessionId: slot.SessionId), default);
            var session = await db.Sessions.Where(s => s.OfficeId == TinhHa).Select(s => s.Id).FirstAsync();
            // Not on a holiday the demo office is already closed for (day + 20 is 1 January when day is 12 December).
            var closed = await db.OfficeClosures.Where(c => c.OfficeId == TinhHa).Select(c => c.Date).ToListAsync();
            var closureDay = day.AddDays(20);
            while (closed.Contains(closureDay)) closureDay = closureDay.AddDays(1);
            var closure = new OfficeClosure { OfficeId = TinhHa, Date = closureDay, Reason = "Họp" };
            db.OfficeClosures.Add(closure);
            await db.SaveChangesAsync();
            var engine = sp.GetRequiredService<ConversationEngine>();
            await engine.RunAsync(new Bot.Activities.Activity { Text = "cho tôi gặp cán bộ công an xã Tịnh Hà", Conversation = new("walk-conv"), From = new("walk-user") },
                new TurnIdentity("anon", "walk-conv", IdentityKind.Conversation, "ip:1"), default);
            var handoff = await db.HandoffRequests.Where(h => h.ConversationId == "walk-conv").Select(h => h.Id).SingleAsync();
            var broadcast = await sp.GetRequiredService<BroadcastService>().CreateAsync(new BroadcastDraft(TinhHa, day, day, null, null, null, "Thông báo", null, null, false), "canbo.tinhha", default);
            return (booking.Code, session, closure.Id, handoff, "walk-conv", broadcast.Id);
        });
    }

    [Fact]
    public async Task An_officer_of_another_office_gets_nothing_of_Tinh_Ha_from_any_staff_endpoint()
    {
        var r = await TinhHaRecordsAsync();
        var officer = await SignInAsync("canbo.trabong", "demo-trabong-2026");
        var http = officer;
        var day = OfficeTime.LocalDate(DateTimeOffset.UtcNow, null).AddDays(3).ToString("yyyy-MM-dd");
        var covered = new HashSet<string>();
        async Task Expect(string route, Task<HttpResponseMessage> call, params HttpStatusCode[] allowed)
        {
            covered.Add(route);
            var response = await call;
            Assert.True(allowed.Contains(response.StatusCode), $"{route}: {response.StatusCode}");
        }
        var notFound = new[] { HttpStatusCode.NotFound };
        var forbidden = new[] { HttpStatusCode.Forbidden, HttpStatusCode.Redirect }; // admin pages send officers to /staff/denied

        await Expect("/staff", http.GetAsync($"/staff?office={TinhHa}"), notFound); // the overview's booking chart
        await Expect("/staff/bookings", http.GetAsync($"/staff/bookings?office={TinhHa}"), notFound);
        await Expect("/staff/bookings", officer.PostFormAsync("/staff/bookings?handler=CheckIn", [new("code", r.Booking)]), notFound);
        await Expect("/staff/bookings", officer.PostFormAsync("/staff/bookings?handler=NoShow", [new("code", r.Booking)]), notFound);
        await Expect("/staff/bookings", officer.PostFormAsync("/staff/bookings?handler=Cancel", [new("code", r.Booking), new("reason", "x")]), notFound);
        await Expect("/staff/broadcasts", http.GetAsync($"/staff/broadcasts?id={r.Broadcast}"), notFound);
        await Expect("/staff/broadcasts", officer.PostFormAsync("/staff/broadcasts?handler=Prepare", [new("Office", TinhHa), new("From", day), new("Message", "giả")]), notFound);
        await Expect("/staff/broadcasts", officer.PostFormAsync("/staff/broadcasts?handler=Send", [new("id", r.Broadcast.ToString())]), notFound);
        await Expect("/staff/broadcasts", officer.PostFormAsync("/staff/broadcasts?handler=Cancel", [new("id", r.Broadcast.ToString())]), notFound);
        await Expect("/staff/schedule", http.GetAsync($"/staff/schedule?office={TinhHa}"), notFound);
        await Expect("/staff/schedule", officer.PostFormAsync("/staff/schedule?handler=Create", [new("office", TinhHa), new("service", "1"), new("kind", "Extra"), new("title", "x"), new("place", "x"), new("date", day), new("start", "08:00"), new("end", "10:00"), new("capacity", "5")]), notFound);
        await Expect("/staff/schedule", officer.PostFormAsync("/staff/schedule?handler=Change", [new("id", r.Session.ToString()), new("date", day), new("start", "08:00"), new("end", "10:00"), new("place", "x"), new("capacity", "5")]), notFound);
        await Expect("/staff/schedule", officer.PostFormAsync("/staff/schedule?handler=Cancel", [new("id", r.Session.ToString()), new("reason", "x")]), notFound);
        await Expect("/staff/schedule", officer.PostFormAsync("/staff/schedule?handler=Hours", [new("office", TinhHa), new("days[Monday]", "")]), notFound);
        await Expect("/staff/schedule", officer.PostFormAsync("/staff/schedule?handler=AddClosure", [new("office", TinhHa), new("date", day), new("reason", "x")]), notFound);
        await Expect("/staff/schedule", officer.PostFormAsync("/staff/schedule?handler=RemoveClosure", [new("id", r.Closure.ToString())]), notFound);
        await Expect("/staff/dossiers", officer.PostFormAsync("/staff/dossiers?handler=Status", [new("code", DemoData.DemoDossierCode), new("status", "Returned")]), notFound);
        var search = await http.GetStringAsync($"/staff/dossiers?q={Uri.EscapeDataString(DemoData.DemoDossierCode)}");
        Assert.DoesNotContain($"data-code=\"{DemoData.DemoDossierCode}\"", search);
        covered.Add("/staff/dossiers");
        await Expect("/staff/handoffs", http.GetAsync($"/staff/handoffs?id={r.Handoff}"), notFound);
        Assert.DoesNotContain(r.Handoff.ToString(), await http.GetStringAsync("/staff/handoffs"));
        await Expect("/staff/handoffs", officer.PostFormAsync("/staff/handoffs?handler=Reply", [new("id", r.Handoff.ToString()), new("message", "giả")]), notFound);
        await Expect("/staff/handoffs", officer.PostFormAsync("/staff/handoffs?handler=Close", [new("id", r.Handoff.ToString())]), notFound);
        await Expect("/staff/handoffs", officer.PostFormAsync("/staff/handoffs?handler=Assign", [new("id", r.Handoff.ToString()), new("office", "ca-xa-tra-bong")]), notFound);
        var entry = (await WithAsync(sp => sp.GetRequiredService<Messaging.Core.FrontDesk.DeskService>().IssueAsync(TinhHa, null, null, "canbo.tinhha", default))).Item!.EntryId!.Value;
        await Expect("/staff/desk", http.GetAsync($"/staff/desk?office={TinhHa}"), notFound);
        foreach (var handler in new[] { "Desk", "Next", "Issue", "Prefix" })
            await Expect("/staff/desk", officer.PostFormAsync($"/staff/desk?handler={handler}", [new("office", TinhHa), new("desk", "Quầy 9"), new("prefix", "Z")]), notFound);
        foreach (var handler in new[] { "Recall", "Serve", "Skip", "Requeue" })
            await Expect("/staff/desk", officer.PostFormAsync($"/staff/desk?handler={handler}", [new("id", entry.ToString())]), notFound);
        await Expect("/staff/desk/ticket/{id:guid}", http.GetAsync($"/staff/desk/ticket/{entry}"), notFound);
        Assert.Equal(Messaging.Core.FrontDesk.QueueEntryStatus.Waiting,
            (await WithAsync(sp => sp.GetRequiredService<Messaging.Core.FrontDesk.DeskService>().FindEntryAsync(entry, default)))!.Status);
        var visit = (await WithAsync(sp => sp.GetRequiredService<Messaging.Core.HomeVisits.HomeVisitService>().CreateAsync(
            new Messaging.Core.HomeVisits.HomeVisitInput(TinhHa, "Nguyễn Thị Hoa", Messaging.Core.HomeVisits.HomeVisitReason.Elderly,
                "thôn An Bình, xã Tịnh Hà", "0912000777", Relation: "mẹ", PersonAge: 85, AddressMatched: true), default))).Id;
        await Expect("/staff/home-visits", http.GetAsync($"/staff/home-visits?office={TinhHa}"), notFound);
        Assert.DoesNotContain("Nguyễn Thị Hoa", await http.GetStringAsync("/staff/home-visits"));
        await Expect("/staff/home-visits", officer.PostFormAsync("/staff/home-visits?handler=Schedule",
            [new("id", visit.ToString()), new("date", day), new("window", "08:00–10:00"), new("officer", "canbo.trabong")]), notFound);
        await Expect("/staff/home-visits", officer.PostFormAsync("/staff/home-visits?handler=Decline", [new("id", visit.ToString()), new("reason", "giả")]), notFound);
        await Expect("/staff/home-visits", officer.PostFormAsync("/staff/home-visits?handler=Done", [new("id", visit.ToString())]), notFound);
        await Expect("/staff/home-visits", officer.PostFormAsync("/staff/home-visits?handler=Limit", [new("office", TinhHa), new("perDay", "0")]), notFound);
        Assert.Equal(Messaging.Core.HomeVisits.HomeVisitStatus.Requested, await WithAsync(async sp =>
            (await sp.GetRequiredService<MessagingDbContext>().Set<Messaging.Core.HomeVisits.HomeVisitRequest>().AsNoTracking().SingleAsync(v => v.Id == visit)).Status));
        await Expect("/api/admin/conversations/{id}/transcript", http.GetAsync($"/api/admin/conversations/{r.Conversation}/transcript"), notFound);
        HttpRequestMessage antiforgery(HttpRequestMessage m) { m.Headers.Add("RequestVerificationToken", officer.Token); return m; }
        await Expect("/api/admin/broadcasts", http.SendAsync(antiforgery(new HttpRequestMessage(HttpMethod.Post, "/api/admin/broadcasts") { Content = JsonContent.Create(new { officeId = TinhHa, from = day, message = "giả" }) })), HttpStatusCode.Forbidden);
        await Expect("/api/admin/broadcasts/{id:guid}", http.GetAsync($"/api/admin/broadcasts/{r.Broadcast}"), notFound);
        await Expect("/api/admin/broadcasts/{id:guid}/send", http.SendAsync(antiforgery(new HttpRequestMessage(HttpMethod.Post, $"/api/admin/broadcasts/{r.Broadcast}/send"))), notFound);
        await Expect("/api/admin/broadcasts/{id:guid}/cancel", http.SendAsync(antiforgery(new HttpRequestMessage(HttpMethod.Post, $"/api/admin/broadcasts/{r.Broadcast}/cancel"))), notFound);
        foreach (var admin in new[] { "/staff/admin/users", "/staff/admin/audit", "/staff/admin/deliveries", "/staff/admin/templates", "/staff/admin/templates/edit",
            "/staff/admin/language", "/staff/admin/knowledge" })
            await Expect(admin, http.GetAsync(admin + "?key=notify/broadcast"), forbidden);
        await Expect("/staff/admin/users", officer.PostFormAsync("/staff/admin/users?handler=Create", [new("userName", "ke.gian"), new("role", "admin")]), forbidden);
        await Expect("/staff/admin/language", officer.PostFormAsync("/staff/admin/language?handler=Retrain", []), forbidden);

        // Every staff page and office-bound admin API of the routing table was walked (admin-only APIs have their own test).
        var routes = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.Trim('/'))
            .Where(p => (p.StartsWith("/staff", StringComparison.Ordinal) && p is not ("/staff" or "/staff/login" or "/staff/logout" or "/staff/denied" or "/staff/reset"))
                || p.StartsWith("/api/admin/broadcasts", StringComparison.Ordinal) || p.StartsWith("/api/admin/conversations", StringComparison.Ordinal))
            .Distinct().ToList();
        Assert.Empty(routes.Except(covered));

        // And nothing of Tịnh Hà changed.
        await WithAsync(async sp =>
        {
            var db = sp.GetRequiredService<MessagingDbContext>();
            Assert.Equal(BookingStatus.Booked, (await db.Bookings.SingleAsync(b => b.Code == r.Booking)).Status);
            Assert.Equal(SessionStatus.Scheduled, (await db.Sessions.SingleAsync(s => s.Id == r.Session)).Status);
            Assert.True(await db.OfficeClosures.AnyAsync(c => c.Id == r.Closure));
            Assert.Equal((HandoffStatus.Open, TinhHa), await db.HandoffRequests.Where(h => h.Id == r.Handoff).Select(h => ValueTuple.Create(h.Status, h.OfficeId)).SingleAsync());
            Assert.Equal(BroadcastStatus.Draft, (await db.Set<Broadcast>().SingleAsync(b => b.Id == r.Broadcast)).Status);
            Assert.Equal(DossierStatus.ReadyForPickup, (await db.Dossiers.SingleAsync(d => d.Code == DemoData.DemoDossierCode)).Status);
            Assert.False(await db.StaffUsers.AnyAsync(u => u.UserName == "ke.gian"));
            return 0;
        });
    }

    [Fact]
    public async Task An_import_cannot_take_over_or_reveal_another_offices_dossier()
    {
        var officer = await SignInAsync("canbo.trabong", "demo-trabong-2026");
        var theirs = DemoData.DemoDossierCode; // Tịnh Hà's
        const string Fresh = "000.00.12.H55-241201-0999";
        async Task<string> ImportAsync(bool dryRun, params string[] codes)
        {
            // A code may carry "@office" to set the row's office; by default the officer's own.
            var csv = "code,procedure_id,office_id,applicant_name,phone,status\n" + string.Join("\n", codes.Select(c =>
                $"{c.Split('@')[0]},cccd-renewal,{(c.Contains('@') ? c.Split('@')[1] : "ca-xa-tra-bong")},Kẻ Lạ,0987000111,received"));
            using var form = new MultipartFormDataContent
            {
                { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "file", "d.csv" },
                { new StringContent(dryRun ? "true" : "false"), "dryRun" },
                { new StringContent(officer.Token), "__RequestVerificationToken" },
            };
            var r = await officer.PostAsync("/staff/dossiers?handler=Import", form);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            return await r.Content.ReadAsStringAsync();
        }
        var dry = await ImportAsync(true, theirs);
        static string Errors(string html) => string.Join("|", Regex.Matches(html, "<li>Dòng \\d+ \\([^)]*\\): ([^<]+)</li>").Select(m => m.Groups[1].Value));
        Assert.Equal("this dossier cannot be imported for your offices", Errors(dry));
        // A row for another office reads exactly the same as another office's existing code: the report reveals nothing.
        Assert.Equal(Errors(dry), Errors(await ImportAsync(true, "000.00.12.H55-241201-0998@" + TinhHa)));
        Assert.Contains("Thêm mới: <strong>1</strong>", await ImportAsync(true, "000.00.12.H55-241201-0998"));
        await ImportAsync(false, theirs, Fresh);
        var dossier = await WithAsync(sp => sp.GetRequiredService<MessagingDbContext>().Dossiers.AsNoTracking().SingleAsync(d => d.Code == theirs));
        Assert.Equal((TinhHa, "Nguyễn Văn An", "0912345678"), (dossier.OfficeId, dossier.ApplicantName, dossier.Phone));
        Assert.True(await WithAsync(sp => sp.GetRequiredService<MessagingDbContext>().Dossiers.AnyAsync(d => d.Code == Fresh && d.OfficeId == "ca-xa-tra-bong")));
        // The old phone still opens the dossier, the new one does not.
        var lookup = await _factory.CreateClient().PostAsJsonAsync("/api/dossiers/lookup", new { code = theirs, factor = "0111" });
        Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
    }

    [Fact]
    public async Task Every_import_is_on_the_record_field_changes_are_audited_masked_and_an_officer_has_an_hourly_budget()
    {
        // An officer of their own: the hourly budget is theirs alone.
        await WithAsync(async sp => await sp.GetRequiredService<StaffAccounts>().CreateAsync("canbo.nhaplieu", "Cán bộ nhập liệu", "mat-khau-nhap-2026",
            StaffRoles.Officer, ["ca-xa-tra-bong"], "admin", default));
        var officer = await SignInAsync("canbo.nhaplieu", "mat-khau-nhap-2026");
        const string Code = "000.00.12.H55-241202-0777";
        async Task<HttpResponseMessage> ImportAsync(bool dryRun, string phone)
        {
            var csv = $"code,procedure_id,office_id,applicant_name,phone,status\n{Code},cccd-renewal,ca-xa-tra-bong,Trần Thị Bình,{phone},received";
            using var form = new MultipartFormDataContent
            {
                { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "file", "d.csv" },
                { new StringContent(dryRun ? "true" : "false"), "dryRun" },
                { new StringContent(officer.Token), "__RequestVerificationToken" },
            };
            return await officer.PostAsync("/staff/dossiers?handler=Import", form);
        }
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(true, "0987111222")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(false, "0987111222")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(false, "0977333444")).StatusCode);
        var audit = await WithAsync(sp => sp.GetRequiredService<MessagingDbContext>().AuditLog.AsNoTracking()
            .Where(a => a.Actor == "canbo.nhaplieu" && a.Action.StartsWith("dossier.")).ToListAsync());
        Assert.Equal(1, audit.Count(a => a.Action == "dossier.import-dry-run"));
        Assert.Equal(2, audit.Count(a => a.Action == "dossier.import"));
        var fields = Assert.Single(audit, a => a.Action == "dossier.fields" && a.Subject == Code);
        Assert.Contains("phone", fields.Details);
        Assert.DoesNotContain("0987111222", fields.Details);
        Assert.DoesNotContain("0977333444", fields.Details);

        // The budget counts dry runs too: the existence of other offices' codes cannot be probed at leisure.
        var left = DossierService.ImportsPerStaff.Max - 3;
        for (var i = 0; i < left; i++) Assert.Equal(HttpStatusCode.OK, (await ImportAsync(true, "0977333444")).StatusCode);
        var refused = await ImportAsync(true, "0977333444");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("tối đa", await officer.GetStringAsync(refused.Headers.Location!.ToString()));
    }

    [Fact]
    public async Task Imports_have_one_row_cap_and_a_streaming_size_limit_on_the_page_and_the_api()
    {
        var api = _factory.CreateClient();
        api.DefaultRequestHeaders.Add("X-Api-Key", MessagingServerFactory.ImportKey);
        var rows = "code,procedure_id,office_id,applicant_name,phone,status\n" + string.Concat(Enumerable.Range(0, DossierService.MaxImportRows + 1)
            .Select(i => $"000.00.12.H55-240101-{i % 10000:0000},cccd-renewal,ca-xa-tinh-ha,A,0912345678,received\n"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await api.PostAsync("/api/dossiers?dryRun=true", new StringContent(rows, Encoding.UTF8, "text/csv"))).StatusCode);
        var huge = new string('x', DossierService.MaxImportBytes + 10);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await api.PostAsync("/api/dossiers?dryRun=true", new StringContent(huge, Encoding.UTF8, "text/csv"))).StatusCode);

        var officer = await SignInAsync("canbo.tinhha", "demo-tinhha-2026");
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(rows)) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "file", "d.csv" },
            { new StringContent("true"), "dryRun" },
            { new StringContent(officer.Token), "__RequestVerificationToken" },
        };
        var page = await officer.PostAsync("/staff/dossiers?handler=Import", form);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        using var big = new MultipartFormDataContent
        {
            { new ByteArrayContent(new byte[DossierService.MaxImportBytes + 100_000]), "file", "d.csv" },
            { new StringContent(officer.Token), "__RequestVerificationToken" },
        };
        var tooBig = await officer.PostAsync("/staff/dossiers?handler=Import", big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
    }

    [Fact]
    public async Task The_broadcast_api_follows_the_pages_rules()
    {
        var officer = _factory.CreateClient();
        officer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", MessagingServerFactory.OfficerKey);
        var admin = _factory.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", MessagingServerFactory.AdminKey);
        var day = OfficeTime.LocalDate(DateTimeOffset.UtcNow, null).AddDays(3).ToString("yyyy-MM-dd");
        Task<HttpResponseMessage> Create(HttpClient c, object body) => c.PostAsJsonAsync("/api/admin/broadcasts", body);

        Assert.Equal(HttpStatusCode.BadRequest, (await Create(officer, new { officeId = TinhHa, from = day, message = "x", templateKey = "notify/booking.cancelled" })).StatusCode);
        foreach (var field in new[] { "office", "booking", "citizen", "links" })
        {
            var data = JsonDocument.Parse("{\"" + field + "\": {\"name\": \"Công an giả\"}}").RootElement;
            Assert.Equal(HttpStatusCode.BadRequest, (await Create(officer, new { officeId = TinhHa, from = day, message = "x", data })).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await Create(officer, new { officeId = TinhHa, from = day, message = "x", critical = true })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Create(officer, new { officeId = TinhHa, from = day, message = new string('x', 1001) })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Create(officer, new { officeId = TinhHa, from = day, message = "Sáng mai nghỉ." })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Create(admin, new { officeId = TinhHa, from = day, message = "Khẩn: hủy buổi chiều.", critical = true })).StatusCode);
    }

    [Fact]
    public async Task Every_route_answers_with_the_browser_defences()
    {
        var https = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        var http = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var routes = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => "/" + Regex.Replace(e.RoutePattern.RawText!.TrimStart('/'), @"\{[^}]+\}", "1")).Distinct().ToList();
        routes.AddRange(["/", "/chat.js", "/staff/staff.css"]);
        foreach (var route in routes)
        {
            var r = await https.GetAsync(route);
            var h = r.Headers;
            Assert.True(r.Headers.Contains("Content-Security-Policy") || r.Content.Headers.Contains("Content-Security-Policy"), route);
            var csp = h.GetValues("Content-Security-Policy").Single();
            Assert.Contains("script-src 'self'", csp);
            Assert.DoesNotContain("unsafe-inline", csp);
            Assert.Contains(route.StartsWith("/staff", StringComparison.Ordinal) ? "frame-ancestors 'none'" : "frame-ancestors", csp);
            Assert.Equal("nosniff", h.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", h.GetValues("Referrer-Policy").Single());
            Assert.Contains("camera=()", h.GetValues("Permissions-Policy").Single());
            Assert.StartsWith("max-age=", h.GetValues("Strict-Transport-Security").Single());
            var personal = route.StartsWith("/api/admin", StringComparison.Ordinal) || route.StartsWith("/api/bookings", StringComparison.Ordinal)
                || route.StartsWith("/api/dossiers", StringComparison.Ordinal) || route.StartsWith("/staff", StringComparison.Ordinal) && !route.EndsWith(".css", StringComparison.Ordinal)
                || route.StartsWith("/api/conversations", StringComparison.Ordinal) || route.StartsWith("/v3", StringComparison.Ordinal);
            if (personal) Assert.True(h.CacheControl?.NoStore == true, $"{route}: no-store");
        }
        // HSTS only where the request came over HTTPS.
        Assert.False((await http.GetAsync("/")).Headers.Contains("Strict-Transport-Security"));
    }
}
