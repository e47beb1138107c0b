using System.Text.RegularExpressions;
using Messaging.Core.Appointments;
using Messaging.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Messaging.EndToEnd.Tests;

/// <summary>The citizens' web chat page in headless Chromium, against the real server on Kestrel.</summary>
public sealed class WebChatTests : IAsyncLifetime
{
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
        // Every page this test opened worked under the Content-Security-Policy (no inline script or style was blocked).
        Assert.Empty(_policyViolations);
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _server.DisposeAsync();
    }

    /// <summary>A page in a context of its own: its own sessionStorage (conversation, token, consent) and localStorage.</summary>
    private async Task<IPage> PageAsync(int width = 360, int height = 740)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        Browser.CollectPolicyViolations(page, _policyViolations);
        return page;
    }

    [Fact]
    public async Task A_citizen_books_on_a_phone_sized_web_chat_by_tapping_and_typing()
    {
        var page = await PageAsync();

        await page.GotoAsync(_server.BaseUrl + "/");
        await page.Locator(".msg.bot.welcome").WaitForAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Đồng ý", Exact = true }).ClickAsync();   // the personal data notice
        await Tap(page, "Đặt lịch hẹn");
        await Tap(page, "Cấp đổi thẻ căn cước");
        await Tap(page, "Công an xã Tịnh Hà");
        await page.Locator("#actions button").First.ClickAsync();   // the first day with free places
        await page.Locator(".msg.bot", new() { HasTextString = "còn các giờ trống" }).WaitForAsync();
        await page.Locator("#actions button").First.ClickAsync();   // the first free time
        await Type(page, "Nguyễn Thị Thu", "họ và tên");
        await Type(page, "0987 654 321", "số điện thoại");
        await page.Locator(".msg.bot", new() { HasTextString = "kiểm tra lại" }).WaitForAsync();
        await Tap(page, "Xác nhận");

        var card = page.Locator(".card");
        await card.WaitForAsync();
        var code = await card.GetAttributeAsync("data-booking-code");
        // The confirmation's directions are a link.
        await Expect(page.Locator(".msg.bot:not(.local) a[href^='https://www.google.com/maps/']").Last).ToBeVisibleAsync();
        Directory.CreateDirectory(Browser.Artifacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Artifacts, "webchat-booked-360.png"), FullPage = true });

        await using var scope = _server.Services.CreateAsyncScope();
        var booking = await scope.ServiceProvider.GetRequiredService<MessagingDbContext>().Bookings.AsNoTracking().SingleAsync(b => b.Code == code);
        Assert.Equal(("cccd-renewal", "ca-xa-tinh-ha", "0987654321", BookingStatus.Booked, "webchat"),
            (booking.ProcedureId, booking.OfficeId, booking.Phone, booking.Status, booking.Channel));

        // The conversation survives a reload: the booking card is drawn again from the server's history, and the consent
        // given in this tab still holds.
        await page.ReloadAsync();
        await page.Locator($".card[data-booking-code='{code}']").WaitForAsync();
        await Expect(page.Locator(".notice")).ToHaveCountAsync(0);
        // "End" forgets the conversation and the consent in this tab: the next one is new and shows none of it.
        await page.ClickAsync("#end");
        await page.Locator(".msg.bot.welcome").WaitForAsync();
        Assert.Equal(0, await page.Locator(".card").CountAsync());
        Assert.Equal(0, await page.Locator(".msg.user").CountAsync());
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Đồng ý", Exact = true })).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('chat.consent')"));
    }

    [Fact]
    public async Task The_page_opens_with_a_welcome_and_the_menu_without_sending_anything_and_a_tap_starts_booking()
    {
        var page = await PageAsync();
        var requests = RequestsTo(page, "/api/");

        // Nothing is asked of the server on opening: no conversation, no made-up "hello" from the citizen.
        await page.GotoAsync(_server.BaseUrl + "/", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        await Expect(page.Locator(".msg.bot.welcome")).ToContainTextAsync("Xin chào");
        var menu = page.GetByRole(AriaRole.Group, new() { Name = "Chọn việc cần làm", Exact = true });
        foreach (var title in new[] { "Đặt lịch hẹn", "Tra cứu hồ sơ", "Hỏi thủ tục", "Hủy hoặc đổi lịch", "Gặp cán bộ" })
            await Expect(menu.GetByRole(AriaRole.Button, new() { Name = title, Exact = true })).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator(".msg.user").CountAsync());
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('chat.token')"));
        lock (requests) Assert.Empty(requests);
        await using (var scope = _server.Services.CreateAsyncScope())
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<MessagingDbContext>().Conversations.CountAsync());
        Directory.CreateDirectory(Browser.Artifacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Artifacts, "webchat-welcome-360.png"), FullPage = true });

        // A tap sends the menu's text as the citizen's message, and the bot takes it as the start of a booking.
        await menu.GetByRole(AriaRole.Button, new() { Name = "Đặt lịch hẹn", Exact = true }).ClickAsync();
        await page.Locator(".msg.bot:not(.local)", new() { HasTextString = "thủ tục nào" }).WaitForAsync();
        await page.Locator("#actions button", new() { HasTextString = "Cấp đổi thẻ căn cước" }).WaitForAsync();
        await Expect(page.Locator(".msg.user")).ToHaveTextAsync(new[] { "Đặt lịch hẹn" });
        await using (var scope = _server.Services.CreateAsyncScope())
        {
            var said = await scope.ServiceProvider.GetRequiredService<MessagingDbContext>().ConversationActivities.AsNoTracking()
                .Where(a => a.Direction == "in").OrderBy(a => a.Sequence).Select(a => a.Text ?? "").ToListAsync();
            Assert.Equal(new[] { "đặt lịch hẹn" }, said);
        }
    }

    [Fact]
    public async Task A_phone_or_id_number_waits_for_consent_to_the_personal_data_notice()
    {
        var page = await PageAsync();
        var posts = RequestsTo(page, "/api/messages");
        await page.GotoAsync(_server.BaseUrl + "/");
        var notice = page.Locator(".notice");
        await Expect(notice).ToHaveCountAsync(1);
        await Expect(notice).ToContainTextAsync("13/2023/NĐ-CP");
        await Expect(notice).ToContainTextAsync("91/2025/QH15");
        await Expect(page.Locator("#text")).ToHaveAttributeAsync("placeholder", new Regex("Đồng ý"));

        // A message without personal numbers goes without consent.
        await Say(page, "xin chào");
        await page.Locator(".msg.bot:not(.local)").First.WaitForAsync();
        lock (posts) Assert.Single(posts);

        // A 12-digit ID number, then a phone number: neither is sent; the notice comes again below, the text stays typed.
        foreach (var typed in new[] { "Số căn cước của tôi 051 234 567 890", "Số điện thoại của tôi là 0987.654.321" })
        {
            await Say(page, typed);
            await Expect(page.Locator("#log > :last-child")).ToHaveClassAsync(new Regex(@"\bnotice\b"));
            await Expect(notice).ToHaveCountAsync(1);
            await Expect(page.Locator("#text")).ToHaveValueAsync(typed);
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Đồng ý");
            await Expect(page.Locator(".msg.user")).ToHaveTextAsync(new[] { "xin chào" });
            lock (posts) Assert.Single(posts);
        }

        // Agreeing sends the message that was held back.
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Đồng ý", Exact = true }).ClickAsync(),
            r => r.Url.EndsWith("/api/messages", StringComparison.Ordinal));
        Assert.Equal(200, response.Status);
        await Expect(page.Locator(".msg.user")).ToHaveTextAsync(new[] { "xin chào", "Số điện thoại của tôi là 0987.654.321" });
        await Expect(page.Locator("#text")).ToHaveValueAsync("");
        await Expect(page.Locator(".notice .agreed")).ToBeVisibleAsync();
        await Expect(page.Locator(".notice button")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Alert)).ToBeEmptyAsync();
        await Expect(page.Locator("#text")).Not.ToHaveAttributeAsync("placeholder", new Regex("Đồng ý"));
        Assert.NotNull(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('chat.consent')"));
        await using (var scope = _server.Services.CreateAsyncScope())
        {
            var said = await scope.ServiceProvider.GetRequiredService<MessagingDbContext>().ConversationActivities.AsNoTracking()
                .Where(a => a.Direction == "in").OrderBy(a => a.Sequence).Select(a => a.Text ?? "").ToListAsync();
            Assert.Equal(2, said.Count);
            Assert.Equal("xin chào", said[0]);
            Assert.DoesNotContain(said, s => s.Contains("căn cước", StringComparison.Ordinal));
        }

        // "End" forgets the consent with the conversation: the next person on this computer is asked again.
        await page.ClickAsync("#end");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Đồng ý", Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator("#text")).ToHaveAttributeAsync("placeholder", new Regex("Đồng ý"));
    }

    [Fact]
    public async Task The_page_is_labelled_for_assistive_technology_and_switches_language_throughout()
    {
        var page = await PageAsync(1024, 768);
        await page.GotoAsync(_server.BaseUrl + "/");
        await page.Locator(".msg.bot.welcome").WaitForAsync();

        var log = page.Locator("#log");
        await Expect(log).ToHaveAttributeAsync("role", "log");
        await Expect(log).ToHaveAttributeAsync("aria-live", "polite");
        await Expect(log).ToHaveAttributeAsync("aria-label", "Cuộc trò chuyện");
        await Expect(page.Locator("#alert")).ToHaveAttributeAsync("role", "alert");
        // Every group of buttons has a name: the header's tools, the quick replies (here the menu), the consent.
        var groups = await page.Locator("[role=group]").EvaluateAllAsync<string[]>("els => els.map(e => e.getAttribute('aria-label') || '')");
        Assert.Equal(3, groups.Length);
        Assert.All(groups, label => Assert.False(string.IsNullOrWhiteSpace(label)));
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Đồng ý xử lý dữ liệu cá nhân", Exact = true })
            .GetByRole(AriaRole.Button, new() { Name = "Đồng ý", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Tin nhắn", new() { Exact = true })).ToHaveAttributeAsync("id", "text");

        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "vi");
        await Expect(page).ToHaveTitleAsync("Hỗ trợ thủ tục hành chính – Công an xã");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Trợ lý Công an xã");
        var toggle = page.Locator("#lang");
        await Expect(toggle).ToHaveTextAsync("English");
        await Expect(toggle).ToHaveAttributeAsync("lang", "en");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "English", Exact = true })).ToBeVisibleAsync();

        // From the keyboard: the focus is drawn, and the switch works with Enter.
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator("#end")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await Expect(toggle).ToBeFocusedAsync();
        Assert.Equal("solid", await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle"));
        Assert.NotEqual("0px", await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineWidth"));
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page).ToHaveTitleAsync("Administrative procedures help – Commune police");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Commune Police Assistant");
        await Expect(toggle).ToHaveTextAsync("Tiếng Việt");
        await Expect(toggle).ToHaveAttributeAsync("lang", "vi");
        await Expect(toggle).ToBeFocusedAsync();
        await Expect(log).ToHaveAttributeAsync("aria-label", "Conversation");
        await Expect(page.Locator(".msg.bot.welcome")).ToContainTextAsync("Hello");
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "What would you like to do", Exact = true })
            .GetByRole(AriaRole.Button, new() { Name = "Book an appointment", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "I agree", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Message", new() { Exact = true })).ToHaveAttributeAsync("id", "text");

        // The choice is remembered on this browser.
        await page.ReloadAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page).ToHaveTitleAsync("Administrative procedures help – Commune police");

        await toggle.ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "vi");
        await Expect(page).ToHaveTitleAsync("Hỗ trợ thủ tục hành chính – Công an xã");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Trợ lý Công an xã");
        await Expect(toggle).ToHaveTextAsync("English");
        await Expect(toggle).ToHaveAttributeAsync("lang", "en");
        await Expect(page.Locator(".msg.bot.welcome")).ToContainTextAsync("Xin chào");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Đặt lịch hẹn", Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Addresses_in_the_bots_messages_are_readable_links_that_fit_a_phone_screen()
    {
        var page = await PageAsync();
        await page.GotoAsync(_server.BaseUrl + "/");
        await page.Locator(".msg.bot.welcome").WaitForAsync();
        string mapUrl;
        await using (var scope = _server.Services.CreateAsyncScope())
            mapUrl = (await scope.ServiceProvider.GetRequiredService<MessagingDbContext>().Offices.AsNoTracking()
                .Where(o => o.Id == "ca-xa-tinh-ha").Select(o => o.MapUrl).SingleAsync())!;

        // The office's directions: a long address with escapes, shown without its scheme and with its letters.
        await Say(page, "công an xã Tịnh Hà ở đâu");
        var bubble = page.Locator(".msg.bot:not(.local)", new() { HasTextString = "Đường đi" }).Last;
        await bubble.WaitForAsync();
        var map = bubble.Locator($"a[href='{mapUrl}']");
        await Expect(map).ToHaveTextAsync(Uri.UnescapeDataString(mapUrl["https://".Length..]));
        await Expect(map).ToHaveAttributeAsync("target", "_blank");
        await Expect(map).ToHaveAttributeAsync("rel", "noopener noreferrer");
        await Expect(map).ToHaveCSSAsync("overflow-wrap", "anywhere");
        // It wraps inside its bubble instead of widening it past the screen.
        Assert.True(await bubble.EvaluateAsync<bool>("el => el.scrollWidth <= el.clientWidth"));
        var link = await map.BoundingBoxAsync() ?? throw new InvalidOperationException("The link is not laid out.");
        var box = await bubble.BoundingBoxAsync() ?? throw new InvalidOperationException("The message is not laid out.");
        Assert.True(link.X + link.Width <= box.X + box.Width + 0.5, $"link {link.X}+{link.Width} outside bubble {box.X}+{box.Width}");
        Assert.True(box.X + box.Width <= 360, $"bubble {box.X}+{box.Width} wider than the screen");

        // A short one, in a conversation of its own: the host alone.
        await page.ClickAsync("#end");
        await Say(page, "lam lltp o dau");
        var portal = page.Locator(".msg.bot:not(.local) a[href^='https://dichvucong.bocongan.gov.vn']").First;
        await portal.WaitForAsync();
        await Expect(portal).ToHaveTextAsync("dichvucong.bocongan.gov.vn");
        await Expect(portal).ToHaveAttributeAsync("target", "_blank");
        await Expect(portal).ToHaveAttributeAsync("rel", "noopener noreferrer");
    }

    /// <summary>The URLs of the requests the page makes whose address contains <paramref name="part"/>.</summary>
    private static List<string> RequestsTo(IPage page, string part)
    {
        var seen = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains(part, StringComparison.Ordinal))
                lock (seen) seen.Add(request.Method + " " + request.Url);
        };
        return seen;
    }

    private static async Task Say(IPage page, string text)
    {
        await page.FillAsync("#text", text);
        await page.ClickAsync("#send");
    }

    private static async Task Tap(IPage page, string title)
    {
        var button = page.Locator("#actions button", new() { HasTextString = title }).First;
        await button.WaitForAsync();
        await button.ClickAsync();
    }

    /// <summary>Answers the bot's prompt (not the page's own welcome or notice) once it is there.</summary>
    private static async Task Type(IPage page, string value, string promptText)
    {
        await page.Locator(".msg.bot:not(.local)", new() { HasTextString = promptText }).Last.WaitForAsync();
        await page.FillAsync("#text", value);
        await page.ClickAsync("#send");
    }
}
