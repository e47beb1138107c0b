using System.Globalization;
using System.Security.Claims;
using System.Xml.Linq;
using Messaging.Core.Appointments;
using Messaging.Core.Conversations;
using Messaging.Core.Language;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Core.Staff;
using Messaging.Server.Dashboard;
using Messaging.Server.Pages.Staff.Charts;
using Messaging.Server.Security;
using Messaging.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Server.Tests;

/// <summary>The overview's charts as markup: well-formed, proportional, escaped, honest when there is nothing to draw.</summary>
public sealed class SvgChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static BarChart Chart(params ChartRow[] rows) => new("chart-test", "Lịch hẹn", "Mô tả", "Ngày",
        [new ChartSeries("Đã đặt", "#1f5fa8"), new ChartSeries("Đã hủy", "#b35c00")], rows, "Tổng số chỗ");

    private static XElement Parse(BarChart chart) => XDocument.Parse(SvgChart.Svg(chart)).Root!;

    private static List<XElement> Classed(XElement root, string element, string cssClass) =>
        root.Descendants(Svg + element).Where(e => (string?)e.Attribute("class") == cssClass).ToList();

    private static double Number(XElement e, string attribute) =>
        double.Parse(e.Attribute(attribute)!.Value, CultureInfo.InvariantCulture);

    private static void Near(double expected, double actual) => Assert.InRange(actual, expected - 0.05, expected + 0.05);

    [Fact]
    public void A_chart_is_well_formed_svg_that_scales_and_names_itself_for_screen_readers()
    {
        var root = Parse(Chart(new ChartRow("T3 24/11", [3, 1], 10)));
        Assert.Equal(Svg + "svg", root.Name);
        Assert.StartsWith("0 0 ", root.Attribute("viewBox")?.Value);
        Assert.Null(root.Attribute("width")); // the stylesheet sizes it to its card
        Assert.Equal("img", root.Attribute("role")?.Value);
        Assert.Equal("Lịch hẹn", root.Attribute("aria-label")?.Value);
        Assert.Equal("Lịch hẹn", root.Element(Svg + "title")?.Value);
        Assert.Equal("Mô tả", root.Element(Svg + "desc")?.Value);
        var texts = root.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("T3 24/11", texts);
        Assert.Contains("4/10", texts); // booked and cancelled stacked, against the capacity
        Assert.Contains("Đã đặt", texts); // the legend
        Assert.Contains("Tổng số chỗ", texts);
        Assert.All(root.Descendants(Svg + "text"), t => Assert.True(Number(t, "font-size") >= 14));
        Assert.DoesNotContain(root.DescendantsAndSelf(), e => e.Attribute("style") is not null); // the CSP forbids inline style
    }

    [Fact]
    public void Bar_lengths_are_proportional_to_the_values_and_the_capacity_marker_stands_at_capacity()
    {
        var root = Parse(Chart(new ChartRow("a", [10, 0], 20), new ChartRow("b", [5, 5], 20)));
        var bars = Classed(root, "rect", "bar");
        Assert.Equal([10, 5, 5], bars.Select(b => (int)Number(b, "data-value")));
        var ten = Number(bars[0], "width");
        Near(2 * Number(bars[1], "width"), ten);
        Near(Number(bars[1], "width"), Number(bars[2], "width"));
        // Stacked: the second segment starts where the first ends.
        Near(Number(bars[1], "x") + Number(bars[1], "width"), Number(bars[2], "x"));

        var markers = Classed(root, "line", "capacity");
        Assert.Equal(2, markers.Count);
        Near(Number(bars[0], "x") + 2 * ten, Number(markers[0], "x1"));
        Assert.Equal("20", markers[1].Attribute("data-value")?.Value);
        Assert.Equal(2, Classed(root, "rect", "track").Count);
    }

    [Fact]
    public void Text_is_escaped_so_a_label_with_markup_stays_text()
    {
        var chart = Chart(new ChartRow("<&>\"'", [1, 0])) with { Title = "A < B & \"C\"", Description = "<script>alert(1)</script>" };
        var svg = SvgChart.Svg(chart);
        var root = XDocument.Parse(svg).Root!;
        Assert.Contains(root.Descendants(Svg + "text"), t => t.Value == "<&>\"'");
        Assert.Equal("<&>\"'", root.Descendants(Svg + "g").Single(g => g.Attribute("data-label") is not null).Attribute("data-label")!.Value);
        Assert.Equal("A < B & \"C\"", root.Attribute("aria-label")?.Value);
        Assert.Equal("<script>alert(1)</script>", root.Element(Svg + "desc")?.Value);
        var html = SvgChart.Render(chart).Value!;
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("<th scope=\"row\">&lt;&amp;&gt;&quot;&#39;</th>", html); // the table fallback too
    }

    [Fact]
    public void No_data_says_so_instead_of_drawing_an_empty_frame()
    {
        foreach (var chart in new[] { Chart(), Chart(new ChartRow("T2 23/11", [0, 0], 0), new ChartRow("T3 24/11", [0, 0])) })
        {
            var root = Parse(chart);
            Assert.Contains(root.Descendants(Svg + "text"), t => t.Value == "Chưa có dữ liệu");
            Assert.Empty(Classed(root, "rect", "bar"));
            Assert.StartsWith("Chưa có dữ liệu", root.Element(Svg + "desc")?.Value);
            Assert.DoesNotContain("<table", SvgChart.Render(chart).Value);
        }
    }

    [Fact]
    public void A_fortnight_with_places_but_no_bookings_is_drawn_not_called_empty()
    {
        var root = Parse(Chart(new ChartRow("T3 24/11", [0, 0], 82), new ChartRow("CN 29/11", [0, 0], 0, "nghỉ")));
        Assert.Single(Classed(root, "line", "capacity"));
        var texts = root.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("0/82", texts);
        Assert.Contains("nghỉ", texts);
        Assert.DoesNotContain("Chưa có dữ liệu", texts);
    }

    [Fact]
    public void Day_labels_are_the_vietnamese_weekday_then_day_and_month()
    {
        Assert.Equal("T3 24/11", DashboardCharts.DayLabel(new DateOnly(2026, 11, 24)));
        Assert.Equal("CN 29/11", DashboardCharts.DayLabel(new DateOnly(2026, 11, 29)));
        Assert.Equal("T2 30/11", DashboardCharts.DayLabel(new DateOnly(2026, 11, 30)));
        Assert.Equal("T7 05/12", DashboardCharts.DayLabel(new DateOnly(2026, 12, 5)));
    }
}

