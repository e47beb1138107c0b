using Messaging.Language.Entities;

namespace Messaging.Language.Tests;

/// <summary>
/// A procedure told by what the citizen wants done, with no name or alias in the message: the knowledge base's
/// <c>described_by</c> lines, every group of which must appear. Written for these tests, not taken from any evaluation set.
/// </summary>
public sealed class DescribedProcedureTests
{
    [Theory]
    [InlineData("hệ thống dân cư ghi nhầm năm sinh của bố tôi thì sửa ở đâu", "residence-correction")]
    [InlineData("csdl ghi sai ho ten con toi, chinh sua the nao", "residence-correction")]
    [InlineData("app vneid của tôi bị khóa rồi làm sao", "vneid-account")]
    [InlineData("quen mat khau dinh danh dien tu thi lam gi", "vneid-account")]
    // The account, not the level: an email, a one-time code or a health-insurance card in the app.
    [InlineData("đã lên mức 2 mà muốn đổi email trong app thì làm sao", "vneid-account")]
    [InlineData("kich hoat muc 2 ma khong nhan duoc ma otp", "vneid-account")]
    [InlineData("tài khoản mức 2 rồi mà chưa thấy thẻ bảo hiểm y tế trong app", "vneid-account")]
    [InlineData("lên mức 2 rồi mà app vẫn hiện mức 1", "vneid-level2")]
    [InlineData("nhà có họ hàng về ở lại mấy hôm có phải khai báo không", "stay-notification")]
    [InlineData("mua lại chiếc xe máy cũ của hàng xóm thì sang tên ở đâu", "vehicle-registration")]
    [InlineData("con trai lấy vợ muốn tách ra hộ riêng", "household-split")]
    public void A_described_procedure_is_recognised(string text, string procedure)
    {
        var entity = Assert.Single(Model.Parse(text).Entities, e => e.Type == EntityTypes.Procedure);
        Assert.Equal(procedure, entity.Value);
    }

    [Theory]
    [InlineData("nhờ anh tách giúp hộ tôi hai tờ đơn")]             // "hộ" alone (on behalf of) is not a household
    [InlineData("người thân ở lại bao lâu thì được")]            // no report asked
    [InlineData("hệ thống hôm nay có chạy không")]
    [InlineData("xe buýt số mấy đi qua công an xã")]
    public void A_look_alike_is_not_a_procedure(string text) => Assert.Empty(Model.Values(text, EntityTypes.Procedure));

    [Fact]
    public void A_named_procedure_is_not_replaced_by_a_description()
    {
        // "đổi căn cước" names the card; a wrong birth date on it is a renewal cue, not a residence correction.
        Assert.Equal(["cccd-renewal"], Model.Values("đổi căn cước vì sai ngày sinh, hệ thống dân cư cũng sai", EntityTypes.Procedure));
    }
}
