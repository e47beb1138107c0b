using Messaging.Core.Appointments;
using Messaging.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Messaging.EndToEnd.Tests;

public sealed class WebChatTests
{
    [Fact]
    public async Task A_citizen_books_on_a_phone_sized_web_chat_by_tapping_and_typing()
    {
        await using var server = LiveServer.Start();
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 360, Height = 740 } });
        var violations = new List<string>();
        Browser.CollectPolicyViolations(page, violations);

        await page.GotoAsync(server.BaseUrl + "/");
        await page.Locator(".msg.bot").First.WaitForAsync();
        await Tap(page, "Đặt lịch hẹn");
        await Tap(page, "Cấp đổi thẻ căn cước");
        await Tap(page, "Công an xã Tịnh Hà");
        await page.Locator("#actions button").First.ClickAsync();   // the first day with free places
        await page.Locator(".msg.bot", new() { HasTextString = "còn các giờ sau" }).WaitForAsync();
        await page.Locator("#actions button").First.ClickAsync();   // the first free time
        await Type(page, "Nguyễn Thị Thu", "họ và tên");
        await Type(page, "0987 654 321", "số điện thoại");
        await page.Locator(".msg.bot", new() { HasTextString = "kiểm tra lại" }).WaitForAsync();
        await Tap(page, "Xác nhận");

        var card = page.Locator(".card");
        await card.WaitForAsync();
        var code = await card.GetAttributeAsync("data-booking-code");
        Directory.CreateDirectory(Browser.Artifacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Artifacts, "webchat-booked-360.png"), FullPage = true });

        await using var scope = server.Services.CreateAsyncScope();
        var booking = await scope.ServiceProvider.GetRequiredService<MessagingDbContext>().Bookings.AsNoTracking().SingleAsync(b => b.Code == code);
        Assert.Equal(("cccd-renewal", "ca-xa-tinh-ha", "0987654321", BookingStatus.Booked, "webchat"),
            (booking.ProcedureId, booking.OfficeId, booking.Phone, booking.Status, booking.Channel));

        // The conversation survives a reload: the booking card is drawn again from the server's history.
        await page.ReloadAsync();
        await page.Locator($".card[data-booking-code='{code}']").WaitForAsync();
        // "End" forgets the conversation in this tab: the next one is new and shows none of it.
        await page.ClickAsync("#end");
        await page.Locator(".msg.bot").First.WaitForAsync();
        Assert.Equal(0, await page.Locator(".card").CountAsync());
        Assert.Empty(violations);
    }

    private static async Task Tap(IPage page, string title)
    {
        var button = page.Locator("#actions button", new() { HasTextString = title }).First;
        await button.WaitForAsync();
        await button.ClickAsync();
    }

    private static async Task Type(IPage page, string value, string promptText)
    {
        await page.Locator(".msg.bot", new() { HasTextString = promptText }).Last.WaitForAsync();
        await page.FillAsync("#text", value);
        await page.ClickAsync("#send");
    }
}
