using Messaging.Language.Intents;

namespace Messaging.Language.Tests;

/// <summary>A word the training data hardly knows is also read by its letters.</summary>
public sealed class RareWordTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(7));

    // "passport" is rare (seen twice); greetings are common and outnumber it, so unknown words lean to greeting.
    private static readonly IntentExample[] Examples =
    [
        new("passport", "procedure_info"), new("passport ad", "procedure_info"),
        .. Enumerable.Range(0, 6).SelectMany(_ => new IntentExample[] { new("xin chao", "greeting"), new("chao ad", "greeting") }),
    ];

    [Fact]
    public void A_slip_on_a_rare_word_leans_on_the_word_it_resembles()
    {
        var model = LanguageModel.Build(Examples, new Knowledge([], []));
        // "pasport" was never seen; most of its letters ("^pa", "pas", "por", "ort", "rt$") were, on "passport".
        Assert.Equal("greeting", model.Parse("zzzz", At).Intent.Name);
        Assert.Equal("procedure_info", model.Parse("pasport", At).Intent.Name);
        Assert.Contains(model.Explain("pasport", "procedure_info", At), f => f.Feature.StartsWith('#') && f.Weight > 0);
    }

    [Fact]
    public void A_common_word_is_read_as_a_word_alone() =>
        Assert.DoesNotContain(LanguageModel.Build(Examples, new Knowledge([], [])).Explain("xin chao", "greeting", At), f => f.Feature.StartsWith('#'));
}
