using Messaging.Language.Text;

namespace Messaging.Language.Tests;

/// <summary>Masking by shape alone: what the recognizers would miss is masked all the same.</summary>
public sealed class PersonalDataTests
{
    [Theory]
    [InlineData("sđt:0912345678", "sđt:0912***678")]
    [InlineData("sdt0912345678 nhe", "sdt0912***678 nhe")]
    [InlineData("gọi 0912 345 678 giúp em", "gọi 0912***678 giúp em")]
    [InlineData("+84 912 345 678", "+84912***678")]
    [InlineData("cccd051090001234", "cccd051******234")]
    [InlineData("số cmnd 212345678", "số cmnd 212***678")]
    [InlineData("hồ sơ 000.00.12.H55-240930-0101 xong chưa", "hồ sơ 000.00.12.H55-******-**01 xong chưa")]
    [InlineData("mail an.nguyen@example.vn nhé", "mail a***@example.vn nhé")]
    [InlineData("sđt ０９１２３４５６７８ lúc 8h", "sđt 0912***678 lúc 8h")]
    [InlineData("số ٠٩١٢٣٤٥٦٧٨", "số 0912***678")]
    [InlineData("0912３４５６７８", "0912***678")]
    public void Personal_numbers_are_masked_however_they_are_written(string text, string masked) =>
        Assert.Equal(masked, PersonalData.Mask(text));

    [Theory]
    [InlineData("đặt lịch 8h30 ngày 25/11/2026, số thứ tự 12")]
    [InlineData("mã lịch hẹn AAAAACJ, 4 người")]
    [InlineData("lúc 2026-11-25 08:00 tại xã Tịnh Hà")]
    [InlineData("phí 25.000 đồng")]
    public void Dates_times_codes_and_amounts_are_left_alone(string text) =>
        Assert.Equal(text, PersonalData.Mask(text));
}
