using Messaging.Core.Appointments;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Server.Pages.Staff.Charts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace Messaging.EndToEnd.Tests;

/// <summary>The officers' and admins' web area in headless Chromium, against the real server on Kestrel.</summary>
public sealed class StaffAreaTests : IAsyncLifetime
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

    private async Task<IPage> PageAsync(int width = 1280)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = 900 } });
        var page = await context.NewPageAsync();
        Browser.CollectPolicyViolations(page, _policyViolations);
        return page;
    }

    private async Task<Booking> BookAsync(string office, string phone, string name = "Lê Văn Cường")
    {
        await using var scope = _server.Services.CreateAsyncScope();
        var bookings = scope.ServiceProvider.GetRequiredService<BookingService>();
        var today = OfficeTime.LocalDate(DateTimeOffset.UtcNow, null);
        var slot = (await bookings.FindFreeSlotsAsync(new SlotQuery("cccd-renewal", today.AddDays(1), today.AddDays(14), office), default))[0];
        return await bookings.BookAsync(new BookingRequest("cccd-renewal", office, slot.Start, name, phone), default);
    }

    /// <summary>An appointment starting a minute from now: check-in is possible only on the day itself.</summary>
    private async Task<Booking> BookNowAsync(string office, string phone, string name)
    {
        await using var scope = _server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        var start = DateTimeOffset.UtcNow.AddMinutes(1);
        var booking = new Booking
        {
            Id = Guid.NewGuid(), Code = scope.ServiceProvider.GetRequiredService<IBookingCodes>().Next(), OfficeId = office, ProcedureId = "cccd-renewal",
            Start = start, End = start.AddMinutes(15), SlotKey = "walk-in", QueueNumber = 99, CitizenName = name, Phone = phone,
            Status = BookingStatus.Booked, CreatedAt = start, UpdatedAt = start,
        };
        db.Bookings.Add(booking);
        await db.SaveChangesAsync();
        return booking;
    }

    [Fact]
    public async Task Sign_in_sign_out_and_lockout_after_five_wrong_passwords()
    {
        var page = await PageAsync();
        await page.GotoAsync(_server.BaseUrl + "/staff");
        Assert.Contains("/staff/login", page.Url);
        await StaffBrowser.ShotsAsync(page, "login");

        await StaffBrowser.SignInAsync(page, _server.BaseUrl, "admin", "not-the-password");
        Assert.Contains("không đúng", await page.InnerTextAsync(".error"));
        await StaffBrowser.SignInAsync(page, _server.BaseUrl, "admin", "demo-admin-2026");
        await page.Locator("h1", new() { HasTextString = "Xin chào" }).WaitForAsync();
        Assert.Contains("Mẫu tin", await page.InnerTextAsync("nav"));
        await StaffBrowser.ShotsAsync(page, "overview");
        // The logout form's own button, and the navigation it starts awaited together: a full-suite run once clicked while
        // the page was settling from the screenshots' viewport changes and waited 30 s for a navigation never started.
        var signedOut = page.WaitForURLAsync("**/staff/login");
        await page.Locator("form.logout button[type=submit]").ClickAsync();
        await signedOut;
        await page.GotoAsync(_server.BaseUrl + "/staff/bookings");
        Assert.Contains("/staff/login", page.Url);

        for (var i = 0; i < 5; i++) await StaffBrowser.SignInAsync(page, _server.BaseUrl, "canbo.trabong", "wrong-" + i);
        Assert.Contains("không đúng", await page.InnerTextAsync(".error"));
        // Five failures used up: the next try is refused, even with the right password.
        await StaffBrowser.SignInAsync(page, _server.BaseUrl, "canbo.trabong", "demo-trabong-2026");
        Assert.Contains("tạm khóa", await page.InnerTextAsync(".error"));
        Assert.Contains("/staff/login", page.Url);
    }

    [Fact]
    public async Task A_template_with_a_syntax_error_is_refused_then_fixed_published_and_used_by_the_bot()
    {
        var page = await PageAsync();
        await StaffBrowser.SignInAsync(page, _server.BaseUrl, "admin", "demo-admin-2026");
        await page.GotoAsync(_server.BaseUrl + "/staff/admin/templates?q=loi chao");
        await StaffBrowser.ShotsAsync(page, "templates");
        await page.ClickAsync("tr[data-key='bot/greeting'] a");
        await page.Locator("#preview", new() { HasTextString = "Xin chào" }).WaitForAsync();
        await StaffBrowser.ShotsAsync(page, "template-editor");

        var chat = page.Locator("textarea[data-variant='vi.chat']");
        await chat.FillAsync("Chào anh/chị {{ if }}");
        await page.Locator("#live-errors", new() { HasTextString = "dòng 1" }).WaitForAsync(); // shown while typing
        await page.ClickAsync("text=Lưu nháp");
        await page.Locator("#server-errors", new() { HasTextString = "còn lỗi" }).WaitForAsync();
        await page.ClickAsync("#publish");
        await page.Locator("#server-errors", new() { HasTextString = "Không xuất bản được" }).WaitForAsync();

        var wording = "Chào anh/chị, Công an xã xin nghe. Anh/chị cần đặt lịch, tra cứu hồ sơ hay hỏi giấy tờ ạ?";
        await page.Locator("textarea[data-variant='vi.chat']").FillAsync(wording);
        await page.Locator("#preview", new() { HasTextString = "xin nghe" }).WaitForAsync();
        await page.ClickAsync("text=Lưu nháp");
        await page.Locator(".flash", new() { HasTextString = "Đã lưu bản nháp" }).WaitForAsync();
        await page.ClickAsync("#publish");
        await page.Locator(".flash", new() { HasTextString = "Đã xuất bản" }).WaitForAsync();

        var reply = await page.APIRequest.PostAsync(_server.BaseUrl + "/api/messages", new()
        {
            DataObject = new
            {
                type = "message", id = "t1", channelId = "webchat", from = new { id = "citizen" }, conversation = new { id = "after-publish" },
                text = "xin chào", locale = "vi-VN", deliveryMode = "expectReplies",
            },
        });
        var body = System.Text.Json.JsonDocument.Parse(await reply.TextAsync()).RootElement;
        Assert.Equal(wording, body.GetProperty("activities")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Cancelling_a_mobile_session_asks_first_then_notifies_each_of_its_citizens()
    {
        Session session;
        await using (var scope = _server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
            session = await db.Sessions.AsNoTracking().FirstAsync(s => s.OfficeId == "ca-xa-tinh-ha" && s.Kind == SessionKind.Mobile);
            var bookings = scope.ServiceProvider.GetRequiredService<BookingService>();
            foreach (var phone in new[] { "0912000555", "0912000666" })
                await bookings.BookAsync(new BookingRequest("cccd-renewal", "ca-xa-tinh-ha", session.Start, "Công dân " + phone[^3..], phone, SessionId: session.Id), default);
        }
        var page = await PageAsync();
        string? asked = null;
        page.Dialog += (_, d) => { asked = d.Message; _ = d.AcceptAsync(); };
        await StaffBrowser.SignInAsync(page, _server.BaseUrl, "canbo.tinhha", "demo-tinhha-2026");
        await page.GotoAsync(_server.BaseUrl + "/staff/schedule");
        var card = page.Locator($"[data-session='{session.Id}']");
        Assert.Equal("2", await card.Locator(".booked").InnerTextAsync());
        await StaffBrowser.ShotsAsync(page, "schedule");
        await card.Locator("summary", new() { HasTextString = "Hủy buổi" }).ClickAsync();
        await card.Locator("input[name=reason]").FillAsync("Mưa bão, đường vào thôn bị ngập");
        await card.Locator("button.danger").ClickAsync();
        await page.Locator(".flash", new() { HasTextString = "2 công dân" }).WaitForAsync();
        Assert.Contains("2 công dân", asked);

        await using var check = _server.Services.CreateAsyncScope();
        var read = check.ServiceProvider.GetRequiredService<MessagingDbContext>();
        Assert.Equal(SessionStatus.Cancelled, (await read.Sessions.AsNoTracking().FirstAsync(s => s.Id == session.Id)).Status);
        List<Delivery> told = [];
        for (var i = 0; i < 100 && told.Count < 2; i++)
        {
            await Task.Delay(100);
            told = await read.Deliveries.AsNoTracking().Where(d => d.TemplateKey == "notify/session.cancelled").ToListAsync();
        }
        Assert.Equal(["0912***555", "0912***666"], told.Select(d => d.RecipientSummary).Order());
        Assert.All(told, d => Assert.Contains("Mưa bão", System.Text.RegularExpressions.Regex.Unescape(d.RequestJson)));
    }

    [Fact]
    public async Task A_citizen_asks_for_an_officer_on_web_chat_and_the_officers_reply_reaches_the_chat()
    {
        // The web chat's own conversation: the server names it and hands out its token, which every read needs.
        var citizen = _server.CreateClient();
        var started = System.Text.Json.JsonDocument.Parse(await (await citizen.PostAsJsonAsync("/api/conversations", new { locale = "vi" })).Content.ReadAsStringAsync()).RootElement;
        var conversation = started.GetProperty("conversationId").GetString()!;
        citizen.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", started.GetProperty("token").GetString());
        var chat = await citizen.PostAsJsonAsync("/api/messages", new
        {
            type = "message", id = "h1", channelId = "webchat", from = new { id = "citizen-h" }, conversation = new { id = conversation },
            text = "tôi muốn gặp cán bộ công an xã Tịnh Hà, sđt 0912345678", locale = "vi-VN", deliveryMode = "expectReplies",
        });
        chat.EnsureSuccessStatusCode();
        var page = await PageAsync();
        await StaffBrowser.SignInAsync(page, _server.BaseUrl, "canbo.tinhha", "demo-tinhha-2026");
        await page.GotoAsync(_server.BaseUrl + "/staff/handoffs");
        await page.ClickAsync("[data-handoff] a");
        var transcript = await page.InnerTextAsync(".transcript");
        Assert.Contains("0912***678", transcript); // officers read the masked copy
        Assert.DoesNotContain("0912345678", transcript);
        await page.FillAsync("textarea[name=message]", "Chào anh, cán bộ Tịnh Hà sẽ gọi lại cho anh trong sáng nay.");
        await page.ClickAsync("text=Gửi trả lời");
        await page.Locator(".flash", new() { HasTextString = "Đã gửi" }).WaitForAsync();
        await StaffBrowser.ShotsAsync(page, "handoffs");

        // The reply goes through the notifier to the open web chat: the citizen's next poll has it.
        string polled = "";
        for (var i = 0; i < 100 && !polled.Contains("gọi lại cho anh"); i++)
        {
            await Task.Delay(100);
            polled = System.Text.RegularExpressions.Regex.Unescape(await citizen.GetStringAsync($"/api/conversations/{conversation}/activities?watermark=0"));
        }
        Assert.Contains("Chào anh, cán bộ Tịnh Hà sẽ gọi lại cho anh trong sáng nay.", polled);
    }

    [Fact]
    public async Task Dossier_status_update_and_a_dry_run_import_then_the_admin_reads_deliveries_and_the_audit_log()
    {
        var page = await PageAsync();
        await StaffBrowser.SignInAsync(page, _server.BaseUrl, "canbo.tinhha", "demo-tinhha-2026");
        await page.GotoAsync(_server.BaseUrl + "/staff/dossiers?q=000.00.12.H55-240930-0101");
        var row = page.Locator("tr[data-code='000.00.12.H55-240930-0101']");
        await row.Locator("summary").ClickAsync();
        await row.Locator("select[name=status]").SelectOptionAsync("Returned");
        await row.Locator("input[name=note]").FillAsync("Đã trả kết quả tại bộ phận một cửa");
        await row.Locator("button.primary").ClickAsync();
        await page.Locator(".flash", new() { HasTextString = "Đã trả kết quả" }).WaitForAsync();

        var csv = Path.Combine(_server.DataDirectory, "import.csv");
        await File.WriteAllTextAsync(csv, "code,procedureId,officeId,applicantName,phone,citizenId,status,receivedAt,expectedResultDate,note\n" +
            "000.00.12.H55-261130-0042,cccd-renewal,ca-xa-tinh-ha,Trần Văn Khoa,0905000111,,received,2026-11-30T08:00:00+07:00,2026-12-09,\n" +
            "000.00.12.H55-261130-0043,cccd-renewal,ca-xa-tra-bong,Lê Thị Mai,0905000222,,received,2026-11-30T08:00:00+07:00,,\n");
        await page.SetInputFilesAsync("input[type=file]", csv);
        await page.ClickAsync("form[enctype] button");
        var report = await page.InnerTextAsync("#import-report");
        Assert.Contains("Kiểm tra thử", report);
        Assert.Contains("Thêm mới: 1", report);
        // Another office's row is refused with the one answer that tells nothing about other offices.
        Assert.Contains("000.00.12.H55-261130-0043", report);
        Assert.Contains("cannot be imported for your offices", report);
        await StaffBrowser.ShotsAsync(page, "dossiers");
        await using (var scope = _server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
            Assert.False(await db.Dossiers.AnyAsync(d => d.Code == "000.00.12.H55-261130-0042")); // a dry run saves nothing
        }
        await page.ClickAsync("text=Đăng xuất");

        await StaffBrowser.SignInAsync(page, _server.BaseUrl, "admin", "demo-admin-2026");
        // The applicant's notification of the new status is in the list (sent, or held for quiet hours).
        var listed = false;
        for (var i = 0; i < 30 && !listed; i++)
        {
            await page.GotoAsync(_server.BaseUrl + "/staff/admin/deliveries");
            listed = await page.Locator("td", new() { HasTextString = "notify/dossier.returned" }).CountAsync() > 0;
            if (!listed) await Task.Delay(300);
        }
        Assert.True(listed);
        await page.Locator("td a").First.ClickAsync();
        await page.Locator("#delivery").WaitForAsync();
        await StaffBrowser.ShotsAsync(page, "deliveries");
        await page.GotoAsync(_server.BaseUrl + "/staff/admin/audit");
        var audit = await page.InnerTextAsync("#audit");
        Assert.Contains("staff.login", audit);
        Assert.Contains("canbo.tinhha", audit);
        await StaffBrowser.ShotsAsync(page, "audit");
    }

    [Fact]
    public async Task Office_hours_change_unless_a_booking_would_fall_outside_them()
    {
        var booked = await BookAsync("ca-xa-tinh-ha", "0912000777", "Ngô Văn Lực");
        var day = OfficeTime.ToLocal(booked.Start, null).DayOfWeek;
        var page = await PageAsync();
        await StaffBrowser.SignInAsync(page, _server.BaseUrl, "canbo.tinhha", "demo-tinhha-2026");
        await page.GotoAsync(_server.BaseUrl + "/staff/schedule");
        await page.FillAsync($"input[name='days[{day}]']", "");
        await page.ClickAsync("text=Lưu giờ làm việc");
        await page.Locator(".flash", new() { HasTextString = "1 lịch hẹn sắp tới nằm ngoài giờ mới" }).WaitForAsync();

        await page.FillAsync("input[name='days[Sunday]']", "07:30-11:00");
        await page.ClickAsync("text=Lưu giờ làm việc");
        await page.Locator(".flash", new() { HasTextString = "Đã lưu giờ làm việc" }).WaitForAsync();
        Assert.Equal("07:30-11:00", await page.InputValueAsync("input[name='days[Sunday]']"));
        await using var scope = _server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        Assert.True(await db.OpeningHours.AnyAsync(h => h.OfficeId == "ca-xa-tinh-ha" && h.Day == day));
        Assert.True(await db.OpeningHours.AnyAsync(h => h.OfficeId == "ca-xa-tinh-ha" && h.Day == DayOfWeek.Sunday));
    }

    [Fact]
    public async Task An_officer_sees_only_their_office_by_the_menu_and_by_a_direct_url()
    {
        var ours = await BookAsync("ca-xa-tinh-ha", "0912000111", "Phạm Thị Dung");
        var theirs = await BookAsync("ca-xa-tra-bong", "0912000222", "Hồ Văn Em");
        var page = await PageAsync();
        await StaffBrowser.SignInAsync(page, _server.BaseUrl, "canbo.tinhha", "demo-tinhha-2026");
        await page.Locator("h1", new() { HasTextString = "Xin chào" }).WaitForAsync();
        Assert.DoesNotContain("Mẫu tin", await page.InnerTextAsync("nav")); // no admin menu for an officer

        await page.GotoAsync($"{_server.BaseUrl}/staff/bookings?date={OfficeTime.LocalDate(ours.Start, null):yyyy-MM-dd}");
        var options = await page.Locator("select[name=office] option").AllInnerTextsAsync();
        Assert.Equal(["Công an xã Tịnh Hà"], options);
        Assert.Equal(1, await page.Locator($"tr[data-code='{ours.Code}']").CountAsync());
        await StaffBrowser.ShotsAsync(page, "bookings");

        var direct = await page.GotoAsync($"{_server.BaseUrl}/staff/bookings?office=ca-xa-tra-bong&date={OfficeTime.LocalDate(theirs.Start, null):yyyy-MM-dd}");
        Assert.Equal(404, direct!.Status);
        await page.GotoAsync($"{_server.BaseUrl}/staff/bookings?q={theirs.Code}");
        Assert.Equal(0, await page.Locator($"tr[data-code='{theirs.Code}']").CountAsync());
        var api = await page.APIRequest.GetAsync($"{_server.BaseUrl}/api/admin/deliveries");
        Assert.Equal(403, api.Status); // deliveries are for admins
    }

    [Fact]
    public async Task An_admin_creates_an_officer_who_sets_a_password_by_link_and_is_then_disabled()
    {
        var admin = await PageAsync();
        await StaffBrowser.SignInAsync(admin, _server.BaseUrl, "admin", "demo-admin-2026");
        await admin.GotoAsync(_server.BaseUrl + "/staff/admin/users");
        await admin.FillAsync("#create-user input[name=userName]", "hoa.tran");
        await admin.FillAsync("#create-user input[name=displayName]", "Trần Thị Hoa");
        await admin.CheckAsync("#create-user input[name=offices][value=ca-xa-tinh-ha]");
        await admin.ClickAsync("#create-user button.primary");
        var link = await admin.InputValueAsync("#reset-link input");
        Assert.Contains("/staff/reset?token=", link);
        await StaffBrowser.ShotsAsync(admin, "users");

        // The new officer, in another browser, sets a password through the link and signs in.
        var officer = await PageAsync(390);
        await officer.GotoAsync(link);
        await officer.FillAsync("#reset input[name=password]", "mat-khau-cua-hoa-2026");
        await officer.FillAsync("#reset input[name=confirm]", "mat-khau-cua-hoa-2026");
        await officer.ClickAsync("#reset button");
        // The redirect committed is enough: the sign-in below loads the page itself (waiting for "load" here timed out once on a busy machine).
        await officer.WaitForURLAsync("**/staff/login", new() { WaitUntil = WaitUntilState.Commit });
        await StaffBrowser.SignInAsync(officer, _server.BaseUrl, "hoa.tran", "mat-khau-cua-hoa-2026");
        await officer.Locator("h1", new() { HasTextString = "Xin chào" }).WaitForAsync();

        // Disabled by the admin: the officer's next click lands on the sign-in page.
        await admin.ClickAsync("tr[data-user='hoa.tran'] a");
        await admin.ClickAsync("text=Khóa tài khoản");
        await admin.Locator(".flash", new() { HasTextString = "Đã khóa" }).WaitForAsync();
        await officer.GotoAsync(_server.BaseUrl + "/staff/bookings");
        Assert.Contains("/staff/login", officer.Url);
    }

    [Fact]
    public async Task The_overview_draws_its_charts_on_the_server_legible_on_a_phone_and_on_a_desktop()
    {
        var booked = await BookAsync("ca-xa-tinh-ha", "0912000888", "Trương Thị Hạnh");
        var today = OfficeTime.LocalDate(DateTimeOffset.UtcNow, null);
        var days = Enumerable.Range(0, 14).Select(i => DashboardCharts.DayLabel(today.AddDays(i))).ToList();
        var bookedDay = DashboardCharts.DayLabel(OfficeTime.LocalDate(booked.Start, null));
        var page = await PageAsync(390);
        await StaffBrowser.SignInAsync(page, _server.BaseUrl, "admin", "demo-admin-2026");
        await page.Locator("h1", new() { HasTextString = "Xin chào" }).WaitForAsync();
        await page.GotoAsync(_server.BaseUrl + "/staff?office=ca-xa-tinh-ha");
        Assert.Equal("ca-xa-tinh-ha", await page.InputValueAsync("#load select[name=office]"));
        Directory.CreateDirectory(Browser.Artifacts);
        foreach (var (width, height) in new[] { (390, 844), (1280, 800) })
        {
            await page.SetViewportSizeAsync(width, height);
            var load = page.Locator("#load svg[role=img]");
            Assert.True(await load.IsVisibleAsync());
            Assert.Equal(days, await load.Locator("g.row > text:first-child").AllTextContentsAsync());
            var row = load.Locator($"g.row[data-label='{bookedDay}']");
            Assert.True(int.Parse(await row.Locator("rect.bar").GetAttributeAsync("data-value") ?? "0", System.Globalization.CultureInfo.InvariantCulture) >= 1);
            Assert.Equal(1, await row.Locator("line.capacity").CountAsync());
            Assert.True(await page.Locator("#deliveries svg[role=img]").IsVisibleAsync());
            Assert.True(await page.Locator("#understanding svg[role=img]").IsVisibleAsync());
            // Drawn at the card's width, the chart's smallest text is still at least 11 px on the screen.
            var smallest = await load.EvaluateAsync<double>(
                "svg => Math.min(...[...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))");
            Assert.True(smallest >= 11, $"{smallest:0.0} px at {width} px wide");
            Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= width); // no sideways scrolling
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Artifacts, $"dashboard-{width}.png"), FullPage = true });
        }

        // An officer: their own office without a picker, no system-wide figures, and another office's chart answered as missing.
        var officer = await PageAsync(390);
        await StaffBrowser.SignInAsync(officer, _server.BaseUrl, "canbo.tinhha", "demo-tinhha-2026");
        await officer.Locator("#load svg[role=img]").WaitForAsync();
        Assert.Equal(0, await officer.Locator("#load select").CountAsync());
        Assert.Equal(0, await officer.Locator("#deliveries, #understanding").CountAsync());
        Assert.Equal(404, (await officer.GotoAsync(_server.BaseUrl + "/staff?office=ca-xa-tra-bong"))!.Status);
    }

    [Fact]
    public async Task An_officer_checks_in_one_citizen_and_cancels_another_with_a_reason_that_reaches_the_citizen()
    {
        var first = await BookNowAsync("ca-xa-tinh-ha", "0912000333", "Vũ Thị Giang");
        var second = await BookAsync("ca-xa-tinh-ha", "0912000444", "Đỗ Văn Hùng");
        var page = await PageAsync(390);
        await StaffBrowser.SignInAsync(page, _server.BaseUrl, "canbo.tinhha", "demo-tinhha-2026");
        await page.GotoAsync($"{_server.BaseUrl}/staff/bookings?q={first.Code}");
        await page.Locator($"tr[data-code='{first.Code}'] button", new() { HasTextString = "Có mặt" }).ClickAsync();
        await page.Locator(".flash", new() { HasTextString = "có mặt" }).WaitForAsync();
        // A future appointment cannot be checked in yet: the officer is told why, in Vietnamese.
        await page.GotoAsync($"{_server.BaseUrl}/staff/bookings?q={second.Code}");
        await page.Locator($"tr[data-code='{second.Code}'] button", new() { HasTextString = "Có mặt" }).ClickAsync();
        await page.Locator(".flash", new() { HasTextString = "Chỉ ghi nhận có mặt trong ngày hẹn" }).WaitForAsync();

        await page.GotoAsync($"{_server.BaseUrl}/staff/bookings?q={second.Code}");
        var row = page.Locator($"tr[data-code='{second.Code}']");
        await row.Locator("summary").ClickAsync();
        await row.Locator("input[name=reason]").FillAsync("Máy cấp căn cước hỏng, mời anh/chị đặt lại lịch");
        await row.Locator("button.danger").ClickAsync();
        await page.Locator(".flash", new() { HasTextString = "Đã hủy" }).WaitForAsync();

        await using var scope = _server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        var statuses = await db.Bookings.AsNoTracking().Where(b => b.Code == first.Code || b.Code == second.Code)
            .ToDictionaryAsync(b => b.Code, b => (b.Status, b.CancelReason, b.HandledBy, b.CancelledBy));
        Assert.Equal(BookingStatus.CheckedIn, statuses[first.Code].Status);
        Assert.Equal("canbo.tinhha", statuses[first.Code].HandledBy);
        Assert.Equal((BookingStatus.Cancelled, "Máy cấp căn cước hỏng, mời anh/chị đặt lại lịch", "officer:canbo.tinhha"),
            (statuses[second.Code].Status, statuses[second.Code].CancelReason, statuses[second.Code].CancelledBy));
        // The notifier runs in this server: the cancellation, with the officer's reason, is on its way to the citizen
        // (held until 07:00 when the test runs in quiet hours, sent to the local outbox otherwise).
        Delivery? delivery = null;
        for (var i = 0; i < 100 && delivery is null; i++)
        {
            await Task.Delay(100);
            delivery = await db.Deliveries.AsNoTracking().FirstOrDefaultAsync(d => d.TemplateKey == "notify/booking.cancelled" && d.RecipientSummary == "0912***444");
        }
        Assert.NotNull(delivery);
        Assert.Contains("Máy cấp căn cước hỏng", System.Text.RegularExpressions.Regex.Unescape(delivery.RequestJson));
        Assert.Contains(second.Code, delivery.RequestJson);
    }
}

/// <summary>Sign-in and screenshots shared by the staff-area tests.</summary>
public static class StaffBrowser
{
    /// <summary>Every staff page is saved at desktop width and at 390 px (a phone) as a test artifact.</summary>
    public static async Task ShotsAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Browser.Artifacts);
        var size = page.ViewportSize!;
        foreach (var width in new[] { 1280, 390 })
        {
            await page.SetViewportSizeAsync(width, 900);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Artifacts, $"staff-{name}-{width}.png"), FullPage = true });
        }
        await page.SetViewportSizeAsync(size.Width, size.Height);
    }

    public static async Task SignInAsync(IPage page, string baseUrl, string user, string password)
    {
        await page.GotoAsync(baseUrl + "/staff/login");
        await page.FillAsync("input[name=UserName]", user);
        await page.FillAsync("input[name=Password]", password);
        await page.ClickAsync("button[type=submit]");
    }

}
