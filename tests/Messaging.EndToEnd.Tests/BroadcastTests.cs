using System.Text.Json;
using Messaging.Core.Appointments;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Messaging.EndToEnd.Tests;

/// <summary>An officer's broadcast from the web page to a day's bookings, delivered as emails to maildev.</summary>
public sealed class BroadcastTests : IAsyncLifetime
{
    private readonly MaildevFixture _maildev = new();
    private LiveServer _server = null!;

    public async Task InitializeAsync()
    {
        await _maildev.InitializeAsync();
        _server = LiveServer.Start(new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = _maildev.SmtpPort.ToString(), ["Smtp:Security"] = "None",
            ["Smtp:FromAddress"] = "no-reply@ca-tinh-ha.example.vn",
            // The test may run at night: no quiet hours here.
            ["Notifier:QuietFrom"] = "00:00", ["Notifier:QuietUntil"] = "00:00",
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _maildev.DisposeAsync();
    }

    [Fact]
    public async Task An_officer_broadcasts_to_a_days_bookings_and_the_emails_arrive()
    {
        var day = OfficeTime.LocalDate(DateTimeOffset.UtcNow, null).AddDays(8);
        await using (var scope = _server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
            var bookings = scope.ServiceProvider.GetRequiredService<BookingService>();
            var slots = await bookings.FindFreeSlotsAsync(new SlotQuery("cccd-renewal", day, day.AddDays(5), "ca-xa-tinh-ha"), default);
            day = OfficeTime.LocalDate(slots[0].Start, null);
            var sameDay = slots.Where(s => OfficeTime.LocalDate(s.Start, null) == day).Take(3).ToList();
            for (var i = 0; i < 3; i++)
            {
                var phone = $"09120005{i:00}";
                db.Set<Contact>().Add(new Contact { Id = Guid.NewGuid(), Phone = phone, Email = $"citizen{i}@example.vn", UpdatedAt = DateTimeOffset.UtcNow });
                await db.SaveChangesAsync();
                // Each citizen proved their phone (their email on file applies only then).
                await bookings.BookAsync(new BookingRequest("cccd-renewal", "ca-xa-tinh-ha", sameDay[i % sameDay.Count].Start, $"Công dân {i}", phone,
                    PhoneVerified: true), default);
            }
        }

        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await StaffBrowser.SignInAsync(page, _server.BaseUrl, "canbo.tinhha", "demo-tinhha-2026");
        await page.GotoAsync(_server.BaseUrl + "/staff/broadcasts");
        await page.FillAsync("input[name=From]", day.ToString("yyyy-MM-dd"));
        await page.CheckAsync("input[name=Channels][value=email]");
        const string message = "Ngày mai máy cấp căn cước bảo trì đến 9 giờ; mời anh/chị đến sau 9 giờ, giữ nguyên số thứ tự.";
        await page.FillAsync("textarea[name=Message]", message);
        Assert.Equal("notify/broadcast", await page.InputValueAsync("select[name=Template]"));
        await StaffBrowser.ShotsAsync(page, "broadcast-compose");
        await page.ClickAsync("text=Xem trước và đếm người nhận");

        await page.Locator("#recipients", new() { HasTextString = "3" }).WaitForAsync();
        Assert.Contains(message, await page.InnerTextAsync("#broadcast"));
        Assert.Contains("Cong an xa Tinh Ha", await page.InnerTextAsync("#broadcast")); // the SMS preview, de-accented
        await StaffBrowser.ShotsAsync(page, "broadcast-preview");
        await page.ClickAsync("#send");
        // The send posts and redirects; reloading before that navigation ends aborts it (the emails can arrive first).
        await page.Locator("#progress").WaitForAsync();

        List<JsonElement> emails = [];
        for (var i = 0; i < 150 && emails.Count < 3; i++)
        {
            await Task.Delay(200);
            emails = JsonDocument.Parse(await _maildev.Api.GetStringAsync("/api/email")).RootElement.EnumerateArray()
                .Where(e => e.GetProperty("subject").GetString() == "Thông báo từ Công an xã Tịnh Hà").ToList();
        }
        Assert.Equal(3, emails.Count);
        Assert.All(emails, e => Assert.Contains(message, e.GetProperty("text").GetString()));
        Assert.Equal(["citizen0@example.vn", "citizen1@example.vn", "citizen2@example.vn"],
            emails.Select(e => e.GetProperty("to")[0].GetProperty("address").GetString()).Order());

        try
        {
            await page.ReloadAsync();
        }
        catch (PlaywrightException)
        {
            // While the send runs the page reloads itself every 2 s (broadcast-progress.js), and that reload can abort
            // ours: either way a fresh page is loading, and the locator below waits through it.
        }
        await page.Locator("#progress td", new() { HasTextString = "email" }).WaitForAsync();
        await StaffBrowser.ShotsAsync(page, "broadcast-progress");
    }
}
