using System.Globalization;
using Messaging.Core.Appointments;
using Messaging.Core.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Bot.Tests;

/// <summary>"tuần sau": a week is a range of days to choose from, and a week with no free day is said so.</summary>
public sealed class WeekBookingTests
{
    [Fact]
    public async Task A_week_with_no_free_day_is_said_to_be_full_and_the_nearest_days_are_offered()
    {
        await using var host = await BotHost.StartAsync();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            // The commune is closed all of next week (a training week, say).
            var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
            for (var day = new DateOnly(2026, 11, 30); day <= new DateOnly(2026, 12, 6); day = day.AddDays(1))
                db.OfficeClosures.Add(new OfficeClosure { OfficeId = "ca-xa-tinh-ha", Date = day, Reason = "Tập huấn" });
            await db.SaveChangesAsync();
        }
        await host.RestartAsync();

        var replies = await host.SayAsync("week", "đặt lịch làm căn cước ở xã Tịnh Hà tuần sau");

        Assert.Contains(replies, r => r.Text?.Contains("từ Thứ Hai, 30/11/2026 đến Chủ Nhật, 06/12/2026 không còn chỗ trống", StringComparison.Ordinal) == true);
        var days = replies.Last(r => r.SuggestedActions is not null).SuggestedActions!.Actions.Select(a => a.Value).ToList();
        Assert.NotEmpty(days);
        Assert.DoesNotContain(days, d => string.CompareOrdinal(d, "2026-11-30") >= 0 && string.CompareOrdinal(d, "2026-12-06") <= 0);
        Assert.Contains("các ngày gần nhất còn chỗ", replies[^1].Text);
    }

    [Fact]
    public async Task Of_two_weeks_the_one_named_last_is_offered()
    {
        await using var host = await BotHost.StartAsync();
        var replies = await host.SayAsync("weeks", "tuần này em bận, cho em đặt lịch làm căn cước ở xã Tịnh Hà tuần sau");

        var days = replies.Last(r => r.SuggestedActions is not null).SuggestedActions!.Actions.Select(a => a.Value).ToList();
        Assert.NotEmpty(days);
        Assert.All(days, d => Assert.InRange(string.CompareOrdinal(d, "2026-11-30"), 0, int.MaxValue));
        Assert.Contains("trong tuần anh/chị chọn", replies[^1].Text);
    }

    [Fact]
    public async Task The_days_offered_are_gregorian_days_whatever_the_host_culture()
    {
        // A server set up with a Thai locale formats "yyyy" in the Buddhist era (2569), which would offer days 543 years on.
        var saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("th-TH");
        try
        {
            await using var host = await BotHost.StartAsync();
            var replies = await host.SayAsync("thai", "cho em đặt lịch làm căn cước ở xã Tịnh Hà tuần sau");

            var days = replies.Last(r => r.SuggestedActions is not null).SuggestedActions!.Actions.Select(a => a.Value).ToList();
            Assert.NotEmpty(days);
            Assert.All(days, d => Assert.InRange(string.CompareOrdinal(d, "2026-11-30"), 0, int.MaxValue));
            Assert.All(days, d => Assert.InRange(string.CompareOrdinal(d, "2026-12-06"), int.MinValue, 0));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }
}
