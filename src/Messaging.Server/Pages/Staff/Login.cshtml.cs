using System.Globalization;
using Messaging.Core.Staff;
using Messaging.Server.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Messaging.Server.Pages.Staff;

[EnableRateLimiting(ServerSetup.LoginPolicy)]
public sealed class LoginModel(StaffAccounts accounts) : PageModel
{
    [BindProperty] public string UserName { get; set; } = "";
    [BindProperty] public string Password { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public string? Error { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var from = ClientKeys.Network(HttpContext.Connection.RemoteIpAddress);
        var outcome = await accounts.SignInAsync(UserName, Password, from, ct);
        switch (outcome.Result)
        {
            case StaffSignIn.Success:
                var session = await accounts.StartSessionAsync(outcome.User!, ct);
                await HttpContext.SignInAsync(StaffAuthentication.CookieScheme, StaffAuthentication.Principal(outcome.User!, session.Id));
                return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/staff");
            case StaffSignIn.LockedOut:
                Error = $"Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau {OfficeClock(outcome.LockedUntil)}.";
                break;
            default:
                Error = "Tên đăng nhập hoặc mật khẩu không đúng.";
                break;
        }
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Page();
    }

    private static string OfficeClock(DateTimeOffset? at) =>
        at is { } t ? Messaging.Core.Appointments.OfficeTime.ToLocal(t, null).ToString("HH:mm", CultureInfo.InvariantCulture) : "ít phút";
}
