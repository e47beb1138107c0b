using Messaging.Language.Entities;
using Messaging.Language.Intents;

namespace Messaging.Language.Tests;

/// <summary>Matters another body handles are named entities, and the classifier reads them as one kind of word.</summary>
public sealed class ReferralTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(7));

    // "cần giấy tờ gì" is asked of our procedures and of other bodies' matters alike; only the matter decides.
    private static readonly IntentExample[] Examples =
    [
        new("lam tam tru can giay to gi", "procedure_info"), new("lam ho chieu can giay to gi", "procedure_info"),
        new("lam tam tru o dau", "procedure_info"), new("lam ho chieu mat bao lau", "procedure_info"),
        new("xac nhan cu tru can giay to gi", "procedure_info"),
        new("dang ky ket hon can giay to gi", "out_of_scope"), new("the atm can giay to gi", "out_of_scope"),
        new("thoi tiet hom nay the nao", "out_of_scope"),
    ];

    private static Knowledge Knowledge(bool referrals) =>
        new([new GazetteerEntry("temporary-residence", "tạm trú"), new GazetteerEntry("passport", "hộ chiếu")], [])
        {
            Referrals = referrals
                ? [new GazetteerEntry("civil-status", "đăng ký kết hôn"), new GazetteerEntry("banking", "thẻ atm"), new GazetteerEntry("land", "sổ đỏ")]
                : [],
        };

    [Fact]
    public void A_matter_never_seen_in_training_is_read_like_the_other_bodies_matters()
    {
        var model = LanguageModel.Build(Examples, Knowledge(referrals: true));
        var result = model.Parse("so do can giay to gi", At);
        Assert.Equal("out_of_scope", result.Intent.Name);
        Assert.Equal("land", Assert.Single(result.Entities, e => e.Type == EntityTypes.Referral).Value);
        // Without the referrals "sổ đỏ" is two unknown words, and "cần giấy tờ gì" is asked more often of ours.
        Assert.Equal("procedure_info", LanguageModel.Build(Examples, Knowledge(referrals: false)).Parse("so do can giay to gi", At).Intent.Name);
    }

    [Theory]
    [InlineData("cho hỏi làm sổ đỏ cho đất bố mẹ cho ở đâu", "land")]
    [InlineData("dang ky ket hon can mang gi", "civil-status")]
    [InlineData("sim bị khóa một chiều thì làm sao", "mobile-subscription")]
    [InlineData("hàng xóm gây rối trật tự cả đêm, báo ở đâu", "crime-report")]
    [InlineData("nop ho so cho be vao lop 1 o dau", "school-admission")]
    public void The_shipped_model_names_the_matter_and_calls_it_not_ours(string text, string referral)
    {
        var result = Model.Parse(text);
        Assert.Equal("out_of_scope", result.Intent.Name);
        Assert.Equal(referral, Model.Single(text, EntityTypes.Referral));
        Assert.Null(Model.Single(text, EntityTypes.Procedure));
    }

    [Fact]
    public void One_of_our_procedures_beside_a_matter_keeps_its_own_entity() =>
        Assert.Equal("temporary-residence", Model.Single("đăng ký tạm trú có cần giấy khai sinh không", EntityTypes.Procedure));

    [Fact]
    public void A_stolen_wallet_with_the_card_in_it_asks_for_the_card_not_a_crime_report()
    {
        var result = Model.Parse("bị trộm mất ví có căn cước, làm lại sao");
        Assert.Equal("procedure_info", result.Intent.Name);
        Assert.Equal("cccd-reissue", Model.Single("bị trộm mất ví có căn cước, làm lại sao", EntityTypes.Procedure));
    }
}
