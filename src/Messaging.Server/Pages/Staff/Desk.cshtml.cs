using Messaging.Core.Appointments;
using Messaging.Core.FrontDesk;
using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Messaging.Server.Pages.Staff;

/// <summary>
/// One desk of an office, on a tablet: today's queue (booked and walk-in, in call order), "call next", recall, served,
/// no-show after the grace time, back in line, walk-in tickets. The desk's label is the officer's choice, kept in a
/// cookie of this browser; several desks share an office's queue and never call the same number.
/// </summary>
public sealed class DeskModel(DeskService desks, MessagingDbContext db, OfficeDirectory directory, ProcedureCatalog catalog,
    IOptions<FrontDeskOptions> options) : StaffPage
{
    public const string DeskCookie = "messaging-desk";

    [BindProperty(SupportsGet = true)] public string? Office { get; set; }
    public IReadOnlyList<Office> Offices { get; private set; } = [];
    public DeskDay Day { get; private set; } = null!;
    public string? DeskName { get; private set; }
    public IReadOnlyList<(string Id, string Title)> Procedures { get; private set; } = [];
    public IReadOnlyList<DeskItem> Mine => Day.Called.Where(i => i.Desk == DeskName).ToList();
    public IReadOnlyList<DeskItem> Others => Day.Called.Where(i => i.Desk != DeskName).ToList();
    public int GraceMinutes => (int)Math.Ceiling(options.Value.NoShowGrace.TotalMinutes);
    public int LeadMinutes => (int)Math.Ceiling(options.Value.BookedCallLead.TotalMinutes);
    public string Title(string? procedureId) => procedureId is null ? "" : catalog.Find(procedureId)?.Title ?? procedureId;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Offices = await OfficesInScopeAsync(directory, db, ct);
        if (Offices.Count == 0) return Forbid();
        if (Office is not null && !MayActFor(Office)) return NotYours();
        Office ??= Offices[0].Id;
        var day = await desks.DayAsync(Office, ct);
        if (day is null) return NotYours();
        Day = day;
        DeskName = CurrentDesk();
        Procedures = day.Office.Services.SelectMany(s => s.ProcedureIds).Distinct(StringComparer.Ordinal)
            .Select(id => (Id: id, Title: Title(id))).OrderBy(p => p.Title, StringComparer.Ordinal).ToList();
        return Page();
    }

    public IActionResult OnPostDesk(string office, string? desk)
    {
        if (!MayActFor(office)) return NotYours();
        if (DeskService.NormalizeDesk(desk) is not { } name) return Done("Cần đặt tên quầy, ví dụ “Quầy 1”.", new { office });
        // The desk belongs to this browser (the tablet at that counter), not to the officer signed in on it.
        // Escaped here and unescaped on reading: "Quầy 1" is not a header value as it stands.
        Response.Cookies.Append(DeskCookie, Uri.EscapeDataString(name), new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = Request.IsHttps, Path = "/staff", IsEssential = true,
            MaxAge = TimeSpan.FromDays(180),
        });
        return Done($"Máy này là {name}.", new { office });
    }

    public async Task<IActionResult> OnPostNextAsync(string office, CancellationToken ct)
    {
        if (!MayActFor(office)) return NotYours();
        if (CurrentDesk() is not { } desk)
            return Done("Chọn tên quầy trước khi gọi số.", new { office });
        var r = await desks.CallNextAsync(office, desk, Actor, ct);
        return r.Outcome switch
        {
            DeskOutcome.Done => Done($"Mời số {r.Number} đến {desk}.", new { office }),
            DeskOutcome.Empty => Done("Không còn số nào gọi được lúc này (lịch hẹn sau chỉ được gọi trước giờ hẹn ít phút).", new { office }),
            _ => NotYours(),
        };
    }

    public Task<IActionResult> OnPostRecallAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, () => desks.RecallAsync(id, ct), n => $"Đã gọi lại số {n}.", ct);

    public Task<IActionResult> OnPostServeAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, () => desks.ServeAsync(id, Actor, ct), n => $"Đã xong số {n}.", ct);

    public Task<IActionResult> OnPostSkipAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, () => desks.SkipAsync(id, Actor, ct), n => $"Đã ghi số {n} vắng mặt.", ct);

    public Task<IActionResult> OnPostRequeueAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, () => desks.RequeueAsync(id, ct), n => $"Đã xếp số {n} trở lại hàng chờ.", ct);

    public async Task<IActionResult> OnPostIssueAsync(string office, string? procedure, string? name, CancellationToken ct)
    {
        if (!MayActFor(office)) return NotYours();
        var r = await desks.IssueAsync(office, procedure, name, Actor, ct);
        if (r.Outcome != DeskOutcome.Done || r.Item?.EntryId is not { } id)
            return Done("Không cấp được số: thủ tục không thuộc đơn vị này hoặc tên quá dài.", new { office });
        TempData["Flash"] = $"Đã cấp số {r.Number}.";
        return RedirectToPage("/Staff/DeskTicket", new { id });
    }

    public async Task<IActionResult> OnPostPrefixAsync(string office, string? prefix, CancellationToken ct)
    {
        if (!MayActFor(office)) return NotYours();
        var r = await desks.SetPrefixAsync(office, prefix, Actor, ct);
        return r.Outcome switch
        {
            DeskOutcome.Done => Done(r.Number is { Length: > 0 } p ? $"Số thứ tự của đơn vị bắt đầu bằng chữ {p} (ví dụ {p}001)." : "Số thứ tự của đơn vị không có chữ cái đầu.", new { office }),
            DeskOutcome.NotAllowed => Done("Chữ cái đầu số thứ tự là một chữ từ A đến Z, hoặc để trống.", new { office }),
            _ => NotYours(),
        };
    }

    private string? CurrentDesk() =>
        Request.Cookies[DeskCookie] is { } raw ? DeskService.NormalizeDesk(Uri.UnescapeDataString(raw)) : null;

    /// <summary>An action on one number: another office's number answers as if it did not exist.</summary>
    private async Task<IActionResult> ActAsync(Guid id, Func<Task<DeskResult>> action, Func<string?, string> done, CancellationToken ct)
    {
        var entry = await desks.FindEntryAsync(id, ct);
        if (entry is null || !MayActFor(entry.OfficeId)) return NotYours();
        var r = await action();
        var office = entry.OfficeId;
        return r.Outcome switch
        {
            DeskOutcome.Done => Done(done(r.Number), new { office }),
            DeskOutcome.TooEarly => Done($"Chỉ ghi vắng mặt sau {GraceMinutes} phút kể từ khi gọi; số {r.Number} còn {(int)Math.Ceiling(r.Wait?.TotalMinutes ?? 0)} phút nữa. Anh/chị có thể gọi lại số này.", new { office }),
            _ => Done($"Số {r.Number} đã được xử lý ở quầy khác hoặc không còn ở trạng thái này.", new { office }),
        };
    }
}
