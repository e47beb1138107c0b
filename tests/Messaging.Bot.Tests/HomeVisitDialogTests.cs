using Messaging.Core.HomeVisits;
using Messaging.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Bot.Tests;

/// <summary>The home-visit dialog driven turn by turn on the demo data (Monday 23 Nov 2026, 09:00), as a citizen types.</summary>
public sealed class HomeVisitDialogTests : IAsyncLifetime
{
    private BotHost _host = null!;

    public async Task InitializeAsync() => _host = await BotHost.StartAsync();
    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<string> Say(string conversation, string text) =>
        string.Join("\n", (await _host.SayAsync(conversation, text)).Select(r => r.Text));

    private async Task<List<HomeVisitRequest>> Requests()
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MessagingDbContext>().Set<HomeVisitRequest>().AsNoTracking().ToListAsync();
    }

    [Fact]
    public async Task A_request_for_a_mother_of_85_takes_what_the_first_message_says_and_asks_the_rest()
    {
        var consent = await Say("hv", "làm căn cước tại nhà cho mẹ tôi 85 tuổi");
        Assert.Contains("Nghị định 13/2023/NĐ-CP", consent); // consent before any personal data is asked for
        // The relative and the age came with the first message: the name is the first question.
        Assert.Contains("họ và tên đầy đủ của mẹ anh/chị", await Say("hv", "đồng ý"));
        Assert.Contains("Vì sao mẹ anh/chị không tự đến trụ sở", await Say("hv", "Nguyễn Thị Hoa"));
        Assert.Contains("đang ở xã, phường nào", await Say("hv", "Cao tuổi"));
        Assert.Contains("xã Tịnh Hà", await Say("hv", "Công an xã Tịnh Hà"));
        Assert.Contains("số điện thoại", await Say("hv", "thôn Phú Sơn, xã Tịnh Hà"));
        Assert.Contains("ngày nào", await Say("hv", "0912 345 678"));
        var summary = await Say("hv", "T4 25/11");
        Assert.Contains("Nguyễn Thị Hoa (mẹ anh/chị), 85 tuổi", summary);
        Assert.Contains("Lý do: Cao tuổi", summary);
        Assert.Contains("Thứ Tư, 25/11/2026", summary);
        Assert.Contains("0912***678", summary);
        Assert.DoesNotContain("0912345678", summary);
        Assert.Empty(await Requests()); // nothing is sent before the citizen confirms

        var done = await Say("hv", "Gửi yêu cầu");
        var saved = Assert.Single(await Requests());
        Assert.Contains("Đã gửi đề nghị làm căn cước tại nhà", done);
        Assert.Contains(saved.Code, done);
        Assert.Equal("ca-xa-tinh-ha", saved.OfficeId);
        Assert.Equal("Nguyễn Thị Hoa", saved.PersonName);
        Assert.False(saved.ForSelf);
        Assert.Equal("mẹ", saved.Relation);
        Assert.Equal(85, saved.PersonAge);
        Assert.Equal(HomeVisitReason.Elderly, saved.Reason);
        Assert.True(saved.AddressMatched);
        Assert.Equal("0912345678", saved.Phone);
        Assert.Equal("2026-11-25", saved.PreferredDays);
        Assert.Equal(HomeVisitStatus.Requested, saved.Status);
    }

    [Fact]
    public async Task Without_consent_nothing_more_is_asked_and_nothing_is_kept()
    {
        Assert.Contains("Nghị định 13/2023/NĐ-CP", await Say("nc", "cán bộ xuống nhà làm căn cước được ko"));
        Assert.Contains("không hỏi thêm", await Say("nc", "không đồng ý"));
        Assert.DoesNotContain("họ và tên", await Say("nc", "Nguyễn Thị Hoa"));
        Assert.Empty(await Requests());
    }

    [Fact]
    public async Task A_reason_in_the_first_message_is_not_asked_again_and_a_missing_age_is()
    {
        await Say("ill", "bà em nằm liệt giường, cán bộ xuống nhà làm căn cước được ko");
        Assert.Contains("năm nay bà anh/chị bao nhiêu tuổi", await Say("ill", "đồng ý"));
        Assert.Contains("họ và tên đầy đủ của bà anh/chị", await Say("ill", "90"));
        // Illness was said in the first message: the office is the next question, not the reason.
        Assert.Contains("đang ở xã, phường nào", await Say("ill", "Lê Thị Mai"));
    }

    [Fact]
    public async Task An_address_in_another_commune_is_checked_and_the_office_chosen_again()
    {
        await Say("area", "lam cccd tai nha cho ong noi");
        await Say("area", "đồng ý");
        await Say("area", "88");
        await Say("area", "Phạm Văn Tư");
        await Say("area", "Khuyết tật");
        await Say("area", "Công an xã Tịnh Hà");
        var check = await Say("area", "thôn 3, xã Trà Bồng");
        Assert.Contains("Công an xã Trà Bồng", check);
        Assert.Contains("có thuộc xã Tịnh Hà không", check);
        Assert.Contains("đang ở xã, phường nào", await Say("area", "Chọn xã, phường khác"));
        Assert.Contains("xã Trà Bồng", await Say("area", "Công an xã Trà Bồng"));
        Assert.Contains("số điện thoại", await Say("area", "thôn 3, xã Trà Bồng"));
    }

    [Fact]
    public async Task Cancel_stops_the_request_at_any_step()
    {
        await Say("stop", "làm căn cước tại nhà cho mẹ tôi 85 tuổi");
        await Say("stop", "đồng ý");
        Assert.Contains("đã dừng", await Say("stop", "hủy"));
        Assert.Empty(await Requests());
    }
}
