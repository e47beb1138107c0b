
using Messaging.Core.Staff;
using Messaging.Server.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Messaging.Server.Pages.Staff;

public sealed class LogoutModel(StaffAccounts accounts) : PageModel
{
    public IActionResult OnGet() => Redirect("/staff");

    /// <summary>Ends the session on the server too: a copy of the cookie taken before is worth nothing after.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (User.Identity?.Name is { } name && Guid.TryParse(User.FindFirst(StaffAuthentication.SessionClaim)?.Value, out var session))
            await accounts.SignOutAsync(session, name, ct);
        await HttpContext.SignOutAsync(StaffAuthentication.CookieScheme);
        return Redirect("/staff/login");
    }
}
