using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Messaging.Core.FrontDesk;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Server.Tests;

/// <summary>
/// The desk page for officers of the office only, and the waiting-room display for anyone, read-only, with numbers and
/// desk labels and nothing personal, live through its event stream.
/// </summary>
public sealed partial class FrontDeskTests : IAsyncLifetime
{
    private const string TinhHa = "ca-xa-tinh-ha";
    private MessagingServerFactory _factory = null!;

    public Task InitializeAsync()
    {
        // The streams' database poll is set far off: a change must reach a stream through this node's signal.
        _factory = new MessagingServerFactory(new Dictionary<string, string?>
        {
            ["RateLimits:LoginPerMinute"] = "1000", ["RateLimits:ConversationsPerMinute"] = "1000", ["FrontDesk:DisplayPollInterval"] = "00:10:00",
        });
        _factory.CreateClient().Dispose();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private async Task<DeskResult> DeskAsync(Func<DeskService, Task<DeskResult>> f)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await f(scope.ServiceProvider.GetRequiredService<DeskService>());
    }

    [Fact]
    public async Task The_display_is_public_read_only_and_shows_numbers_and_desks_only()
    {
        await DeskAsync(d => d.IssueAsync(TinhHa, "cccd-renewal", "Phạm Thị Dung", "canbo.tinhha", default));
        await DeskAsync(d => d.IssueAsync(TinhHa, null, "Lê Văn Cường", "canbo.tinhha", default));
        var called = await DeskAsync(d => d.CallNextAsync(TinhHa, "Quầy 1", "canbo.tinhha", default));
        var anonymous = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var page = await anonymous.GetAsync("/display/" + TinhHa);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Công an xã Tịnh Hà", html);
        Assert.Contains($"<span class=\"number\">{called.Number}</span><span class=\"desk\">Quầy 1</span>", html);
        Assert.DoesNotContain("Dung", html);
        Assert.DoesNotContain("Cường", html);
        Assert.DoesNotContain("<script>", html); // scripts come from files: the page's policy forbids inline script

        var board = JsonDocument.Parse(await anonymous.GetStringAsync("/api/display/" + TinhHa)).RootElement;
        Assert.Equal(["officeId", "office", "officeEn", "day", "serving", "next", "waiting"], board.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["desk", "number", "announcedAt"], board.GetProperty("serving")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(called.Number, board.GetProperty("serving")[0].GetProperty("number").GetString());
        Assert.Equal(1, board.GetProperty("waiting").GetInt32());

        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/display/no-such-office")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/api/display/no-such-office")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await anonymous.PostAsync("/api/display/" + TinhHa, new StringContent("{}"))).StatusCode);
    }

    [Fact]
    public async Task The_event_stream_sends_the_board_at_once_and_again_at_each_change()
    {
        var client = _factory.CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/display/{TinhHa}/events"),
            HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        Assert.Equal(0, (await NextBoardAsync(reader, timeout.Token)).GetProperty("waiting").GetInt32());
        await DeskAsync(d => d.IssueAsync(TinhHa, null, null, "canbo.tinhha", default));
        Assert.Equal("1", (await NextBoardAsync(reader, timeout.Token)).GetProperty("next")[0].GetString());
        await DeskAsync(d => d.CallNextAsync(TinhHa, "Quầy 2", "canbo.tinhha", default));
        var serving = (await NextBoardAsync(reader, timeout.Token)).GetProperty("serving")[0];
        Assert.Equal(("Quầy 2", "1"), (serving.GetProperty("desk").GetString(), serving.GetProperty("number").GetString()));
    }

    [Fact]
    public async Task One_board_read_serves_every_stream_of_an_office_until_its_queue_changes()
    {
        var boards = _factory.Services.GetRequiredService<Messaging.Server.Api.DisplayBoards>();
        var first = await boards.GetAsync(TinhHa, default);
        Assert.Same(first, await boards.GetAsync(TinhHa, default));
        await DeskAsync(d => d.IssueAsync(TinhHa, null, null, "canbo.tinhha", default));
        var after = await boards.GetAsync(TinhHa, default);
        Assert.NotSame(first, after);
        Assert.Equal(first!.Waiting + 1, after!.Waiting);
        Assert.Null(await boards.GetAsync("no-such-office", default));
    }

    [Fact]
    public async Task One_client_keeps_only_a_few_display_streams_open()
    {
        var client = _factory.CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Task<HttpResponseMessage> Open() =>
            client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/display/{TinhHa}/events"), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var open = new List<HttpResponseMessage>();
        for (var i = 0; i < Messaging.Server.Api.DisplayBoards.StreamsPerClient; i++)
        {
            open.Add(await Open());
            Assert.Equal(HttpStatusCode.OK, open[^1].StatusCode);
        }
        using (var refused = await Open())
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }
        // A television that hangs up gives its place back.
        open[0].Dispose();
        var again = HttpStatusCode.TooManyRequests;
        for (var i = 0; i < 50 && again != HttpStatusCode.OK; i++)
        {
            await Task.Delay(100);
            using var retry = await Open();
            again = retry.StatusCode;
        }
        Assert.Equal(HttpStatusCode.OK, again);
        foreach (var r in open) r.Dispose();
    }

    private static async Task<JsonElement> NextBoardAsync(StreamReader reader, CancellationToken ct)
    {
        string? type = null;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && type == "board") return JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
            else if (line.Length == 0) type = null;
        }
        throw new EndOfStreamException("the event stream ended");
    }

    [Fact]
    public async Task An_officer_works_the_desk_of_their_own_office_only()
    {
        var officer = await SignedInAsync("canbo.tinhha", "demo-tinhha-2026");
        var html = await officer.GetStringAsync("/staff/desk");
        Assert.Contains("Đặt tên quầy của máy này", html);
        var token = TokenIn(html);
        var named = await officer.PostAsync("/staff/desk?handler=Desk", Form(token, ("office", TinhHa), ("desk", "Quầy 3")));
        Assert.Equal(HttpStatusCode.Redirect, named.StatusCode);
        Assert.Contains("messaging-desk=", string.Join(";", named.Headers.GetValues("Set-Cookie")));

        var issued = await officer.PostAsync("/staff/desk?handler=Issue", Form(token, ("office", TinhHa), ("procedure", "cccd-renewal"), ("name", "")));
        Assert.Equal(HttpStatusCode.Redirect, issued.StatusCode);
        var ticketUrl = issued.Headers.Location!.ToString();
        Assert.StartsWith("/staff/desk/ticket/", ticketUrl);
        var ticket = await officer.GetStringAsync(ticketUrl);
        Assert.Contains("<p class=\"ticket-number\">1</p>", ticket);
        Assert.Contains("Ông/Bà là người tiếp theo.", ticket);

        Assert.Equal(HttpStatusCode.Redirect, (await officer.PostAsync("/staff/desk?handler=Next", Form(token, ("office", TinhHa)))).StatusCode);
        html = await officer.GetStringAsync("/staff/desk");
        Assert.Contains("<span class=\"big-number\">1</span>", html);
        Assert.Contains("Quầy 3", html);

        // The officer of another office meets this one's desk, numbers and tickets as if they did not exist.
        var other = await SignedInAsync("canbo.trabong", "demo-trabong-2026");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/staff/desk?office=" + TinhHa)).StatusCode);
        var otherToken = TokenIn(await other.GetStringAsync("/staff/desk"));
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync("/staff/desk?handler=Next", Form(otherToken, ("office", TinhHa)))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync("/staff/desk?handler=Issue", Form(otherToken, ("office", TinhHa)))).StatusCode);
        var entry = ticketUrl["/staff/desk/ticket/".Length..];
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync("/staff/desk?handler=Serve", Form(otherToken, ("id", entry)))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(ticketUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync("/staff/desk?handler=Prefix", Form(otherToken, ("office", TinhHa), ("prefix", "B")))).StatusCode);
    }

    [Fact]
    public async Task A_home_visit_limit_the_form_cannot_read_is_refused_and_the_limit_stays()
    {
        var officer = await SignedInAsync("canbo.tinhha", "demo-tinhha-2026");
        var token = TokenIn(await officer.GetStringAsync("/staff/home-visits"));
        foreach (var value in new[] { "99999999999", "", "abc", "-1", "21" })
        {
            var r = await officer.PostAsync("/staff/home-visits?handler=Limit", Form(token, ("office", TinhHa), ("perDay", value)));
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        }
        var limit = await _factory.Services.CreateScope().ServiceProvider.GetRequiredService<Messaging.Core.Persistence.MessagingDbContext>()
            .Offices.Where(o => o.Id == TinhHa).Select(o => o.HomeVisitsPerDay).SingleAsync();
        Assert.Equal(2, limit);
    }

    [Fact]
    public async Task The_display_of_an_unknown_or_absurd_office_id_is_not_found()
    {
        var anonymous = _factory.CreateClient();
        foreach (var id in new[] { "khong-co", new string('x', 2000) })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/display/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/display/{id}/events")).StatusCode);
        }
    }

    private static FormUrlEncodedContent Form(string token, params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).Append(new("__RequestVerificationToken", token)));

    private async Task<HttpClient> SignedInAsync(string user, string password)
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var token = TokenIn(await client.GetStringAsync("/staff/login"));
        var r = await client.PostAsync("/staff/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = user, ["Password"] = password, ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        return client;
    }

    private static string TokenIn(string html) => RequestToken().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex RequestToken();
}
