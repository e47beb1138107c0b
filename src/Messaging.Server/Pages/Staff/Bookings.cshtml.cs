using Messaging.Core.Appointments;
using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Messaging.Language.Entities;

namespace Messaging.Server.Pages.Staff;

/// <summary>A day's bookings of one office; search by code or phone; check-in, no-show, cancel with a reason.</summary>
public sealed class BookingsModel(MessagingDbContext db, OfficeDirectory directory, BookingService bookings, ProcedureCatalog catalog)
    : StaffPage
{
    [BindProperty(SupportsGet = true)] public string? Office { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? Date { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    public IReadOnlyList<Office> Offices { get; private set; } = [];
    public IReadOnlyList<Booking> Rows { get; private set; } = [];
    public string Title(string procedureId) => catalog.Find(procedureId)?.Title ?? procedureId;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Offices = await OfficesInScopeAsync(directory, db, ct);
        if (Offices.Count == 0) return Forbid();
        if (Office is not null && !MayActFor(Office)) return NotYours();
        Office ??= Offices[0].Id;
        if (Date is { } asked && !Api.SaneRange.Contains(asked)) Date = null;
        Date ??= OfficeTime.LocalDate(DateTimeOffset.UtcNow, null);
        var query = db.Bookings.AsNoTracking().Where(b => b.OfficeId == Office);
        if (!string.IsNullOrWhiteSpace(Q))
        {
            var q = Q.Trim().ToUpperInvariant().Replace(" ", "");
            var phone = Messaging.Language.Entities.VietnamesePhone.TryNormalize(Q, out var p) ? p : null;
            query = query.Where(b => b.Code == q || (phone != null && b.Phone == phone));
        }
        else
        {
            var from = OfficeTime.At(Date.Value, TimeOnly.MinValue, null);
            var to = OfficeTime.At(Date.Value.AddDays(1), TimeOnly.MinValue, null);
            query = query.Where(b => b.Start >= from && b.Start < to);
        }
        Rows = await query.OrderBy(b => b.Start).ThenBy(b => b.QueueNumber).Take(500).ToListAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCheckInAsync(string code, CancellationToken ct) =>
        await ActAsync(code, b => bookings.CheckInAsync(b.Code, Actor, ct), "Đã ghi nhận công dân có mặt.",
            "Chỉ ghi nhận có mặt trong ngày hẹn, với lịch hẹn còn hiệu lực.", ct);

    public async Task<IActionResult> OnPostNoShowAsync(string code, CancellationToken ct) =>
        await ActAsync(code, b => bookings.MarkNoShowAsync(b.Code, Actor, ct), "Đã ghi nhận công dân vắng mặt.",
            "Chỉ ghi nhận vắng mặt sau giờ hẹn.", ct);

    public async Task<IActionResult> OnPostCancelAsync(string code, string? reason, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            TempData["Flash"] = "Cần ghi lý do hủy: công dân sẽ nhận được lý do này.";
            return await RedirectBackAsync(code, ct);
        }
        return await ActAsync(code, b => bookings.CancelAsync(b.Code, null, reason.Trim(), "officer:" + Actor, ct),
            "Đã hủy lịch hẹn; công dân sẽ được báo.", "Lịch hẹn này không còn hủy được (đã qua hoặc đã xử lý).", ct);
    }

    private async Task<IActionResult> ActAsync(string code, Func<Booking, Task<Booking>> action, string done, string refused,
        CancellationToken ct)
    {
        var booking = await bookings.GetByCodeAsync(code, ct);
        if (booking is null || !MayActFor(booking.OfficeId)) return NotYours();
        try
        {
            await action(booking);
            TempData["Flash"] = done;
        }
        catch (BookingException)
        {
            TempData["Flash"] = "Không thực hiện được. " + refused;
        }
        return RedirectToPage(new { office = booking.OfficeId, date = DateRecognizer.Iso(OfficeTime.LocalDate(booking.Start, null)) });
    }

    private async Task<IActionResult> RedirectBackAsync(string code, CancellationToken ct)
    {
        var booking = await bookings.GetByCodeAsync(code, ct);
        if (booking is null || !MayActFor(booking.OfficeId)) return NotYours();
        return RedirectToPage(new { office = booking.OfficeId, date = DateRecognizer.Iso(OfficeTime.LocalDate(booking.Start, null)) });
    }
}
