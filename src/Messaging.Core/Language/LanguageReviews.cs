using System.Text;
using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Messaging.Core.Templates;
using Messaging.Language;
using Messaging.Language.Intents;
using Messaging.Language.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Messaging.Core.Language;

public enum ReviewStatus { Open, Labelled, Dismissed }

/// <summary>
/// A citizen message the bot did not understand, hesitated over, or that ended in a request for an officer: masked as
/// it is stored, waiting for an admin to say what it meant. A labelled one becomes a training example.
/// </summary>
public sealed class LanguageReview
{
    /// <summary>The <see cref="Reason"/> of a message the bot did not understand at all; the staff overview counts these.</summary>
    public const string NotUnderstoodReason = "not-understood";

    public Guid Id { get; set; }
    public required string Text { get; set; }
    public string Predicted { get; set; } = "";
    public double Confidence { get; set; }
    /// <summary>not-understood, clarify or handoff.</summary>
    public string Reason { get; set; } = "";
    public DateTimeOffset At { get; set; }
    public ReviewStatus Status { get; set; }
    public string? Intent { get; set; }
    public string? ProcedureId { get; set; }
    public string? LabelledBy { get; set; }
    public DateTimeOffset? LabelledAt { get; set; }
}

internal sealed class LanguageReviewConfiguration : IEntityTypeConfiguration<LanguageReview>
{
    public void Configure(EntityTypeBuilder<LanguageReview> e)
    {
        e.ToTable("language_reviews");
        e.Property(x => x.Text).HasMaxLength(LanguageReviews.MaxText);
        e.Property(x => x.Predicted).HasMaxLength(40);
        e.Property(x => x.Reason).HasMaxLength(20);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.Intent).HasMaxLength(40);
        e.Property(x => x.ProcedureId).HasMaxLength(64);
        e.HasIndex(x => new { x.Status, x.At });
    }
}

public sealed class LanguageReviewException(string message) : Exception(message);

/// <summary>The learning loop's records: what to review, what admins said, and the labelled examples for training.</summary>
public sealed class LanguageReviews(MessagingDbContext db, TimeProvider time, ProcedureCatalog catalog)
{
    public const int MaxText = 500;
    /// <summary>Open items kept at most; beyond it new ones are dropped rather than flood the page.</summary>
    public const int MaxOpen = 5000;

    public async Task RecordAsync(string text, ParseResult nlu, string reason, CancellationToken ct)
    {
        // Masked before it is stored: phone numbers, ID numbers and codes never reach the review page.
        var masked = PersonalData.Mask(text.Trim());
        if (masked.Length == 0) return;
        if (masked.Length > MaxText) masked = masked[..MaxText];
        if (await db.Set<LanguageReview>().AnyAsync(r => r.Status == ReviewStatus.Open && r.Text == masked, ct)) return;
        if (await db.Set<LanguageReview>().CountAsync(r => r.Status == ReviewStatus.Open, ct) >= MaxOpen) return;
        db.Set<LanguageReview>().Add(new LanguageReview
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()), Text = masked, Predicted = nlu.Intent.Name, Confidence = nlu.Intent.Confidence,
            Reason = reason, At = time.GetUtcNow(), Status = ReviewStatus.Open,
        });
        await db.SaveChangesAsync(ct);
    }

    public async Task LabelAsync(Guid id, string intent, string? procedureId, string by, CancellationToken ct)
    {
        if (!IntentNames.All.Contains(intent)) throw new LanguageReviewException($"Unknown intent '{intent}'.");
        if (!string.IsNullOrEmpty(procedureId) && catalog.Find(procedureId) is null) throw new LanguageReviewException($"Unknown procedure '{procedureId}'.");
        var review = await db.Set<LanguageReview>().FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new LanguageReviewException("No such message.");
        review.Status = ReviewStatus.Labelled;
        review.Intent = intent;
        review.ProcedureId = string.IsNullOrEmpty(procedureId) ? null : procedureId;
        review.LabelledBy = by;
        review.LabelledAt = time.GetUtcNow();
        db.AuditLog.Add(new AuditEntry { At = time.GetUtcNow(), Actor = by, Action = "language.label", Subject = id.ToString(), Details = intent + (review.ProcedureId is null ? "" : " / " + review.ProcedureId) });
        await db.SaveChangesAsync(ct);
    }

    public async Task DismissAsync(Guid id, string by, CancellationToken ct)
    {
        var review = await db.Set<LanguageReview>().FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new LanguageReviewException("No such message.");
        review.Status = ReviewStatus.Dismissed;
        review.LabelledBy = by;
        review.LabelledAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<IntentExample>> LabelledExamplesAsync(CancellationToken ct) =>
        (await db.Set<LanguageReview>().AsNoTracking().Where(r => r.Status == ReviewStatus.Labelled)
            .OrderBy(r => r.LabelledAt).Select(r => new { r.Text, r.Intent }).ToListAsync(ct))
        .Select(r => new IntentExample(r.Text, r.Intent!)).ToList();

    public Task<int> LabelledCountAsync(CancellationToken ct) =>
        db.Set<LanguageReview>().CountAsync(r => r.Status == ReviewStatus.Labelled, ct);

    /// <summary>The labelled examples in the shape of `dialogs/intents/*.yml`, one document per intent, to commit with the training files.</summary>
    public async Task<string> ExportAsync(CancellationToken ct)
    {
        var sb = new StringBuilder("# Examples labelled by admins on the language review page; split per intent into dialogs/intents/<intent>.yml.\n");
        foreach (var group in (await LabelledExamplesAsync(ct)).GroupBy(e => e.Intent).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            sb.Append("---\nintent: ").Append(group.Key).Append("\nexamples:\n");
            foreach (var e in group) sb.Append("  - \"").Append(e.Text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append("\"\n");
        }
        return sb.ToString();
    }
}
