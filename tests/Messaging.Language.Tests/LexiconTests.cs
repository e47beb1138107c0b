using Messaging.Language.Text;

namespace Messaging.Language.Tests;

/// <summary>A message typed without spaces is split into the words the training data knows.</summary>
public sealed class LexiconTests
{
    private static readonly Lexicon Words = new(
    [
        "đặt lịch làm căn cước sáng thứ 6", "dat lich lam can cuoc sang thu 6", "hồ sơ của tôi đến đâu rồi", "ho so cua toi den dau roi",
        "công an xã ở đâu vậy", "cong an xa o dau vay", "làm online được không", "lam online duoc khong", "online online online",
        "appointment", "information", "nationality",
    ]);

    [Fact]
    public void A_run_of_syllables_becomes_the_words_with_spans_in_the_original()
    {
        var n = Normalizer.Normalize("Đặtlịchlàmcăncướcsángthứ6 nha", Words);
        Assert.Equal(["dat", "lich", "lam", "can", "cuoc", "sang", "thu", "6", "nha"], n.Tokens.Select(t => t.Folded));
        Assert.Equal(["Đặt", "lịch", "làm", "căn", "cước"], n.Tokens.Take(5).Select(t => n.Original[t.Start..t.End]));
        Assert.All(n.Tokens.Take(5), t => Assert.True(t.HasDiacritics));
        Assert.Equal("thứ", n.Original[n.Tokens[6].Start..n.Tokens[6].End]);
    }

    [Theory]
    [InlineData("hosocuatoidendauroi", "ho so cua toi den dau roi")]
    [InlineData("conganxaodauvay", "cong an xa o dau vay")]
    [InlineData("lamonlineduockhong", "lam online duoc khong")]
    public void The_likeliest_split_wins(string run, string words) =>
        Assert.Equal(words, string.Join(' ', Normalizer.Normalize(run, Words).Tokens.Select(t => t.Folded)));

    [Theory]
    [InlineData("appointment")]
    [InlineData("information")]
    [InlineData("nationality")]
    [InlineData("datlich")]
    [InlineData("xyzxyzxyzxyz")]
    public void Known_words_short_runs_and_runs_of_unknown_syllables_stay_whole(string word) =>
        Assert.Single(Normalizer.Normalize(word, Words).Tokens);

    [Fact]
    public void Without_a_lexicon_nothing_is_split() =>
        Assert.Single(Normalizer.Normalize("hosocuatoidendauroi").Tokens);

    // "lam", "lich", "nop" are established (ten times or more); "nam" is a word of its own too ("năm sinh").
    private static readonly Lexicon Northern = new(
    [
        .. Enumerable.Repeat("cho tôi làm lý lịch tư pháp", 10), .. Enumerable.Repeat("cho toi lam ly lich tu phap", 10),
        .. Enumerable.Repeat("nộp hồ sơ", 10), "năm sinh của tôi", "nam sinh cua toi",
    ]);

    [Fact]
    public void A_swapped_consonant_typed_with_marks_is_read_as_meant_and_the_original_is_kept()
    {
        var n = Normalizer.Normalize("nàm lý lịch tư pháp, lộp hồ sơ", Northern);
        Assert.Equal("lam ly lich tu phap, nop ho so", n.Folded);
        Assert.Equal(["làm", "nộp"], new[] { n.Toned(0), n.Toned(5) });
        Assert.Equal("nàm", n.Original[n.Tokens[0].Start..n.Tokens[0].End]);
    }

    [Fact]
    public void A_word_the_knowledge_base_names_once_is_not_split_into_common_words()
    {
        var words = new Lexicon(["deregister permanent residence", .. Enumerable.Repeat("de register", 5)]);
        Assert.Equal("deregister permanent residence", Normalizer.Normalize("deregister permanent residence", words).Folded);
    }

    [Fact]
    public void A_common_word_is_not_swapped_for_one_only_a_little_more_common_nor_a_name()
    {
        // "sai" (wrong) is common; "xài" (use) twice as common beside these very neighbours is still not enough.
        var words = new Lexicon([.. Enumerable.Repeat("con xai duoc", 10), .. Enumerable.Repeat("sai ten", 5), .. Enumerable.Repeat("thế nào", 10)]);
        Assert.Equal("ten con sai duoc sua", Normalizer.Normalize("ten con sai duoc sua", words).Folded);
        Assert.Equal("lao", Normalizer.Normalize("đi Lào làm việc", words).Tokens[1].Folded);
    }

    [Theory]
    [InlineData("cho toi lam ly nich tu phap", "cho toi lam ly lich tu phap")]
    [InlineData("cho toi nam ly lich", "cho toi lam ly lich")]
    [InlineData("nam sinh cua toi", "nam sinh cua toi")]
    [InlineData("nam ly lich", "nam ly lich")]
    [InlineData("năm sinh", "nam sinh")]
    public void A_swap_without_marks_is_judged_by_its_neighbours(string typed, string read) =>
        Assert.Equal(read, Normalizer.Normalize(typed, Northern).Folded);
}