/// <summary>The overview's numbers from a real database, and who may read which.</summary>
public abstract class StaffDashboardTests(Func<Task<TestDatabase>> create) : IAsyncLifetime
{
    private TestDatabase _db = null!;
    /// <summary>TestDatabase's clock: Tuesday 24 Nov 2026, 09:00 in Vietnam.</summary>
    private static readonly DateOnly Today = new(2026, 11, 24);

    public async Task InitializeAsync()
    {
        _db = await create();
        await _db.InScopeAsync(sp => TestData.SeedAsync(sp.GetRequiredService<MessagingDbContext>()));
        await _db.InScopeAsync(sp => TestData.SeedAsync(sp.GetRequiredService<MessagingDbContext>(),
            TestData.Office(TestData.OtherOfficeId, "Trà Xuân", cardCapacity: 1)));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static ClaimsPrincipal Staff(string role, params string[] offices) =>
        StaffAuthentication.Principal(new StaffUser { UserName = "test." + role, Role = role, Offices = [.. offices] }, Guid.NewGuid());

    private static readonly ClaimsPrincipal Admin = Staff(StaffRoles.Admin);

    private Task<T> Dashboard<T>(Func<StaffDashboard, Task<T>> query) =>
        _db.InScopeAsync(sp => query(new StaffDashboard(sp.GetRequiredService<MessagingDbContext>(),
            sp.GetRequiredService<OfficeDirectory>(), sp.GetRequiredService<TimeProvider>())));

    private Task<Booking> BookAsync(DateTimeOffset start, string phone, string office = TestData.OfficeId) =>
        _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>()
            .BookAsync(new BookingRequest("cccd-renewal", office, start, "Nguyễn Văn An", phone), default));

