using Messaging.Core.Appointments;
using Messaging.Core.HomeVisits;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Messaging.EndToEnd.Tests;

/// <summary>/staff/home-visits in headless Chromium against the real server (demo data, real clock, notifier running).</summary>
public sealed class HomeVisitPageTests : IAsyncLifetime
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
        // The page works under the Content-Security-Policy: nothing on it was blocked.
        Assert.Empty(_policyViolations);
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<IPage> PageAsync(int width = 1280)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = 900 } });
        var page = await context.NewPageAsync();
        Browser.CollectPolicyViolations(page, _policyViolations);
        return page;
    }

    private async Task<HomeVisitRequest> RequestAsync(string phone, string name)
    {
        await using var scope = _server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HomeVisitService>().CreateAsync(new HomeVisitInput("ca-xa-tinh-ha", name,
            HomeVisitReason.Illness, "Thôn Phú Sơn, xã Tịnh Hà", phone, Relation: "bà", PersonAge: 90, ReasonNote: "Nằm liệt giường sau tai biến",
            AddressMatched: true, PreferredDays: "any"), default);
    }

    private async Task<HomeVisitRequest> ReadAsync(Guid id)
    {
        await using var scope = _server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MessagingDbContext>().Set<HomeVisitRequest>().AsNoTracking().SingleAsync(v => v.Id == id);
    }

    /// <summary>A day the officers can go: two days from now, in Vietnam.</summary>
    private static DateOnly VisitDay => OfficeTime.LocalDate(DateTimeOffset.UtcNow, null).AddDays(2);

    private static async Task ScheduleAsync(IPage page, HomeVisitRequest visit, DateOnly day, string window)
    {
        var card = page.Locator($"[data-visit='{visit.Code}']");
        await card.Locator("input[name=date]").FillAsync(day.ToString("yyyy-MM-dd"));
        await card.Locator("input[name=window]").FillAsync(window);
        await card.Locator("select[name=officer]").SelectOptionAsync("canbo.tinhha");
        await card.Locator("form.schedule-form button.primary").ClickAsync();
    }

    [Fact]
    public async Task An_officer_schedules_a_home_visit_and_the_family_is_told()
    {
        var visit = await RequestAsync("0912000901", "Trần Thị Én");
        var page = await PageAsync();
        await StaffBrowser.SignInAsync(page, _server.BaseUrl, "canbo.tinhha", "demo-tinhha-2026");
        await page.Locator("h1", new() { HasTextString = "Xin chào" }).WaitForAsync();
        Assert.Contains("Làm tại nhà", await page.InnerTextAsync("nav"));
        await page.GotoAsync(_server.BaseUrl + "/staff/home-visits");
        var card = page.Locator($"[data-visit='{visit.Code}']");
        Assert.Contains("Trần Thị Én, 90 tuổi", await card.InnerTextAsync());
        Assert.Contains("Ốm đau, bệnh nặng – Nằm liệt giường sau tai biến", await card.InnerTextAsync());
        await StaffBrowser.ShotsAsync(page, "home-visits");

        var day = VisitDay;
        await ScheduleAsync(page, visit, day, "08:00–10:00");
        await page.Locator(".flash", new() { HasTextString = "Đã hẹn đến nhà Trần Thị Én" }).WaitForAsync();
        Assert.Equal(0, await page.Locator($"[data-visit='{visit.Code}']").CountAsync()); // it left the waiting list

        var saved = await ReadAsync(visit.Id);
        Assert.Equal(HomeVisitStatus.Scheduled, saved.Status);
        Assert.Equal(day, saved.ScheduledDate);
        Assert.Equal("08:00–10:00", saved.WindowText());
        Assert.Equal("canbo.tinhha", saved.OfficerUserName);

        await page.GotoAsync(_server.BaseUrl + "/staff/home-visits?status=Scheduled");
        var scheduled = page.Locator($"[data-visit='{visit.Code}'] .schedule");
        Assert.Contains("08:00–10:00", await scheduled.InnerTextAsync());
        Assert.Contains("1/2", await page.InnerTextAsync("#load"));
        await StaffBrowser.ShotsAsync(page, "home-visits-scheduled");

        // The notifier runs in this server: the family's notice of the visit is on its way (held until 07:00 in quiet hours).
        await using var scope = _server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        Delivery? delivery = null;
        for (var i = 0; i < 100 && delivery is null; i++)
        {
            await Task.Delay(100);
            delivery = await db.Deliveries.AsNoTracking()
                .FirstOrDefaultAsync(d => d.TemplateKey == "notify/home-visit.scheduled" && d.RecipientSummary == "0912***901");
        }
        Assert.NotNull(delivery);
        Assert.Contains(visit.Code, delivery.RequestJson);
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "home-visit.schedule" && a.Subject == visit.Code && a.Actor == "canbo.tinhha"));
    }

    [Fact]
    public async Task The_office_limit_refuses_a_visit_too_many_on_one_day_and_another_office_sees_nothing()
    {
        var first = await RequestAsync("0912000911", "Đặng Văn Phúc");
        var second = await RequestAsync("0912000912", "Mai Thị Quế");
        var page = await PageAsync(390);
        await StaffBrowser.SignInAsync(page, _server.BaseUrl, "canbo.tinhha", "demo-tinhha-2026");
        await page.GotoAsync(_server.BaseUrl + "/staff/home-visits");
        await page.FillAsync("#limit input[name=perDay]", "1");
        await page.ClickAsync("#limit button");
        await page.Locator(".flash", new() { HasTextString = "tối đa 1 lượt" }).WaitForAsync();

        var day = VisitDay;
        await ScheduleAsync(page, first, day, "13:30–15:30");
        await page.Locator(".flash", new() { HasTextString = "Đã hẹn đến nhà Đặng Văn Phúc" }).WaitForAsync();
        await ScheduleAsync(page, second, day, "15:00–17:00");
        await page.Locator(".flash", new() { HasTextString = "đã hẹn đủ số lượt" }).WaitForAsync();
        Assert.Equal(HomeVisitStatus.Requested, (await ReadAsync(second.Id)).Status);

        // A wrong window is refused before anything is saved.
        await ScheduleAsync(page, second, day.AddDays(1), "10 giờ");
        await page.Locator(".flash", new() { HasTextString = "Khung giờ chưa đúng" }).WaitForAsync();

        var other = await PageAsync();
        await StaffBrowser.SignInAsync(other, _server.BaseUrl, "canbo.trabong", "demo-trabong-2026");
        var direct = await other.GotoAsync(_server.BaseUrl + "/staff/home-visits?office=ca-xa-tinh-ha");
        Assert.Equal(404, direct!.Status);
        await other.GotoAsync(_server.BaseUrl + "/staff/home-visits");
        Assert.Equal(0, await other.Locator($"[data-visit='{second.Code}']").CountAsync());
    }
}
