using Messaging.Core.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Messaging.Server.Pages.Staff;

/// <summary>Sets a password with a one-time link an admin made: the link is spent, and every session of the account ends.</summary>
[EnableRateLimiting(ServerSetup.LoginPolicy)]
public sealed class ResetModel(StaffAccounts accounts) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }
    public string? UserName { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        UserName = (await accounts.FindByResetTokenAsync(Token, ct))?.UserName;
        if (UserName is null) Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string password, string confirm, CancellationToken ct)
    {
        UserName = (await accounts.FindByResetTokenAsync(Token, ct))?.UserName;
        if (UserName is null) { Response.StatusCode = StatusCodes.Status404NotFound; return Page(); }
        if (password != confirm) { Error = "Hai lần nhập mật khẩu không giống nhau."; return Page(); }
        try
        {
            await accounts.ResetPasswordAsync(Token!, password, ct);
        }
        catch (StaffException e)
        {
            Error = e.Message.StartsWith("A password", StringComparison.Ordinal) ? $"Mật khẩu cần từ {StaffAccounts.MinPasswordLength} đến 200 ký tự." : "Đường dẫn đã hết hạn hoặc đã được dùng.";
            return Page();
        }
        TempData["Flash"] = "Đã đặt mật khẩu. Anh/chị đăng nhập bằng mật khẩu mới.";
        return Redirect("/staff/login");
    }
}
