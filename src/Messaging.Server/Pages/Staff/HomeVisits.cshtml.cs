using System.Globalization;
using Messaging.Core.Appointments;
using Messaging.Core.HomeVisits;
using Messaging.Core.Persistence;
using Messaging.Core.Staff;
using Messaging.Server.Security;
using Microsoft.AspNetCore.Mvc;

namespace Messaging.Server.Pages.Staff;

/// <summary>
/// Requests for an ID card taken at home, one office at a time (officers: theirs; admins: any): list by status, schedule
/// a day, a time window and the officer who goes, decline with a reason the citizen is told, mark a visit done, and set
/// how many visits a day the office takes. Every change goes through <see cref="HomeVisitService"/>, which checks the
/// office again and writes the audit log and the citizen's notice with it.
/// </summary>
public sealed class HomeVisitsModel(MessagingDbContext db, OfficeDirectory directory, HomeVisitService visits, TimeProvider time) : StaffPage
{
    /// <summary>Windows offered while typing; any "HH:mm–HH:mm" is accepted.</summary>
    public static readonly string[] Windows = ["07:30–09:30", "08:00–10:00", "09:30–11:30", "13:30–15:30", "15:00–17:00"];

    public static readonly HomeVisitStatus[] Tabs =
        [HomeVisitStatus.Requested, HomeVisitStatus.Scheduled, HomeVisitStatus.Done, HomeVisitStatus.Declined, HomeVisitStatus.Cancelled];

    [BindProperty(SupportsGet = true)] public string? Office { get; set; }
    [BindProperty(SupportsGet = true)] public HomeVisitStatus? Status { get; set; }
    public IReadOnlyList<Office> Offices { get; private set; } = [];
    public Office? Current { get; private set; }
    public IReadOnlyList<HomeVisitRequest> Rows { get; private set; } = [];
    public IReadOnlyList<StaffUser> Officers { get; private set; } = [];
    public IReadOnlyList<(DateOnly Day, int Scheduled)> Load { get; private set; } = [];
    public DateOnly Today { get; private set; }

