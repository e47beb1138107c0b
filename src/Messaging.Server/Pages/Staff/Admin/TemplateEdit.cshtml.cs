using Messaging.Core.Templates;
using Microsoft.AspNetCore.Mvc;

namespace Messaging.Server.Pages.Staff.Admin;

/// <summary>
/// One template: its variants side by side with a live preview and live validation (the admin API, called by the
/// page's script), saved as a draft, published only when valid, with history, rollback and reset.
/// </summary>
public sealed class TemplateEditModel(TemplateStore store) : StaffPage
{
    [BindProperty(SupportsGet = true)] public string Key { get; set; } = "";
    [BindProperty] public Dictionary<string, string> Variants { get; set; } = [];
    [BindProperty] public string? Comment { get; set; }
    public TemplateDetails? Details { get; private set; }
    public IReadOnlyList<HistoryEntry> History { get; private set; } = [];
    public IReadOnlyList<TemplateIssue> Errors { get; private set; } = [];
    public string ErrorTitle { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(null, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken ct)
    {
        var posted = Variants.ToDictionary(v => v.Key, v => (v.Value ?? "").Replace("\r\n", "\n"));
        try
        {
            var (version, report) = await store.SaveDraftAsync(Key, posted, Comment, Actor, ct);
            if (!report.IsValid)
            {
                await LoadAsync(posted, ct);
                (Errors, ErrorTitle) = (report.Errors, $"Đã lưu bản nháp {version.Number}, nhưng còn lỗi: chưa xuất bản được.");
                return Page();
            }
            return Done($"Đã lưu bản nháp {version.Number}. Bấm “Xuất bản” để bắt đầu dùng.", new { key = Key });
        }
        catch (TemplateException e) when (e.Status == 404)
        {
            return NotFound();
        }
    }

    public async Task<IActionResult> OnPostPublishAsync(int number, CancellationToken ct)
    {
        var (version, report) = await store.PublishAsync(Key, number, Actor, ct);
        if (!report.IsValid)
        {
            await LoadAsync(null, ct);
            (Errors, ErrorTitle) = (report.Errors, $"Không xuất bản được bản {version.Number}: mẫu còn lỗi.");
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        return Done($"Đã xuất bản bản {version.Number}: tin gửi từ bây giờ dùng lời mới.", new { key = Key });
    }

    public async Task<IActionResult> OnPostRollbackAsync(int number, CancellationToken ct)
    {
        var (version, _) = await store.RollbackAsync(Key, number, Actor, ct);
        return Done($"Đã dùng lại nội dung bản {number} (thành bản {version.Number}).", new { key = Key });
    }

    public async Task<IActionResult> OnPostResetAsync(CancellationToken ct)
    {
        var (version, _) = await store.ResetAsync(Key, Actor, ct);
        return Done($"Đã đưa mẫu về bản mặc định (bản {version.Number}).", new { key = Key });
    }

    private async Task<bool> LoadAsync(IReadOnlyDictionary<string, string>? posted, CancellationToken ct)
    {
        try
        {
            Details = await store.GetAsync(Key, ct);
        }
        catch (TemplateException)
        {
            return false;
        }
        History = await store.HistoryAsync(Key, ct);
        var source = posted ?? Details.Draft?.Variants ?? Details.Live?.Variants ?? Details.Defaults;
        // Vietnamese first: it is what most citizens receive, and what the preview opens on.
        Variants = source.OrderBy(v => !v.Key.StartsWith("vi.", StringComparison.Ordinal)).ThenBy(v => v.Key, StringComparer.Ordinal)
            .ToDictionary(v => v.Key, v => v.Value);
        return true;
    }
}
