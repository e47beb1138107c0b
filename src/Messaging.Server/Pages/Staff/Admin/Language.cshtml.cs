using Messaging.Core.Language;
using Messaging.Server.Learning;
using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Messaging.Language.Intents;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Server.Pages.Staff.Admin;

/// <summary>
/// The learning loop: messages the bot did not understand, hesitated over or that ended in "gặp cán bộ" (masked); an
/// admin says what each meant, and the model retrains in the background, taking the new model only if it does no worse
/// on the held-out sets.
/// </summary>
public sealed class LanguageReviewsModel(MessagingDbContext db, LanguageReviews reviews, LanguageModelProvider provider, LanguageRetrainer retrainer,
    ProcedureCatalog catalog) : StaffPage
{
    public const int PageSize = 50;
    [BindProperty(SupportsGet = true)] public int PageNumber { get; set; }
    public IReadOnlyList<LanguageReview> Rows { get; private set; } = [];
    public int Open { get; private set; }
    public int Labelled { get; private set; }
    public int LabelledInModel => provider.LabelledInModel;
    public RetrainResult? Last => provider.LastRetrain;
    public IReadOnlyList<Procedure> Procedures => catalog.All.OrderBy(p => p.Title, StringComparer.Ordinal).ToList();
    public static IReadOnlyList<string> Intents => IntentNames.All;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var open = db.Set<LanguageReview>().AsNoTracking().Where(r => r.Status == ReviewStatus.Open);
        Open = await open.CountAsync(ct);
        Labelled = await reviews.LabelledCountAsync(ct);
        PageNumber = Math.Clamp(PageNumber, 0, Math.Max(0, (Open - 1) / PageSize));
        Rows = await open.OrderByDescending(r => r.At).Skip(PageNumber * PageSize).Take(PageSize).ToListAsync(ct);
    }

    public async Task<IActionResult> OnPostLabelAsync(Guid id, string intent, string? procedure, CancellationToken ct)
    {
        try
        {
            await reviews.LabelAsync(id, intent, procedure, Actor, ct);
            retrainer.Request();
            return Done("Đã ghi nhận; mô hình sẽ được huấn luyện lại trong nền.", new { PageNumber });
        }
        catch (LanguageReviewException e)
        {
            TempData["Flash"] = e.Message;
            return RedirectToPage(new { PageNumber });
        }
    }

    public async Task<IActionResult> OnPostDismissAsync(Guid id, CancellationToken ct)
    {
        try
        {
            await reviews.DismissAsync(id, Actor, ct);
            return Done("Đã bỏ qua tin nhắn.", new { PageNumber });
        }
        catch (LanguageReviewException e)
        {
            TempData["Flash"] = e.Message;
            return RedirectToPage(new { PageNumber });
        }
    }

    public IActionResult OnPostRetrain()
    {
        retrainer.Request();
        return Done("Đã yêu cầu huấn luyện lại; kết quả hiện trên trang này sau ít giây.");
    }

    public async Task<IActionResult> OnGetExportAsync(CancellationToken ct) =>
        File(System.Text.Encoding.UTF8.GetBytes(await reviews.ExportAsync(ct)), "application/yaml", "labelled-examples.yml");
}
