using Messaging.Core.Persistence;
using Messaging.Core.Staff;
using Messaging.Server.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Messaging.Server.Pages.Staff;

public sealed class LogoutModel(StaffAccounts accounts, MessagingDbContext db) : PageModel
{
    public IActionResult OnGet() => Redirect("/staff");

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (User.Identity?.Name is { } name)
        {
            accounts.AuditSignOut(name);
            await db.SaveChangesAsync(ct);
        }
        await HttpContext.SignOutAsync(StaffAuthentication.CookieScheme);
        return Redirect("/staff/login");
    }
}
