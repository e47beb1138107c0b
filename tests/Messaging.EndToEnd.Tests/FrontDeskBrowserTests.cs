using Messaging.Core.Appointments;
using Messaging.Core.FrontDesk;
using Messaging.Core.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Messaging.EndToEnd.Tests;

/// <summary>
/// Two desks on tablets (768 px) and the waiting room's television (1920 px) in headless Chromium, against the real
/// server on Kestrel: tickets, calls, recall, the display following every call live through its event stream.
/// </summary>
public sealed class FrontDeskBrowserTests : IAsyncLifetime
{
    private const string TinhHa = "ca-xa-tinh-ha";
    private LiveServer _server = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private readonly List<string> _policyViolations = [];

    public async Task InitializeAsync()
    {
        _server = LiveServer.Start();
        (_playwright, _browser) = await Browser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        // Every page worked under the Content-Security-Policy (no inline script or style was blocked).
        Assert.Empty(_policyViolations);
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<IPage> PageAsync(int width, int height)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        Browser.CollectPolicyViolations(page, _policyViolations);
        return page;
    }

    private static Task ShotAsync(IPage page, string name, bool fullPage = true)
    {
        Directory.CreateDirectory(Browser.Artifacts);
        return page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Artifacts, name + ".png"), FullPage = fullPage });
    }

    /// <summary>A tablet signed in as the Tịnh Hà officer, named as a desk.</summary>
    private async Task<IPage> DeskAsync(string desk)
    {
        var page = await PageAsync(768, 1024);
        await StaffBrowser.SignInAsync(page, _server.BaseUrl, "canbo.tinhha", "demo-tinhha-2026");
        await page.Locator("h1", new() { HasTextString = "Xin chào" }).WaitForAsync();
        await page.GotoAsync(_server.BaseUrl + "/staff/desk");
        await page.FillAsync("input[name=desk]", desk);
        await page.ClickAsync("text=Lưu tên quầy");
        await page.Locator(".flash", new() { HasTextString = "Máy này là " + desk }).WaitForAsync();
        return page;
    }

    /// <summary>A citizen booked for a few minutes from now (the desk may call them), numbered in the day's sequence.</summary>
    private async Task BookSoonAsync(string name, string phone)
    {
        await using var scope = _server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        var start = DateTimeOffset.UtcNow.AddMinutes(5);
        await using var tx = await db.BeginWriteAsync(default);
        var number = await QueueNumbers.NextAsync(db, TinhHa, OfficeTime.LocalDate(start, null), null, default);
        db.Bookings.Add(new Booking
        {
            Id = Guid.NewGuid(), Code = scope.ServiceProvider.GetRequiredService<IBookingCodes>().Next(), OfficeId = TinhHa, ProcedureId = "cccd-renewal",
            Start = start, End = start.AddMinutes(15), SlotKey = "front-desk-test", QueueNumber = number, CitizenName = name, Phone = phone,
            Status = BookingStatus.Booked, CreatedAt = start, UpdatedAt = start,
        });
        await db.SaveChangesAsync();
        await tx.CommitAsync(default);
    }

    [Fact]
    public async Task Desks_call_numbers_and_the_waiting_room_display_follows_live()
    {
        var desk = await DeskAsync("Quầy 1");
        // Three people take tickets at the counter; the first ticket is printed.
        for (var i = 0; i < 3; i++)
        {
            await desk.SelectOptionAsync("#walk-in select[name=procedure]", "cccd-renewal");
            await desk.ClickAsync("#walk-in button[type=submit]");
            await desk.Locator(".ticket-number").WaitForAsync();
            Assert.Equal((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), await desk.InnerTextAsync(".ticket-number"));
            if (i == 0) await ShotAsync(desk, "frontdesk-ticket-768");
            await desk.ClickAsync("text=Quay lại quầy");
            await desk.Locator("#call-next").WaitForAsync();
        }
        await BookSoonAsync("Lê Văn Cường", "0912000444");
        await desk.ReloadAsync();
        Assert.Equal(["1", "2", "3", "4"], await desk.Locator("#waiting td.num").AllInnerTextsAsync());
        Assert.Contains("Lê Văn Cường", await desk.InnerTextAsync("#waiting"));

        // The television in the waiting room: numbers only.
        var display = await PageAsync(1920, 1080);
        await display.GotoAsync(_server.BaseUrl + "/display/" + TinhHa);
        await display.Locator("body[data-updates]").WaitForAsync(); // the stream's first board has arrived
        // The booking was written straight to the database, as another node would write it, so nothing signalled this
        // node: its shared board may be up to a second old, and the stream reads the database again within its poll.
        await display.Locator("#next li").Nth(3).WaitForAsync();
        Assert.Equal(["1", "2", "3", "4"], await display.Locator("#next li").AllInnerTextsAsync());
        Assert.DoesNotContain("Cường", await display.ContentAsync());
        await ShotAsync(display, "frontdesk-display-1920-waiting", fullPage: false);

        // The desk calls; the display shows it without being reloaded.
        await desk.ClickAsync("#call-next");
        await desk.Locator(".flash", new() { HasTextString = "Mời số 1 đến Quầy 1" }).WaitForAsync();
        Assert.Equal("1", await desk.InnerTextAsync(".serving .big-number"));
        await display.Locator("#serving li", new() { HasTextString = "Quầy 1" }).WaitForAsync();
        Assert.Equal("1", await display.InnerTextAsync("#serving .number"));
        Assert.Equal(["2", "3", "4"], await display.Locator("#next li").AllInnerTextsAsync());
        Assert.Equal("stream", await display.EvaluateAsync<string>("() => document.body.dataset.mode"));

        // A second tablet at another counter: it gets the next number, never the same one; the first desk's page and
        // the display both follow.
        var other = await DeskAsync("Quầy 2");
        await other.ClickAsync("#call-next");
        await other.Locator(".flash", new() { HasTextString = "Mời số 2 đến Quầy 2" }).WaitForAsync();
        await display.Locator("#serving li", new() { HasTextString = "Quầy 2" }).WaitForAsync();
        await desk.Locator("#others td", new() { HasTextString = "Quầy 2" }).WaitForAsync();

        // Recall, then the next citizens: the booked one comes in turn.
        await desk.ClickAsync(".serving button:has-text('Gọi lại')");
        await desk.Locator(".flash", new() { HasTextString = "Đã gọi lại số 1" }).WaitForAsync();
        await desk.ClickAsync("#call-next");
        await desk.Locator(".flash", new() { HasTextString = "Mời số 3 đến Quầy 1" }).WaitForAsync();
        await other.ClickAsync("#call-next");
        await other.Locator(".flash", new() { HasTextString = "Mời số 4 đến Quầy 2" }).WaitForAsync();
        Assert.Contains("Lê Văn Cường", await other.InnerTextAsync(".serving"));
        await display.Locator("#serving li", new() { HasTextString = "4" }).WaitForAsync();
        Assert.Equal(["3", "4"], await display.Locator("#serving .number").AllInnerTextsAsync());
        await display.Locator("#next-empty").WaitForAsync();
        await ShotAsync(display, "frontdesk-display-1920", fullPage: false);
        await ShotAsync(desk, "frontdesk-desk-768");
        Assert.Contains("1", await desk.Locator("#finished td.num").AllTextContentsAsync());
    }
}
