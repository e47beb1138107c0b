using Messaging.Core.Appointments;
using Messaging.Core.Conversations;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Server.Dashboard;
using Messaging.Server.Pages.Staff.Charts;
using Messaging.Server.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Server.Pages.Staff;

/// <summary>
/// The staff home: today's counters, then charts drawn on the server: one office's fortnight of bookings against its
/// places, and for admins the week's deliveries and how many citizens' messages the bot understood.
/// </summary>
public sealed class IndexModel(MessagingDbContext db, TimeProvider time, OfficeDirectory directory, StaffDashboard dashboard) : StaffPage
{
    /// <summary>The office whose bookings are charted; the first in scope when none is asked for.</summary>
    [BindProperty(SupportsGet = true)] public string? Office { get; set; }
    public string DisplayName { get; private set; } = "";
    public IReadOnlyList<string> Offices { get; private set; } = [];
    public IReadOnlyList<Office> OfficeChoices { get; private set; } = [];
    public int BookingsToday { get; private set; }
    public int OpenHandoffs { get; private set; }
    public int UpcomingSessions { get; private set; }
    public int? FailedDeliveries { get; private set; }
    public BarChart? LoadChart { get; private set; }
    public BarChart? DeliveryChart { get; private set; }
    public BarChart? UnderstandingChart { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        DisplayName = User.FindFirst(StaffAuthentication.DisplayNameClaim)?.Value ?? User.Identity?.Name ?? "";
        var admin = StaffAuthentication.IsAdmin(User);
        var offices = StaffAuthentication.OfficesOf(User);
        Offices = admin ? [] : offices;
        OfficeChoices = await OfficesInScopeAsync(directory, db, ct);
        var chosen = Office is null ? OfficeChoices.FirstOrDefault() : OfficeChoices.FirstOrDefault(o => o.Id == Office);
        if (Office is not null && chosen is null) return NotYours();
        Office = chosen?.Id;

        var now = time.GetUtcNow();
        var today = OfficeTime.LocalDate(now, null);
        var (from, to) = (OfficeTime.At(today, TimeOnly.MinValue, null), OfficeTime.At(today.AddDays(1), TimeOnly.MinValue, null));
        BookingsToday = await db.Bookings.CountAsync(b => (admin || offices.Contains(b.OfficeId)) && b.Start >= from && b.Start < to
            && b.Status != BookingStatus.Cancelled, ct);
        OpenHandoffs = await db.HandoffRequests.Where(HandoffRequest.VisibleTo(admin, offices)).CountAsync(h => h.Status == HandoffStatus.Open, ct);
        UpcomingSessions = await db.Sessions.CountAsync(s => (admin || offices.Contains(s.OfficeId)) && s.Start >= now
            && s.Status == SessionStatus.Scheduled, ct);
        if (admin)
        {
            var since = now.AddDays(-7);
            FailedDeliveries = await db.Deliveries.CountAsync(d => d.Status == DeliveryStatus.Failed && d.CreatedAt >= since, ct);
        }

        // The dashboard checks scope again itself: an officer gets their offices' bookings and no system-wide figures.
        if (chosen is not null && await dashboard.BookingLoadAsync(User, chosen.Id, ct) is { } load) LoadChart = DashboardCharts.Load(load);
        if (await dashboard.DeliveriesAsync(User, ct) is { } deliveries) DeliveryChart = DashboardCharts.Deliveries(deliveries);
        if (await dashboard.UnderstandingAsync(User, ct) is { } understanding) UnderstandingChart = DashboardCharts.Understanding(understanding);
        return Page();
    }
}
