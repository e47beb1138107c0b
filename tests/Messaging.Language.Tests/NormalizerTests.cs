using System.Text;
using Messaging.Language.Text;

namespace Messaging.Language.Tests;

public sealed class NormalizerTests
{
    [Fact]
    public void Folds_case_and_diacritics_and_keeps_the_original()
    {
        var n = Normalizer.Normalize("Đặt LỊCH làm Căn Cước");
        Assert.Equal("dat lich lam can cuoc", n.Folded);
        Assert.Equal("Đặt LỊCH làm Căn Cước", n.Original);
        Assert.Equal(["dat", "lich", "lam", "can", "cuoc"], n.Tokens.Select(t => t.Folded));
    }

    [Fact]
    public void Decomposed_input_folds_like_composed_and_spans_point_into_the_original()
    {
        var nfd = "Tịnh Hà".Normalize(NormalizationForm.FormD);
        var n = Normalizer.Normalize(nfd);
        Assert.Equal("tinh ha", n.Folded);
        Assert.Equal(nfd[n.Tokens[1].Start..n.Tokens[1].End], "Hà".Normalize(NormalizationForm.FormD));
    }

    [Theory]
    [InlineData("dk lich lam cccd", "dang ky lich lam can cuoc")]
    [InlineData("đk thường trú", "dang ky thuong tru")]
    [InlineData("sđt của tôi", "so dien thoai cua toi")]
    [InlineData("ko dc", "khong duoc")]
    [InlineData("hs xong chua", "ho so xong chua")]
    [InlineData("lam ntn", "lam nhu the nao")]
    [InlineData("t6 tuần sau", "thu 6 tuan sau")]
    [InlineData("cmnd", "chung minh nhan dan")]
    [InlineData("  nhiều   khoảng\ttrắng!!! và, dấu câu ", "nhieu khoang trang va dau cau")]
    public void Abbreviations_expand_and_punctuation_collapses(string input, string canonical) =>
        Assert.Equal(canonical, Normalizer.Canonical(input));

    [Fact]
    public void A_word_typed_with_diacritics_is_never_taken_for_an_abbreviation() =>
        Assert.Equal("ko", Normalizer.Canonical("kó")); // folded "ko", but typed with a mark: not "không"

    [Theory]
    [InlineData("hoà", "hòa")]
    [InlineData("thuý", "thúy")]
    [InlineData("khoẻ", "khỏe")]
    [InlineData("Hoà", "Hòa")]
    public void Old_and_new_tone_placement_compare_equal(string newStyle, string oldStyle) =>
        Assert.Equal(ToneMarks.Canonicalize(oldStyle), ToneMarks.Canonicalize(newStyle));

    [Theory]
    [InlineData("hoàng")]
    [InlineData("thuyết")]
    [InlineData("người")]
    [InlineData("quá")]
    [InlineData("già")]
    public void Unambiguous_syllables_are_unchanged(string syllable) =>
        Assert.Equal(syllable, ToneMarks.Canonicalize(syllable));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("😀😀")]
    [InlineData("\u0000\u0007\u001b[31m")]
    [InlineData("Привет 你好 مرحبا")]
    public void Odd_input_normalizes_without_throwing(string input)
    {
        var n = Normalizer.Normalize(input);
        Assert.Equal(input, n.Original);
        Assert.All(n.Tokens, t => Assert.InRange(t.End, t.Start, input.Length));
    }
}
