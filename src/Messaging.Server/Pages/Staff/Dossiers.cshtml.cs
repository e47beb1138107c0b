using Messaging.Core.Appointments;
using Messaging.Core.Dossiers;
using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Messaging.Language.Entities;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Server.Pages.Staff;

/// <summary>Dossiers of the officer's offices: search, status update with a note (the applicant is told), CSV import with a dry run.</summary>
[RequestFormLimits(MultipartBodyLengthLimit = DossierService.MaxImportBytes)]
[RequestSizeLimit(DossierService.MaxImportBytes + 64 * 1024)]
public sealed class DossiersModel(MessagingDbContext db, OfficeDirectory directory, DossierService dossiers, ProcedureCatalog catalog) : StaffPage
{
    public const int MaxUpload = DossierService.MaxImportBytes;
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public DossierStatus? Status { get; set; }
    public IReadOnlyList<Dossier> Rows { get; private set; } = [];
    public DossierImportReport? Report { get; private set; }
    public string Title(string procedureId) => catalog.Find(procedureId)?.Title ?? procedureId;

    public static string Text(DossierStatus s) => s switch
    {
        DossierStatus.Received => "Đã tiếp nhận", DossierStatus.Processing => "Đang giải quyết", DossierStatus.NeedsSupplement => "Cần bổ sung",
        DossierStatus.ReadyForPickup => "Có kết quả, chờ nhận", DossierStatus.Returned => "Đã trả kết quả", _ => "Từ chối",
    };

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var offices = (await OfficesInScopeAsync(directory, db, ct)).Select(o => o.Id).ToList();
        var q = db.Dossiers.AsNoTracking().Where(d => offices.Contains(d.OfficeId));
        if (Status is { } s) q = q.Where(d => d.Status == s);
        if (!string.IsNullOrWhiteSpace(Q))
        {
            var text = Q.Trim();
            var code = DossierCode.TryNormalize(text, out var c) ? c : null;
            var phone = VietnamesePhone.TryNormalize(text, out var p) ? p : null;
            q = q.Where(d => d.Code == code || d.Phone == phone || d.ApplicantName.Contains(text));
        }
        Rows = await q.OrderByDescending(d => d.UpdatedAt).Take(200).ToListAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostStatusAsync(string code, DossierStatus status, string? note, DateOnly? expected, CancellationToken ct)
    {
        var dossier = DossierCode.TryNormalize(code, out var c) ? await db.Dossiers.AsNoTracking().FirstOrDefaultAsync(d => d.Code == c, ct) : null;
        if (dossier is null || !MayActFor(dossier.OfficeId)) return NotYours();
        await dossiers.UpdateStatusAsync(dossier.Code, status, string.IsNullOrWhiteSpace(note) ? null : note.Trim(), Actor, expected, ct);
        TempData["Flash"] = status == dossier.Status
            ? "Đã lưu ghi chú."
            : $"Đã chuyển hồ sơ {dossier.Code} sang “{Text(status)}”; người nộp sẽ được báo.";
        return RedirectToPage(new { q = dossier.Code });
    }

    public async Task<IActionResult> OnPostImportAsync(IFormFile? file, bool dryRun, CancellationToken ct)
    {
        if (file is null || file.Length == 0 || file.Length > MaxUpload)
        {
            TempData["Flash"] = "Chọn một tệp CSV (tối đa 2 MB).";
            return RedirectToPage();
        }
        using var reader = new StreamReader(file.OpenReadStream(), System.Text.Encoding.UTF8);
        var (rows, errors) = DossierService.ParseCsv(reader);
        if (rows.Count > DossierService.MaxImportRows)
        {
            TempData["Flash"] = $"Tệp có {rows.Count:N0} dòng; mỗi lần nhập tối đa {DossierService.MaxImportRows:N0} hồ sơ.";
            return RedirectToPage();
        }
        // The service holds officers to their offices, row by row: the same rule as every other path into dossiers.
        var scope = IsAdmin ? null : (await OfficesInScopeAsync(directory, db, ct)).Select(o => o.Id).ToList();
        DossierImportReport report;
        try
        {
            report = await dossiers.ImportAsync(rows, dryRun, Actor, ct, scope);
        }
        catch (DossierImportLimitException e)
        {
            TempData["Flash"] = $"Mỗi giờ nhập tối đa {e.Max} lần (kể cả chạy thử). Vui lòng thử lại sau.";
            return RedirectToPage();
        }
        Report = report with { Errors = [.. errors, .. report.Errors] };
        return await OnGetAsync(ct);
    }
}
