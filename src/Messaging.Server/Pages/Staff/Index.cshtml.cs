using Messaging.Core.Appointments;
using Messaging.Core.Conversations;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Server.Security;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Server.Pages.Staff;

public sealed class IndexModel(MessagingDbContext db, TimeProvider time) : PageModel
{
    public string DisplayName { get; private set; } = "";
    public IReadOnlyList<string> Offices { get; private set; } = [];
    public int BookingsToday { get; private set; }
    public int OpenHandoffs { get; private set; }
    public int UpcomingSessions { get; private set; }
    public int? FailedDeliveries { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        DisplayName = User.FindFirst(StaffAuthentication.DisplayNameClaim)?.Value ?? User.Identity?.Name ?? "";
        var admin = StaffAuthentication.IsAdmin(User);
        var offices = StaffAuthentication.OfficesOf(User);
        Offices = admin ? [] : offices;
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
    }
}