    private HomeVisitActor Scope => new(Actor, IsAdmin, StaffAuthentication.OfficesOf(User));

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Offices = (await OfficesInScopeAsync(directory, db, ct)).Where(HomeVisitService.TakesHomeVisits).ToList();
        if (Offices.Count == 0) return Forbid();
        if (Office is not null && !MayActFor(Office)) return NotYours();
        Current = Office is null ? Offices[0] : Offices.FirstOrDefault(o => o.Id == Office);
        if (Current is null) return NotYours();
        Office = Current.Id;
        Status ??= HomeVisitStatus.Requested;
        Today = OfficeTime.LocalDate(time.GetUtcNow(), Current.TimeZoneId);
        Rows = await visits.ListAsync(Current.Id, Status, ct);
        Officers = await visits.OfficersOfAsync(Current.Id, ct);
        var load = await visits.DayLoadAsync(Current.Id, Today, 14, ct);
        Load = load.OrderBy(x => x.Key).Select(x => (Day: x.Key, Scheduled: x.Value)).ToList();
        return Page();
    }

    public async Task<IActionResult> OnPostScheduleAsync(Guid id, DateOnly date, string? window, string? officer, HomeVisitStatus? tab,
        CancellationToken ct)
    {
        var visit = await visits.FindAsync(id, ct);
        if (visit is null || !MayActFor(visit.OfficeId)) return NotYours();
        if (!TryWindow(window, out var from, out var to))
        {
            TempData["Flash"] = "Khung giờ chưa đúng dạng “08:00–10:00”.";
            return Back(visit.OfficeId, tab);
        }
        return await TryAsync(visit.OfficeId, tab, ct, async () =>
        {
            var done = await visits.ScheduleAsync(id, new HomeVisitSchedule(date, from, to, officer ?? ""), Scope, ct);
            return $"Đã hẹn đến nhà {done.PersonName} lúc {done.WindowText()} ngày {date.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)}; công dân sẽ được báo.";
        });
    }

    public async Task<IActionResult> OnPostDeclineAsync(Guid id, string? reason, HomeVisitStatus? tab, CancellationToken ct)
    {
        var visit = await visits.FindAsync(id, ct);
        if (visit is null || !MayActFor(visit.OfficeId)) return NotYours();
        return await TryAsync(visit.OfficeId, tab, ct, async () =>
        {
            await visits.DeclineAsync(id, reason ?? "", Scope, ct);
            return "Đã từ chối đề nghị; công dân sẽ được báo kèm lý do.";
        });
    }

    public async Task<IActionResult> OnPostDoneAsync(Guid id, HomeVisitStatus? tab, CancellationToken ct)
    {
        var visit = await visits.FindAsync(id, ct);
        if (visit is null || !MayActFor(visit.OfficeId)) return NotYours();
        return await TryAsync(visit.OfficeId, tab, ct, async () =>
        {
            await visits.MarkDoneAsync(id, Scope, ct);
            return "Đã ghi nhận làm xong tại nhà; công dân sẽ nhận tin cảm ơn.";
        });
    }

    public async Task<IActionResult> OnPostLimitAsync(string office, int? perDay, HomeVisitStatus? tab, CancellationToken ct)
    {
        if (!MayActFor(office)) return NotYours();
        return await TryAsync(office, tab, ct, async () =>
        {
            // A value the form could not read ("abc", empty, past int) is refused like an out-of-range one, never taken as 0.
            await visits.SetDailyLimitAsync(office, perDay ?? -1, Scope, ct);
            return $"Đã lưu: tối đa {perDay} lượt đến nhà mỗi ngày.";
        });
    }

    /// <summary>"08:00–10:00", "8:00-10:00", "08:00 - 10:00".</summary>
    public static bool TryWindow(string? text, out TimeOnly from, out TimeOnly to)
    {
        from = to = default;
        var parts = (text ?? "").Split(['–', '-', '—'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string[] formats = ["H:mm", "HH:mm"];
        return parts.Length == 2
            && TimeOnly.TryParseExact(parts[0], formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out from)
            && TimeOnly.TryParseExact(parts[1], formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out to)
            && to > from;
    }

    public static string StatusLabel(HomeVisitStatus s) => s switch
    {
        HomeVisitStatus.Requested => "Chờ xử lý",
        HomeVisitStatus.Scheduled => "Đã hẹn",
        HomeVisitStatus.Done => "Đã làm xong",
        HomeVisitStatus.Declined => "Đã từ chối",
        _ => "Công dân đã hủy",
    };

    /// <summary>The preferred days as stored ("2026-11-25", "any", or the citizen's words), for officers.</summary>
    public static string Preferred(string? days) =>
        days is null ? "" : Messaging.Bot.Dialogs.HomeVisitDialog.DaysLabel(days, "vi");

    public static string Day(DateOnly d) => ScheduleModel.Day(d.DayOfWeek) + " " + d.ToString("dd/MM", CultureInfo.InvariantCulture);

    public static string LongDay(DateOnly d) => ScheduleModel.Day(d.DayOfWeek) + ", " + d.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    public static string Badge(HomeVisitStatus s) => s switch
    {
        HomeVisitStatus.Scheduled => "warn",
        HomeVisitStatus.Done => "ok",
        HomeVisitStatus.Declined => "bad",
        _ => "",
    };

    private IActionResult Back(string office, HomeVisitStatus? tab) => RedirectToPage(new { office, status = tab });

    private async Task<IActionResult> TryAsync(string office, HomeVisitStatus? tab, CancellationToken ct, Func<Task<string>> action)
    {
        try
        {
            TempData["Flash"] = await action();
        }
        catch (HomeVisitException e)
        {
            TempData["Flash"] = "Không thực hiện được: " + await ExplainAsync(e, office, ct);
        }
        return Back(office, tab);
    }

    // The service's messages are for developers; officers get the reason in Vietnamese.
    private async Task<string> ExplainAsync(HomeVisitException e, string office, CancellationToken ct) => e.Error switch
    {
        HomeVisitError.DayFull =>
            $"ngày đó đơn vị đã hẹn đủ số lượt đến nhà (tối đa {(await directory.FindAsync(db, office, ct))?.HomeVisitsPerDay} lượt/ngày). Hãy chọn ngày khác hoặc tăng số lượt.",
        HomeVisitError.UnknownOfficer => "cán bộ được chọn không thuộc đơn vị này hoặc tài khoản đã bị khóa.",
        HomeVisitError.InvalidSchedule => "ngày giờ không hợp lệ (không ở quá khứ, trong vòng 60 ngày tới, giờ kết thúc sau giờ bắt đầu; số lượt từ 0 đến 20).",
        HomeVisitError.InvalidReason => "cần ghi lý do từ 3 đến 300 ký tự: công dân sẽ nhận được lý do này.",
        HomeVisitError.NotActive => "đề nghị đã được xử lý xong, hoặc chưa đến ngày hẹn.",
        HomeVisitError.Conflict => "đề nghị vừa được người khác thay đổi; vui lòng xem lại.",
        _ => "không tìm thấy đề nghị.",
    };
}
