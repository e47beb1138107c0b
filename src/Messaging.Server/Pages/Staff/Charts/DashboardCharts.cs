using System.Globalization;
using Messaging.Core.Notifications;
using Messaging.Server.Dashboard;

namespace Messaging.Server.Pages.Staff.Charts;

/// <summary>The overview's numbers as charts, in the words officers use.</summary>
public static class DashboardCharts
{
    // Each at least 4.5:1 against white; a pair shown together is blue and orange, told apart without colour vision too.
    private const string Blue = "#1f5fa8", Orange = "#b35c00", Green = "#1f7a3d", Red = "#b3261e", Grey = "#5f6b7a", Purple = "#6b3fa0";

    /// <summary>Outcomes in the order they stack: the good news first, failures last where the eye ends.</summary>
    private static readonly DeliveryStatus[] Outcomes =
        [DeliveryStatus.Sent, DeliveryStatus.Pending, DeliveryStatus.Skipped, DeliveryStatus.Obsolete, DeliveryStatus.Failed];

    /// <summary>"T3 24/11": the short weekday officers write, then day and month.</summary>
    public static string DayLabel(DateOnly date) =>
        $"{Weekday(date.DayOfWeek)} {date.ToString("dd'/'MM", CultureInfo.InvariantCulture)}";

    public static string Weekday(DayOfWeek day) => day switch
    {
        DayOfWeek.Monday => "T2", DayOfWeek.Tuesday => "T3", DayOfWeek.Wednesday => "T4", DayOfWeek.Thursday => "T5",
        DayOfWeek.Friday => "T6", DayOfWeek.Saturday => "T7", _ => "CN",
    };

    public static BarChart Load(OfficeLoad load)
    {
        var booked = load.Days.Sum(d => d.Booked);
        var capacity = load.Days.Sum(d => d.Capacity);
        var span = load.Days.Count == 0 ? "" : $", từ {Short(load.Days[0].Date)} đến {Short(load.Days[^1].Date)}";
        return new BarChart("chart-load", $"Lịch hẹn {load.Days.Count} ngày tới: {load.OfficeName}",
            $"{load.OfficeName}{span}: {booked} lịch hẹn trên tổng {capacity} chỗ.",
            "Ngày", [new ChartSeries("Đã đặt", Blue)],
            load.Days.Select(d => new ChartRow(DayLabel(d.Date), [d.Booked], d.Capacity,
                d.Capacity == 0 && d.Booked == 0 ? "nghỉ" : null)).ToList(),
            "Tổng số chỗ");
    }

    public static BarChart Deliveries(IReadOnlyList<DeliveryCount> counts)
    {
        var outcomes = Outcomes.Where(o => counts.Any(c => c.Status == o && c.Count > 0)).ToList();
        var channels = counts.Where(c => c.Count > 0).Select(c => c.Channel).Distinct().OrderBy(ChannelRank).ToList();
        int Count(string? channel, DeliveryStatus status) => counts.Where(c => c.Channel == channel && c.Status == status).Sum(c => c.Count);
        var total = counts.Sum(c => c.Count);
        var parts = string.Join(", ", outcomes.Select(o => $"{counts.Where(c => c.Status == o).Sum(c => c.Count)} {Outcome(o).ToLowerInvariant()}"));
        return new BarChart("chart-deliveries", "Thông báo trong 7 ngày qua, theo kênh và kết quả",
            total == 0 ? "Không có thông báo nào trong 7 ngày qua." : $"{total} thông báo trong 7 ngày qua: {parts}.",
            "Kênh", outcomes.Select(o => new ChartSeries(Outcome(o), Colour(o))).ToList(),
            channels.Select(ch => new ChartRow(ChannelName(ch), outcomes.Select(o => Count(ch, o)).ToList())).ToList());
    }

    public static BarChart Understanding(IReadOnlyList<UnderstandingDay> days)
    {
        var messages = days.Sum(d => d.Messages);
        var missed = days.Sum(d => d.NotUnderstood);
        var span = days.Count == 0 ? "" : $"Từ {Short(days[0].Date)} đến {Short(days[^1].Date)}: ";
        return new BarChart("chart-understanding", "Tin nhắn của công dân mà bot hiểu được và chưa hiểu, 7 ngày qua",
            $"{span}{messages} tin nhắn của công dân, bot chưa hiểu {missed} tin.",
            "Ngày", [new ChartSeries("Hiểu được", Blue), new ChartSeries("Chưa hiểu", Orange)],
            days.Select(d => new ChartRow(DayLabel(d.Date), [d.Understood, d.NotUnderstood])).ToList());
    }

    public static string Outcome(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Sent => "Đã gửi",
        DeliveryStatus.Pending => "Đang chờ",
        DeliveryStatus.Skipped => "Bỏ qua",
        DeliveryStatus.Obsolete => "Hết hiệu lực",
        _ => "Lỗi",
    };

    public static string ChannelName(string? channel) => channel switch
    {
        null => "(chưa có kênh)",
        ChannelNames.Zalo => "Zalo",
        ChannelNames.Zns => "Zalo ZNS",
        ChannelNames.Sms => "SMS",
        ChannelNames.Email => "Email",
        ChannelNames.WebChat => "Web chat",
        _ => channel,
    };

    private static string Colour(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Sent => Green,
        DeliveryStatus.Pending => Blue,
        DeliveryStatus.Skipped => Grey,
        DeliveryStatus.Obsolete => Purple,
        _ => Red,
    };

    /// <summary>The channels in the product's order of preference, others after them, no channel last.</summary>
    private static int ChannelRank(string? channel)
    {
        if (channel is null) return int.MaxValue;
        var index = Array.IndexOf(ChannelNames.All, channel);
        return index >= 0 ? index : int.MaxValue - 1;
    }

    private static string Short(DateOnly date) => date.ToString("dd'/'MM", CultureInfo.InvariantCulture);
}
