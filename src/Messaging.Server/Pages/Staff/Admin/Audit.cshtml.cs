using Messaging.Core.Persistence;
using Messaging.Core.Templates;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Server.Pages.Staff.Admin;

/// <summary>Who did what, and when: sign-ins, template changes, broadcasts, retries, handoff replies.</summary>
public sealed class AuditModel(MessagingDbContext db) : StaffPage
{
    [BindProperty(SupportsGet = true)] public string? By { get; set; }
    [BindProperty(SupportsGet = true)] public string? Action { get; set; }
    [BindProperty(SupportsGet = true)] public int PageNumber { get; set; }
    public IReadOnlyList<AuditEntry> Rows { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var q = db.AuditLog.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(By)) q = q.Where(a => a.Actor == By.Trim());
        if (!string.IsNullOrWhiteSpace(Action)) q = q.Where(a => a.Action.StartsWith(Action.Trim()));
        Rows = await q.OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Skip(Math.Max(0, PageNumber) * 100).Take(100).ToListAsync(ct);
    }
}
