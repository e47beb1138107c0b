using Messaging.Core.Language;
using Messaging.Core.Persistence;
using Messaging.Language;
using Messaging.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Core.Tests.Language;

public sealed class LearningLoopTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(7));

    private static async Task RecordAsync(TestDatabase db, string text, string reason) => await db.InScopeAsync(async sp =>
        await sp.GetRequiredService<LanguageReviews>().RecordAsync(text, sp.GetRequiredService<LanguageModelProvider>().Model.Parse(text, Monday), reason, default));

    [Fact]
    public async Task A_message_is_stored_masked_once_and_a_label_becomes_training_that_is_swapped_in_without_a_restart()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        const string Odd = "cho e hoi cai vu giay to xe may cua bo e do, so dt 0912345678";
        await RecordAsync(db, Odd, "not-understood");
        await RecordAsync(db, Odd, "not-understood");
        var stored = await db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().Set<LanguageReview>().AsNoTracking().ToListAsync());
        var review = Assert.Single(stored);
        Assert.DoesNotContain("0912345678", review.Text);

        var provider = db.Services.GetRequiredService<LanguageModelProvider>();
        var before = provider.Model;
        await db.InScopeAsync(sp => sp.GetRequiredService<LanguageReviews>().LabelAsync(review.Id, "procedure_info", "vehicle-registration", "admin", default));
        await Assert.ThrowsAsync<LanguageReviewException>(() => db.InScopeAsync(sp =>
            sp.GetRequiredService<LanguageReviews>().LabelAsync(review.Id, "not_an_intent", null, "admin", default)));
        var result = await db.InScopeAsync(sp => provider.RetrainAsync(sp.GetRequiredService<MessagingDbContext>(), default));
        Assert.Equal(1, result.LabelledExamples);
        Assert.True(result.Swapped, $"{result.CurrentAccuracy:P1} -> {result.CandidateAccuracy:P1}");
        Assert.NotSame(before, provider.Model);
        Assert.Equal(1, provider.LabelledInModel);
        Assert.Contains(result.PerSet, s => s.Set == "realistic-a");
        var export = await db.InScopeAsync(sp => sp.GetRequiredService<LanguageReviews>().ExportAsync(default));
        Assert.Contains("intent: procedure_info", export);
        Assert.Contains(review.Text.Replace("\"", "\\\"", StringComparison.Ordinal), export);
    }

    [Fact]
    public async Task A_model_that_scores_worse_on_the_held_out_sets_is_refused()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        // A careless admin labels every booking request and procedure question as small talk: the candidate gets worse
        // on the held-out sets and is not used.
        var phrases = Messaging.Language.Intents.IntentData.LoadTraining(Path.Combine(RepoPaths.Dialogs, "intents"))
            .Where(e => e.Intent is "book_appointment" or "procedure_info").Select(e => e.Text).ToList();
        foreach (var p in phrases) await RecordAsync(db, p, "clarify");
        await db.InScopeAsync(async sp =>
        {
            var reviews = sp.GetRequiredService<LanguageReviews>();
            foreach (var r in await sp.GetRequiredService<MessagingDbContext>().Set<LanguageReview>().AsNoTracking().ToListAsync())
                await reviews.LabelAsync(r.Id, "thanks", null, "admin", default);
        });
        var provider = db.Services.GetRequiredService<LanguageModelProvider>();
        var before = provider.Model;
        var result = await db.InScopeAsync(sp => provider.RetrainAsync(sp.GetRequiredService<MessagingDbContext>(), default));
        Assert.False(result.Swapped, $"{result.CurrentAccuracy:P1} -> {result.CandidateAccuracy:P1}");
        Assert.True(result.CandidateAccuracy < result.CurrentAccuracy);
        Assert.Same(before, provider.Model);
        Assert.Equal("book_appointment", provider.Model.Parse("đặt lịch làm căn cước sáng mai ở Tịnh Hà", Monday).Intent.Name);
    }

    [Fact]
    public async Task An_oversized_message_is_stored_cut_and_a_label_naming_an_unknown_procedure_is_refused()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await RecordAsync(db, "hỏi " + new string('x', 5000), "not-understood");
        var review = await db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().Set<LanguageReview>().AsNoTracking().SingleAsync());
        Assert.Equal(LanguageReviews.MaxText, review.Text.Length);
        await Assert.ThrowsAsync<LanguageReviewException>(() => db.InScopeAsync(sp =>
            sp.GetRequiredService<LanguageReviews>().LabelAsync(review.Id, "procedure_info", "../../etc/passwd", "admin", default)));
        Assert.Equal(0, await db.InScopeAsync(sp => sp.GetRequiredService<LanguageReviews>().LabelledCountAsync(default)));
    }
}
