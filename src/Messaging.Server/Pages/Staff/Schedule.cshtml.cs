using Messaging.Core.Appointments;
using Messaging.Core.Persistence;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Server.Pages.Staff;

/// <summary>
/// An office's hours and closures, and its extra and mobile sessions: create, change, cancel. Changing or cancelling
/// a session tells the officer first how many citizens will be notified; the notifications go out through the outbox.
/// </summary>
public sealed class ScheduleModel(MessagingDbContext db, OfficeDirectory directory, SessionService sessions, TimeProvider time) : StaffPage
{
    [BindProperty(SupportsGet = true)] public string? Office { get; set; }
    public IReadOnlyList<Office> Offices { get; private set; } = [];
    public Office? Current { get; private set; }
    public IReadOnlyList<(Session Session, int Booked)> Sessions { get; private set; } = [];
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Offices = await OfficesInScopeAsync(directory, db, ct);
        if (Offices.Count == 0) return Forbid();
        if (Office is not null && !MayActFor(Office)) return NotYours();
        Office ??= Offices[0].Id;
        Current = await db.Offices.AsNoTracking().Include(o => o.Hours).Include(o => o.Closures).Include(o => o.Services)
            .FirstOrDefaultAsync(o => o.Id == Office, ct);
        if (Current is null) return NotFound();
        var now = time.GetUtcNow();
        var list = await db.Sessions.AsNoTracking().Where(s => s.OfficeId == Office && s.End > now.AddDays(-1))
            .OrderBy(s => s.Start).Take(100).ToListAsync(ct);
        var ids = list.Select(s => s.Id).ToList();
        var counts = await db.Bookings.Where(b => b.SessionId != null && ids.Contains(b.SessionId.Value) && b.Status == BookingStatus.Booked)
            .GroupBy(b => b.SessionId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        Sessions = list.Select(s => (s, counts.GetValueOrDefault(s.Id))).ToList();
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(string office, int service, SessionKind kind, string title, string place,
        DateOnly date, TimeOnly start, TimeOnly end, int capacity, CancellationToken ct)
    {
        if (!MayActFor(office)) return NotYours();
        return await TryAsync(office, async () =>
        {
            await sessions.CreateAsync(new SessionDraft(office, service, kind, title.Trim(), place.Trim(),
                OfficeTime.At(date, start, null), OfficeTime.At(date, end, null), capacity), ct);
            directory.Invalidate();
            return "Đã tạo buổi làm việc; công dân đặt được lịch ngay.";
        });
    }

    public async Task<IActionResult> OnPostChangeAsync(Guid id, DateOnly date, TimeOnly start, TimeOnly end, string place, int capacity,
        CancellationToken ct)
    {
        var s = await db.Sessions.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (s is null || !MayActFor(s.OfficeId)) return NotYours();
        return await TryAsync(s.OfficeId, async () =>
        {
            var booked = await sessions.CountActiveBookingsAsync(id, ct);
            await sessions.ChangeAsync(id, OfficeTime.At(date, start, null), OfficeTime.At(date, end, null), place.Trim(), capacity, ct);
            return $"Đã đổi buổi làm việc; {booked} công dân đã đặt sẽ được báo giờ mới.";
        });
    }

    public async Task<IActionResult> OnPostCancelAsync(Guid id, string? reason, CancellationToken ct)
    {
        var s = await db.Sessions.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (s is null || !MayActFor(s.OfficeId)) return NotYours();
        return await TryAsync(s.OfficeId, async () =>
        {
            var booked = await sessions.CountActiveBookingsAsync(id, ct);
            await sessions.CancelAsync(id, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(), "officer:" + Actor, ct);
            return $"Đã hủy buổi làm việc; {booked} công dân đã đặt sẽ được báo và hướng dẫn đặt lại.";
        });
    }

    /// <summary>
    /// Replaces the weekly hours, one line per day ("07:30-11:30, 13:30-17:00", empty for closed). Refused while a
    /// booking in the coming weeks would fall outside the new hours: those citizens must be moved first, with notice.
    /// </summary>
    public async Task<IActionResult> OnPostHoursAsync(string office, Dictionary<DayOfWeek, string?> days, CancellationToken ct)
    {
        if (!MayActFor(office)) return NotYours();
        var hours = new List<OpeningHours>();
        foreach (var day in Enum.GetValues<DayOfWeek>())
        {
            foreach (var part in (days.GetValueOrDefault(day) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var ends = part.Split('-', StringSplitOptions.TrimEntries);
                if (ends.Length != 2 || !TimeOnly.TryParse(ends[0], out var opens) || !TimeOnly.TryParse(ends[1], out var closes) || closes <= opens)
                {
                    TempData["Flash"] = $"Giờ của {Day(day)} chưa đúng dạng “07:30-11:30, 13:30-17:00”.";
                    return RedirectToPage(new { office });
                }
                hours.Add(new OpeningHours { OfficeId = office, Day = day, Opens = opens, Closes = closes });
            }
        }
        var now = time.GetUtcNow();
        var upcoming = await db.Bookings.AsNoTracking()
            .Where(b => b.OfficeId == office && b.SessionId == null && b.Status == BookingStatus.Booked && b.Start > now).ToListAsync(ct);
        var outside = upcoming.Count(b =>
        {
            var local = OfficeTime.ToLocal(b.Start, null);
            var t = TimeOnly.FromDateTime(local.DateTime);
            return !hours.Any(h => h.Day == local.DayOfWeek && t >= h.Opens && t < h.Closes);
        });
        if (outside > 0)
        {
            TempData["Flash"] = $"Chưa đổi giờ: {outside} lịch hẹn sắp tới nằm ngoài giờ mới. Hãy dời hoặc hủy (có báo công dân) trước.";
            return RedirectToPage(new { office });
        }
        await using var tx = await db.BeginWriteAsync(ct);
        db.OpeningHours.RemoveRange(await db.OpeningHours.Where(h => h.OfficeId == office).ToListAsync(ct));
        db.OpeningHours.AddRange(hours);
        db.AuditLog.Add(new Messaging.Core.Templates.AuditEntry { At = now, Actor = Actor, Action = "office.hours", Subject = office,
            Details = string.Join("; ", hours.Select(h => $"{h.Day} {h.Opens:HH\\:mm}-{h.Closes:HH\\:mm}")) });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        directory.Invalidate();
        TempData["Flash"] = "Đã lưu giờ làm việc.";
        return RedirectToPage(new { office });
    }

    public static string HoursLine(Office o, DayOfWeek day) =>
        string.Join(", ", o.Hours.Where(h => h.Day == day).OrderBy(h => h.Opens).Select(h => $"{h.Opens:HH\\:mm}-{h.Closes:HH\\:mm}"));

    public async Task<IActionResult> OnPostAddClosureAsync(string office, DateOnly date, string reason, CancellationToken ct)
    {
        if (!MayActFor(office)) return NotYours();
        var from = OfficeTime.At(date, TimeOnly.MinValue, null);
        var to = OfficeTime.At(date.AddDays(1), TimeOnly.MinValue, null);
        var booked = await db.Bookings.CountAsync(b => b.OfficeId == office && b.Start >= from && b.Start < to && b.Status == BookingStatus.Booked, ct);
        if (booked > 0)
        {
            TempData["Flash"] = $"Ngày đó đã có {booked} lịch hẹn: hãy dời hoặc hủy (có báo công dân) trước khi đóng cửa.";
            return RedirectToPage(new { office });
        }
        if (!await db.OfficeClosures.AnyAsync(c => c.OfficeId == office && c.Date == date, ct))
        {
            db.OfficeClosures.Add(new OfficeClosure { OfficeId = office, Date = date, Reason = reason.Trim() });
            await db.SaveChangesAsync(ct);
            directory.Invalidate();
        }
        TempData["Flash"] = "Đã thêm ngày nghỉ; không còn nhận đặt lịch ngày đó.";
        return RedirectToPage(new { office });
    }

    public async Task<IActionResult> OnPostRemoveClosureAsync(int id, CancellationToken ct)
    {
        var c = await db.OfficeClosures.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (c is null || !MayActFor(c.OfficeId)) return NotYours();
        db.OfficeClosures.Remove(c);
        await db.SaveChangesAsync(ct);
        directory.Invalidate();
        TempData["Flash"] = "Đã bỏ ngày nghỉ.";
        return RedirectToPage(new { office = c.OfficeId });
    }

    private async Task<IActionResult> TryAsync(string office, Func<Task<string>> action)
    {
        try
        {
            TempData["Flash"] = await action();
        }
        catch (Exception e) when (e is BookingException or ArgumentException)
        {
            TempData["Flash"] = "Không thực hiện được: " + Explain(e);
        }
        return RedirectToPage(new { office });
    }

    // The service's messages are for developers; officers get the reason in Vietnamese.
    private static string Explain(Exception e) => e switch
    {
        BookingException { Error: BookingError.NotActive } => "buổi làm việc đã bị hủy.",
        BookingException { Error: BookingError.NotFound } => "không tìm thấy buổi làm việc.",
        BookingException => "thay đổi này làm mất chỗ của công dân đã đặt, hoặc giờ không hợp lệ.",
        _ => "thông tin chưa hợp lệ (giờ kết thúc phải sau giờ bắt đầu, sức chứa từ 1).",
    };

    public static string Day(DayOfWeek d) => d switch
    {
        DayOfWeek.Monday => "Thứ Hai", DayOfWeek.Tuesday => "Thứ Ba", DayOfWeek.Wednesday => "Thứ Tư", DayOfWeek.Thursday => "Thứ Năm",
        DayOfWeek.Friday => "Thứ Sáu", DayOfWeek.Saturday => "Thứ Bảy", _ => "Chủ Nhật",
    };
}
