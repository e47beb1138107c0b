using Messaging.Language.Intents;
using Messaging.Language.Text;
using Messaging.Testing;

namespace Messaging.Language.Tests;

public sealed class IntentTests
{
    private static readonly string IntentsDir = Path.Combine(RepoPaths.Dialogs, "intents");

    [Fact]
    public void The_held_out_set_meets_the_accuracy_bar()
    {
        var set = IntentData.LoadTest(IntentsDir);
        var report = Evaluation.Run(Model.Instance, set);
        Assert.True(set.Cases.Count >= 200, $"{set.Cases.Count} cases");
        Assert.True(report.IntentAccuracy >= 0.95, report.ToText());
        Assert.True(report.OverallEntityAccuracy >= 0.97, report.ToText());
    }

    [Fact]
    public void The_test_set_shares_no_sentence_with_training_and_a_third_is_typed_without_diacritics()
    {
        var training = IntentData.LoadTraining(IntentsDir).Select(e => Normalizer.Canonical(e.Text)).ToHashSet();
        var test = IntentData.LoadTest(IntentsDir).Cases;
        var shared = test.Where(c => training.Contains(Normalizer.Canonical(c.Text))).Select(c => c.Text).ToList();
        Assert.True(shared.Count == 0, "shared with training: " + string.Join(" | ", shared));
        var bare = test.Count(c => Normalizer.Normalize(c.Text).Tokens.All(t => !t.HasDiacritics));
        Assert.True(bare * 3 >= test.Count, $"{bare} of {test.Count} without diacritics");
        Assert.True(IntentData.LoadTraining(IntentsDir).Count >= 300);
    }

    [Fact]
    public void Training_is_deterministic()
    {
        var a = Model.Parse("cho em đặt lịch đổi căn cước chiều thứ 6");
        var fresh = LanguageModelFactoryForTests.Build();
        var b = fresh.Parse("cho em đặt lịch đổi căn cước chiều thứ 6", Model.Monday);
        Assert.Equal(a.Ranking.Select(r => (r.Name, r.Confidence)), b.Ranking.Select(r => (r.Name, r.Confidence)));
    }

    [Theory]
    [InlineData("dat lich lam cccd sang mai", IntentNames.BookAppointment)]
    [InlineData("hs cua toi xong chua", IntentNames.DossierStatus)]
    [InlineData("0912 345 678", IntentNames.Inform)]
    [InlineData("hủy lịch hẹn", IntentNames.CancelAppointment)]
    [InlineData("gặp cán bộ", IntentNames.Handoff)]
    [InlineData("giá bitcoin hôm nay", IntentNames.OutOfScope)]
    public void Typical_messages(string text, string intent) => Assert.Equal(intent, Model.Parse(text).Intent.Name);

    [Fact]
    public void Gibberish_falls_below_the_threshold_and_the_ranking_stays_complete()
    {
        var r = Model.Parse("qwzx plmk vbnr");
        Assert.Equal(IntentNames.OutOfScope, r.Intent.Name);
        Assert.Equal(IntentNames.All.Length, r.Ranking.Count);
        Assert.Equal(1.0, r.Ranking.Sum(x => x.Confidence), 3);
    }

    [Fact]
    public void A_decision_is_explained_by_its_features()
    {
        var top = Model.Instance.Explain("hủy lịch hẹn", IntentNames.CancelAppointment, Model.Monday);
        Assert.Contains(top.Take(3), f => f.Feature == "huy" && f.Weight > 0);
    }

    [Theory]
    [InlineData("")]
    [InlineData("     ")]
    [InlineData("😀🙏🎉")]
    [InlineData("\u0000\u0001\u0002")]
    [InlineData("Привет 你好 đặt lịch مرحبا")]
    public void Odd_input_gives_a_valid_result(string text)
    {
        var r = Model.Parse(text);
        Assert.NotNull(r.Intent.Name);
        Assert.All(r.Entities, e => Assert.InRange(e.End, e.Start, text.Length));
    }

    [Fact]
    public void Text_over_the_limit_is_cut_not_failed()
    {
        var r = Model.Parse(string.Concat(Enumerable.Repeat("đặt lịch ", 1000)));
        Assert.Equal(2000, r.Text.Length);
    }
}
