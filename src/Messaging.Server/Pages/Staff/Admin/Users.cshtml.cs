using Messaging.Core.Appointments;
using Messaging.Core.Persistence;
using Messaging.Core.Staff;
using Microsoft.AspNetCore.Mvc;

namespace Messaging.Server.Pages.Staff.Admin;

/// <summary>
/// Staff accounts for admins: create officers and admins, assign roles and offices, disable, send a one-time link to set
/// a password. A change applies at the person's next request (sessions are the server's); every change is audited.
/// </summary>
public sealed class UsersModel(StaffAccounts accounts, MessagingDbContext db, OfficeDirectory directory) : StaffPage
{
    public IReadOnlyList<StaffUser> Rows { get; private set; } = [];
    public IReadOnlyList<Office> Offices { get; private set; } = [];
    [BindProperty(SupportsGet = true)] public Guid? Id { get; set; }
    public StaffUser? Current { get; private set; }
    /// <summary>Shown once, right after it was made: the link the person opens to set their password.</summary>
    public string? ResetLink { get; private set; }
    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    private async Task LoadAsync(CancellationToken ct)
    {
        Rows = await accounts.ListAsync(ct);
        Offices = await directory.AllAsync(db, ct);
        if (Id is { } id) Current = Rows.FirstOrDefault(u => u.Id == id);
    }

    public async Task<IActionResult> OnPostCreateAsync(string userName, string? displayName, string role, string[]? offices, CancellationToken ct)
    {
        try
        {
            // The new account gets a password nobody knows; its owner sets their own through the one-time link.
            var user = await accounts.CreateAsync(userName, displayName ?? "", Messaging.Core.Identity.Fingerprint.NewSecret(), role,
                await ValidOfficesAsync(offices, ct), Actor, ct);
            return await ShowLinkAsync(user.Id, $"Đã tạo tài khoản {user.UserName}.", ct);
        }
        catch (StaffException e)
        {
            return await FailAsync(e.Message, ct);
        }
    }

    public async Task<IActionResult> OnPostUpdateAsync(Guid id, string? displayName, string role, string[]? offices, CancellationToken ct)
    {
        try
        {
            var user = await accounts.UpdateAsync(id, displayName ?? "", role, await ValidOfficesAsync(offices, ct), Actor, ct);
            return Done($"Đã cập nhật {user.UserName}; thay đổi có hiệu lực ngay.", new { id });
        }
        catch (StaffException e)
        {
            Id = id;
            return await FailAsync(e.Message, ct);
        }
    }

    public async Task<IActionResult> OnPostDisableAsync(Guid id, bool disabled, CancellationToken ct)
    {
        try
        {
            await accounts.SetDisabledAsync(id, disabled, Actor, ct);
            return Done(disabled ? "Đã khóa tài khoản; mọi phiên đăng nhập của tài khoản đã kết thúc." : "Đã mở lại tài khoản.", new { id });
        }
        catch (StaffException e)
        {
            Id = id;
            return await FailAsync(e.Message, ct);
        }
    }

    public async Task<IActionResult> OnPostUnlockAsync(Guid id, CancellationToken ct)
    {
        try
        {
            await accounts.UnlockAsync(id, Actor, ct);
            return Done("Đã gỡ tạm khóa đăng nhập của tài khoản.", new { id });
        }
        catch (StaffException e)
        {
            Id = id;
            return await FailAsync(e.Message, ct);
        }
    }

    public async Task<IActionResult> OnPostResetAsync(Guid id, CancellationToken ct)
    {
        try
        {
            return await ShowLinkAsync(id, "Đã tạo đường dẫn đặt mật khẩu (dùng một lần, trong 24 giờ); các đường dẫn cũ hết hiệu lực.", ct);
        }
        catch (StaffException e)
        {
            return await FailAsync(e.Message, ct);
        }
    }

    private async Task<IActionResult> ShowLinkAsync(Guid id, string message, CancellationToken ct)
    {
        var token = await accounts.CreateResetLinkTokenAsync(id, Actor, ct);
        // The token is in the fragment-free query of a link the admin passes on by hand; it is never stored or logged.
        ResetLink = $"{Request.Scheme}://{Request.Host}{Request.PathBase}/staff/reset?token={Uri.EscapeDataString(token)}";
        TempData["Flash"] = message;
        Id = id;
        await LoadAsync(ct);
        return Page();
    }

    private async Task<IActionResult> FailAsync(string message, CancellationToken ct)
    {
        Error = message;
        await LoadAsync(ct);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task<List<string>> ValidOfficesAsync(string[]? offices, CancellationToken ct)
    {
        var known = await directory.AllAsync(db, ct);
        return (offices ?? []).Where(o => known.Any(k => k.Id == o)).Distinct().ToList();
    }
}
