using Messaging.Language.Entities;
using Messaging.Language.Text;

namespace Messaging.Language.Tests;

public sealed class VietnamesePhoneTests
{
    [Theory]
    [InlineData("0912345678", "0912345678")]
    [InlineData("0912 345 678", "0912345678")]
    [InlineData("0912.345.678", "0912345678")]
    [InlineData("0912-345-678", "0912345678")]
    [InlineData("+84 912345678", "0912345678")]
    [InlineData("+84912345678", "0912345678")]
    [InlineData("84912345678", "0912345678")]
    [InlineData("0084912345678", "0912345678")]
    [InlineData("912345678", "0912345678")]       // leading zero lost in a spreadsheet
    [InlineData("01234567890", "0834567890")]     // 2018 VinaPhone 0123 → 083
    [InlineData("01662345678", "0362345678")]     // Viettel 0166 → 036
    [InlineData("+84 1662345678", "0362345678")]
    [InlineData("0871234567", "0871234567")]      // iTel
    [InlineData("0551234567", "0551234567")]      // Reddi
    [InlineData("(098) 765 4321", "0987654321")]
    public void Written_forms_normalize_to_the_national_form(string input, string expected)
    {
        Assert.True(VietnamesePhone.TryNormalize(input, out var national));
        Assert.Equal(expected, national);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("0241234567")]      // Hà Nội landline
    [InlineData("0951234567")]      // 095 is not a mobile prefix
    [InlineData("0112345678")]
    [InlineData("091234567")]       // 9 digits starting with 0
    [InlineData("09123456789")]     // 11 digits, not a legacy prefix
    [InlineData("01312345678")]     // 0131 was never a mobile prefix
    [InlineData("+1 912345678")]
    [InlineData("0912a45678")]
    [InlineData("0912345678 ext 2")]
    public void Non_mobile_numbers_are_refused(string? input) =>
        Assert.False(VietnamesePhone.TryNormalize(input, out _));

    [Fact]
    public void Carrier_international_form_and_mask()
    {
        Assert.Equal(MobileCarrier.VinaPhone, VietnamesePhone.CarrierOf("0912345678"));
        Assert.Equal(MobileCarrier.Viettel, VietnamesePhone.CarrierOf("0362345678"));
        Assert.Equal("84912345678", VietnamesePhone.ToInternational("0912345678"));
        Assert.Equal("0912***678", VietnamesePhone.Mask("0912345678"));
    }
}

public sealed class CitizenIdTests
{
    [Theory]
    [InlineData("051090001234", true)]   // Quảng Ngãi
    [InlineData("001203004567", true)]   // Hà Nội
    [InlineData("003090001234", false)]  // 003 is not a province code
    [InlineData("05109000123", false)]
    [InlineData("05109000123a", false)]
    public void Twelve_digit_numbers_need_a_province_code(string value, bool valid) =>
        Assert.Equal(valid, CitizenId.IsValid(value));

    [Fact]
    public void Legacy_numbers_clean_and_mask()
    {
        Assert.True(CitizenId.IsLegacy("212345678"));
        Assert.False(CitizenId.IsLegacy("0512345678"));
        Assert.Equal("051090001234", CitizenId.Clean(" 051 090.001-234 "));
        Assert.Equal("051******234", CitizenId.Mask("051090001234"));
    }
}

public sealed class DossierCodeTests
{
    [Theory]
    [InlineData("000.00.12.H55-240930-0101", "000.00.12.H55-240930-0101")]
    [InlineData("000.00.12.h55-240930-0101", "000.00.12.H55-240930-0101")]
    [InlineData(" 000.00.12.H55 -240930- 0101", "000.00.12.H55-240930-0101")]
    public void Codes_normalize(string input, string expected)
    {
        Assert.True(DossierCode.TryNormalize(input, out var code));
        Assert.Equal(expected, code);
    }

    [Theory]
    [InlineData("000.00.12.H55-240931-0101")] // 31 September
    [InlineData("000.00.12.H55-240930-101")]
    [InlineData("00.00.12.H55-240930-0101")]
    [InlineData("000.00.12.555-240930-0101")]
    [InlineData("")]
    public void Malformed_codes_are_refused(string input) => Assert.False(DossierCode.TryNormalize(input, out _));
}

public sealed class FoldingTests
{
    [Theory]
    [InlineData("Đăng ký thường trú", "dang ky thuong tru")]
    [InlineData("CĂN CƯỚC", "can cuoc")]
    [InlineData("hoà", "hoa")]
    [InlineData("hòa", "hoa")]
    public void Fold_removes_diacritics_and_case(string input, string expected) =>
        Assert.Equal(expected, Folding.Fold(input));

    [Fact]
    public void DeAccent_keeps_case_and_maps_d_with_stroke() =>
        Assert.Equal("Dang ky tai Cong an xa Tinh Ha", Folding.DeAccent("Đăng ký tại Công an xã Tịnh Hà"));
}