    [Fact]
    public async Task Each_day_of_the_fortnight_counts_active_bookings_against_the_days_places()
    {
        var wednesday = TestData.At(2026, 11, 25, 7, 30);
        await BookAsync(wednesday, "0912000001");
        await BookAsync(wednesday.AddMinutes(15), "0912000002");
        var cancelled = await BookAsync(wednesday.AddHours(1), "0912000003");
        await _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().CancelAsync(cancelled.Code, "0912000003", "đổi ý", "citizen", default));
        await BookAsync(TestData.At(2026, 11, 26, 8, 0), "0912000004");
        await BookAsync(wednesday, "0912000005", TestData.OtherOfficeId);
        await _db.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<MessagingDbContext>();
            var cards = await db.OfficeServices.Where(s => s.OfficeId == TestData.OfficeId && s.Name == "Căn cước").Select(s => s.Id).FirstAsync();
            Session Mobile(SessionStatus status) => new()
            {
                Id = Guid.NewGuid(), OfficeId = TestData.OfficeId, ServiceId = cards, Kind = SessionKind.Mobile, Title = "Cấp căn cước lưu động",
                Place = "Nhà văn hóa thôn Phước Thịnh", Start = TestData.At(2026, 11, 29, 8, 0), End = TestData.At(2026, 11, 29, 10, 0),
                CapacityPerSlot = 3, Status = status, CreatedAt = _db.Time.GetUtcNow(), UpdatedAt = _db.Time.GetUtcNow(), Version = 1,
            };
            db.Sessions.AddRange(Mobile(SessionStatus.Scheduled), Mobile(SessionStatus.Cancelled));
            await db.SaveChangesAsync();
        });

        var load = await Dashboard(d => d.BookingLoadAsync(Admin, TestData.OfficeId, default));
        Assert.NotNull(load);
        Assert.Equal(StaffDashboard.LoadDays, load.Days.Count);
        Assert.Equal(Today, load.Days[0].Date);
        var day = load.Days.ToDictionary(d => d.Date);
        Assert.Equal(2, day[new(2026, 11, 25)].Booked); // neither the cancelled one nor the other office's
        Assert.Equal(1, day[new(2026, 11, 26)].Booked);
        Assert.Equal(3, load.Days.Sum(d => d.Booked));
        // A weekday: 30 card slots of 2 places and 22 residence slots of 1.
        Assert.Equal(82, day[new(2026, 11, 25)].Capacity);
        Assert.Equal(82, day[Today].Capacity); // the whole day, the morning already gone included
        Assert.Equal(0, day[TestData.ClosedFriday].Capacity);
        Assert.Equal(12, day[new(2026, 11, 28)].Capacity); // Saturday morning: residence only
        Assert.Equal(24, day[new(2026, 11, 29)].Capacity); // Sunday: closed but for the mobile session, 8 slots of 3
        Assert.Equal(82, day[new(2026, 12, 7)].Capacity); // past the booking horizon the office still has its places

        var chart = DashboardCharts.Load(load);
        Assert.Equal("T4 25/11", chart.Rows[1].Label);
        Assert.Equal([2], chart.Rows[1].Values.AsEnumerable());
        Assert.Equal("nghỉ", chart.Rows[3].Note); // the closed Friday
    }

    [Fact]
    public async Task An_officer_sees_their_own_office_and_neither_another_nor_the_admins_figures()
    {
        await BookAsync(TestData.At(2026, 11, 25, 7, 30), "0912000006", TestData.OtherOfficeId);
        var officer = Staff(StaffRoles.Officer, TestData.OfficeId);
        var own = await Dashboard(d => d.BookingLoadAsync(officer, TestData.OfficeId, default));
        Assert.NotNull(own);
        Assert.Equal(0, own.Days.Sum(d => d.Booked));
        Assert.Null(await Dashboard(d => d.BookingLoadAsync(officer, TestData.OtherOfficeId, default)));
        Assert.Null(await Dashboard(d => d.DeliveriesAsync(officer, default)));
        Assert.Null(await Dashboard(d => d.UnderstandingAsync(officer, default)));

        Assert.Equal(1, (await Dashboard(d => d.BookingLoadAsync(Admin, TestData.OtherOfficeId, default)))!.Days.Sum(d => d.Booked));
        Assert.Null(await Dashboard(d => d.BookingLoadAsync(Admin, "no-such-office", default)));
    }

    [Fact]
    public async Task Deliveries_of_the_last_seven_days_by_channel_and_outcome()
    {
        var now = _db.Time.GetUtcNow();
        await _db.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<MessagingDbContext>();
            Delivery Made(string key, string? channel, DeliveryStatus status, DateTimeOffset at) => new()
            {
                Id = Guid.NewGuid(), Key = key, TemplateKey = "notify/booking.created", Channel = channel, Status = status,
                RecipientSummary = "0912***678", CreatedAt = at, UpdatedAt = at,
            };
            db.Deliveries.AddRange(
                Made("k1", ChannelNames.Zalo, DeliveryStatus.Sent, now.AddHours(-1)),
                Made("k2", ChannelNames.Zalo, DeliveryStatus.Sent, now.AddDays(-3)),
                Made("k3", ChannelNames.Sms, DeliveryStatus.Failed, now.AddDays(-2)),
                Made("k4", null, DeliveryStatus.Skipped, now.AddDays(-6)),
                Made("k5", ChannelNames.Sms, DeliveryStatus.Sent, now.AddDays(-8))); // before the week
            await db.SaveChangesAsync();
        });

        var counts = await Dashboard(d => d.DeliveriesAsync(Admin, default));
        Assert.NotNull(counts);
        Assert.Equal(2, counts.Single(c => c is { Channel: ChannelNames.Zalo, Status: DeliveryStatus.Sent }).Count);
        Assert.Equal(1, counts.Single(c => c is { Channel: ChannelNames.Sms, Status: DeliveryStatus.Failed }).Count);
        Assert.Equal(1, counts.Single(c => c is { Channel: null, Status: DeliveryStatus.Skipped }).Count);
        Assert.DoesNotContain(counts, c => c is { Channel: ChannelNames.Sms, Status: DeliveryStatus.Sent });
        Assert.Equal(4, counts.Sum(c => c.Count));

        var chart = DashboardCharts.Deliveries(counts);
        Assert.Equal(["Zalo", "SMS", "(chưa có kênh)"], chart.Rows.Select(r => r.Label));
        Assert.Equal(["Đã gửi", "Bỏ qua", "Lỗi"], chart.Series.Select(s => s.Name));
        Assert.Equal([0, 0, 1], chart.Rows[1].Values.AsEnumerable());
    }

    [Fact]
    public async Task Citizens_messages_a_day_against_those_the_bot_did_not_understand()
    {
        var now = _db.Time.GetUtcNow();
        await _db.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<MessagingDbContext>();
            var sequence = 0;
            ConversationActivity Line(string direction, string? text, DateTimeOffset at) =>
                new() { ConversationId = "c-dashboard", Sequence = ++sequence, Direction = direction, Text = text, At = at };
            db.ConversationActivities.AddRange(
                Line("in", "dat lich lam cccd", now), Line("out", "Anh/chị muốn đặt lịch ngày nào ạ?", now),
                Line("in", "abc xyz", now), Line("out", "Xin lỗi, tôi chưa hiểu ý anh/chị.", now),
                Line("in", null, now), // an event without words is not a message
                Line("in", "gia hạn hộ chiếu", now.AddDays(-1)),
                Line("in", "hồi tháng trước", now.AddDays(-10)));
            db.Set<LanguageReview>().AddRange(
                new LanguageReview { Id = Guid.NewGuid(), Text = "abc xyz", Reason = LanguageReview.NotUnderstoodReason, At = now },
                new LanguageReview { Id = Guid.NewGuid(), Text = "lịch hay hồ sơ", Reason = "clarify", At = now });
            await db.SaveChangesAsync();
        });

        var days = await Dashboard(d => d.UnderstandingAsync(Admin, default));
        Assert.NotNull(days);
        Assert.Equal(StaffDashboard.HistoryDays, days.Count);
        Assert.Equal(Today, days[^1].Date);
        Assert.Equal((2, 1, 1), (days[^1].Messages, days[^1].NotUnderstood, days[^1].Understood));
        Assert.Equal((1, 0), (days[^2].Messages, days[^2].NotUnderstood));
        Assert.Equal(3, days.Sum(d => d.Messages));
        Assert.Equal([1, 1], DashboardCharts.Understanding(days).Rows[^1].Values.AsEnumerable());
    }
}

public sealed class SqliteStaffDashboardTests()
    : StaffDashboardTests(() => TestDatabase.CreateAsync(DatabaseProvider.Sqlite));

[Collection(PostgresCollection.Name)]
public sealed class PostgresStaffDashboardTests(PostgresFixture pg)
    : StaffDashboardTests(() => TestDatabase.CreateAsync(DatabaseProvider.Postgres, pg.Server));
