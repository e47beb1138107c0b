using System.Globalization;
using Messaging.Core.Appointments;
using Messaging.Core.Persistence;
using Messaging.Server.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Messaging.Server.Pages.Staff;

/// <summary>What every staff page knows: who is signed in, which offices they may act for, and how to say so.</summary>
public abstract class StaffPage : PageModel
{
    public bool IsAdmin => StaffAuthentication.IsAdmin(User);
    public string Actor => User.Identity?.Name ?? "?";

    /// <summary>The offices this user may choose from: all for an admin, their own for an officer.</summary>
    public async Task<IReadOnlyList<Office>> OfficesInScopeAsync(OfficeDirectory directory, MessagingDbContext db, CancellationToken ct)
    {
        var all = await directory.AllAsync(db, ct);
        if (IsAdmin) return all;
        var mine = StaffAuthentication.OfficesOf(User);
        return all.Where(o => mine.Contains(o.Id)).ToList();
    }

    public bool MayActFor(string? officeId) => officeId is not null && StaffAuthentication.MayActFor(User, officeId);

    /// <summary>Another office's record, by menu or by URL: answered as if it did not exist.</summary>
    public IActionResult NotYours() => NotFound();

    public IActionResult Done(string message, object? routeValues = null)
    {
        TempData["Flash"] = message;
        return RedirectToPage(routeValues);
    }

    public static string Local(DateTimeOffset at, string format = "HH:mm dd/MM/yyyy") => OfficeTime.ToLocal(at, null).ToString(format, CultureInfo.InvariantCulture);
}
