using System.Diagnostics;
using System.Text.Json;
using Messaging.Core.Persistence;
using Messaging.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Messaging.EndToEnd.Tests.DirectLine;

/// <summary>Clients nobody here wrote, unchanged, against our server: Microsoft's Direct Line client and Web Chat.</summary>
public sealed class DirectLineClientTests
{
    private const string Secret = "e2e-portal-secret-0123456789abcdef";

    private static LiveServer Start(string? allowedOrigin = null) => LiveServer.Start(new Dictionary<string, string?>
    {
        ["DirectLine:Secrets:0:Name"] = "portal",
        ["DirectLine:Secrets:0:Secret"] = Secret,
        // The portal signs its users in and names them in its tokens: their bookings follow them.
        ["DirectLine:Secrets:0:AuthenticatesUsers"] = "true",
        ["DirectLine:AllowedOrigins:0"] = allowedOrigin,
        // The proactive message must not wait for the morning when the suite runs at night.
        ["Notifier:QuietFrom"] = "00:00",
        ["Notifier:QuietUntil"] = "00:00",
    });

    [Fact]
    public async Task The_official_directline_client_books_over_the_websocket_stream_and_receives_a_proactive_message()
    {
        await using var server = Start();
        var script = Path.Combine(RepoPaths.Root, "tests", "Messaging.EndToEnd.Tests", "DirectLine", "directline-client.js");
        var psi = new ProcessStartInfo("node", [script, server.BaseUrl + "/v3/directline", Secret])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root,
        };
        using var node = Process.Start(psi)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        if (!node.WaitForExit(TimeSpan.FromSeconds(90))) node.Kill(entireProcessTree: true);
        var output = await stdout;
        var result = JsonSerializer.Deserialize<JsonElement>(output.Trim().Split('\n')[^1]);
        Assert.True(node.ExitCode == 0, $"directline client: {output} {await stderr}");

        var code = result.GetProperty("booking").GetProperty("code").GetString()!;
        await using var scope = server.Services.CreateAsyncScope();
        var booking = await scope.ServiceProvider.GetRequiredService<MessagingDbContext>().Bookings.AsNoTracking().SingleAsync(b => b.Code == code);
        // The user the portal's server named in the token, as that portal's user: another portal cannot claim them.
        Assert.Equal(("directline", "portal/dl_portal_user_1", "0912345678"), (booking.Channel, booking.ChannelUserId, booking.Phone));
        Assert.Contains(code, result.GetProperty("proactive").GetString());
        Assert.True(result.GetProperty("echoes").GetInt32() >= 2);
        Assert.True(result.GetProperty("streamed").GetBoolean());
        Assert.True(result.GetProperty("sockets").GetInt32() >= 1);
        Assert.True(result.GetProperty("socketMessages").GetInt32() >= 3); // the turns' replies and the proactive message
    }

    [Fact]
    public async Task The_official_web_chat_on_a_portal_books_an_appointment_by_buttons_and_typing()
    {
        await using var portal = new PortalServer(Secret);
        await portal.StartAsync();
        // The portal is another origin: its page may call us only because it is listed.
        var origin = portal.BaseUrl.GetLeftPart(UriPartial.Authority);
        await using var server = Start(origin);
        portal.DirectLineDomain = server.BaseUrl + "/v3/directline";
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 420, Height = 860 } });

        await page.GotoAsync(portal.BaseUrl.ToString());
        var box = page.GetByRole(AriaRole.Textbox).First;
        await box.WaitForAsync();
        await SendAsync(page, "đặt lịch đổi căn cước ở xã Tịnh Hà");
        await TapFirstSuggestionAsync(page, "ngày");          // the first day with free places
        await TapFirstSuggestionAsync(page, "còn các giờ trống"); // the first free time
        await AnswerAsync(page, "họ và tên", "Lê Thị Hoa");
        await AnswerAsync(page, "số điện thoại", "0905 123 456");
        await page.GetByText("kiểm tra lại", new() { Exact = false }).Last.WaitForAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Xác nhận" }).Last.ClickAsync();

        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        var booking = await WaitForAsync(() => db.Bookings.AsNoTracking().SingleOrDefaultAsync(b => b.Phone == "0905123456"));
        Assert.Equal(("directline", "cccd-renewal", "ca-xa-tinh-ha"), (booking.Channel, booking.ProcedureId, booking.OfficeId));
        await page.GetByText(booking.Code, new() { Exact = false }).First.WaitForAsync();
        Directory.CreateDirectory(Browser.Artifacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Artifacts, "official-webchat-booked.png"), FullPage = true });
    }

    private static async Task SendAsync(IPage page, string text)
    {
        var box = page.GetByRole(AriaRole.Textbox).First;
        await box.FillAsync(text);
        await box.PressAsync("Enter");
    }

    private static async Task AnswerAsync(IPage page, string question, string answer)
    {
        await page.GetByText(question, new() { Exact = false }).Last.WaitForAsync();
        await SendAsync(page, answer);
    }

    /// <summary>Waits for the bot's line, then taps the first of its suggested actions (Web Chat draws them as buttons).</summary>
    private static async Task TapFirstSuggestionAsync(IPage page, string botText)
    {
        await page.GetByText(botText, new() { Exact = false }).Last.WaitForAsync();
        var first = page.Locator(".webchat__suggested-action").First;
        await first.WaitForAsync();
        await first.ClickAsync();
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> read) where T : class
    {
        for (var i = 0; i < 100; i++)
        {
            if (await read() is { } found) return found;
            await Task.Delay(100);
        }
        throw new TimeoutException("not found in time");
    }
}
