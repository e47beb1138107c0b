using System.Text.Json;
using Messaging.Core.Appointments;
using Messaging.Core.Conversations;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Notifier.Queues;
using Messaging.Notifier.Worker;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Server.Pages.Staff;

/// <summary>
/// Citizens who asked for a person: their masked transcript, a reply that goes out through the channel they wrote on
/// (as a notification: queued, retried, sent once), and close.
/// </summary>
public sealed class HandoffsModel(MessagingDbContext db, OfficeDirectory directory, INotificationQueue queue, TimeProvider time) : StaffPage
{
    [BindProperty(SupportsGet = true)] public Guid? Id { get; set; }
    [BindProperty(SupportsGet = true)] public bool Closed { get; set; }
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; }
    public const int PageSize = 25;
    public int Total { get; private set; }
    public IReadOnlyList<HandoffRequest> Rows { get; private set; } = [];
    public HandoffRequest? Current { get; private set; }
    public IReadOnlyList<ConversationActivity> Transcript { get; private set; } = [];

    private async Task<List<string>> ScopeAsync(CancellationToken ct) => (await OfficesInScopeAsync(directory, db, ct)).Select(o => o.Id).ToList();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var offices = await ScopeAsync(ct);
        var admin = IsAdmin;
        var query = db.HandoffRequests.AsNoTracking().Where(HandoffRequest.VisibleTo(admin, offices))
            .Where(h => Closed ? h.Status == HandoffStatus.Closed : h.Status != HandoffStatus.Closed);
        Total = await query.CountAsync(ct);
        PageNumber = Math.Clamp(PageNumber, 0, Math.Max(0, (Total - 1) / PageSize));
        // Verified people first (a flood of anonymous requests cannot push them down), newest first within each.
        Rows = await query.OrderByDescending(h => h.Verified).ThenByDescending(h => h.CreatedAt)
            .Skip(PageNumber * PageSize).Take(PageSize).ToListAsync(ct);
        if (admin) AssignableOffices = await directory.AllAsync(db, ct);
        if (Id is { } id)
        {
            Current = await db.HandoffRequests.AsNoTracking().FirstOrDefaultAsync(h => h.Id == id, ct);
            if (Current is null || !(admin || (Current.OfficeId is not null && offices.Contains(Current.OfficeId)))) return NotYours();
            // What citizens typed is stored masked (phone and ID numbers); officers read that copy.
            Transcript = await db.ConversationActivities.AsNoTracking().Where(a => a.ConversationId == Current.ConversationId)
                .OrderByDescending(a => a.Sequence).Take(60).OrderBy(a => a.Sequence).ToListAsync(ct);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostReplyAsync(Guid id, string message, CancellationToken ct)
    {
        var h = await db.HandoffRequests.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (h is null || !await MayHandleAsync(h, ct)) return NotYours();
        if (string.IsNullOrWhiteSpace(message) || message.Length > 1500)
        {
            TempData["Flash"] = "Câu trả lời cần có nội dung, tối đa 1.500 ký tự.";
            return RedirectToPage(new { id });
        }
        var office = h.OfficeId is null ? null : await directory.FindAsync(db, h.OfficeId, ct);
        var replies = await db.AuditLog.CountAsync(a => a.Action == "handoff.reply" && a.Subject == h.Id.ToString(), ct);
        var recipient = h.ChannelId == "zalo"
            ? new Recipient(null, null, ZaloUserId: h.UserId, ChannelOrder: ["zalo"])
            : new Recipient(null, null, WebChatConversationId: h.ConversationId, ChannelOrder: ["webchat"]);
        var data = JsonSerializer.SerializeToElement(new
        {
            message = message.Trim(), office = new { name = office?.Name ?? "Công an xã", name_en = Messaging.Core.Appointments.OfficeNames.English(office?.Name ?? "Công an xã") },
            officer = new { name = User.FindFirst(Security.StaffAuthentication.DisplayNameClaim)?.Value ?? Actor },
        });
        // The citizen is waiting for this answer: it is not held for quiet hours.
        var request = new NotificationRequest($"handoff:{h.Id:N}:{replies + 1}", "notify/handoff.reply", recipient, data, NotificationPriority.Critical);
        await queue.SendAsync(JsonSerializer.Serialize(request, NotificationProcessor.Json), null, ct);
        h.Status = HandoffStatus.Answered;
        db.AuditLog.Add(new Messaging.Core.Templates.AuditEntry { At = time.GetUtcNow(), Actor = Actor, Action = "handoff.reply", Subject = h.Id.ToString() });
        await db.SaveChangesAsync(ct);
        TempData["Flash"] = "Đã gửi câu trả lời cho người dân.";
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostCloseAsync(Guid id, CancellationToken ct)
    {
        var h = await db.HandoffRequests.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (h is null || !await MayHandleAsync(h, ct)) return NotYours();
        h.Status = HandoffStatus.Closed;
        h.ClosedAt = time.GetUtcNow();
        db.AuditLog.Add(new Messaging.Core.Templates.AuditEntry { At = time.GetUtcNow(), Actor = Actor, Action = "handoff.close", Subject = h.Id.ToString() });
        await db.SaveChangesAsync(ct);
        TempData["Flash"] = "Đã đóng yêu cầu.";
        return RedirectToPage();
    }

    /// <summary>
    /// Admins, or an officer of the request's office. A request that names no office is the admins' to read and to give
    /// to an office: shown to every officer it would show one office's citizens to all the others.
    /// </summary>
    private async Task<bool> MayHandleAsync(HandoffRequest h, CancellationToken ct) =>
        IsAdmin || (h.OfficeId is not null && (await ScopeAsync(ct)).Contains(h.OfficeId));

    public IReadOnlyList<Office> AssignableOffices { get; private set; } = [];

    public async Task<IActionResult> OnPostAssignAsync(Guid id, string office, CancellationToken ct)
    {
        if (!IsAdmin) return NotYours();
        var h = await db.HandoffRequests.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (h is null || await directory.FindAsync(db, office, ct) is null) return NotYours();
        h.OfficeId = office;
        db.AuditLog.Add(new Messaging.Core.Templates.AuditEntry { At = time.GetUtcNow(), Actor = Actor, Action = "handoff.assign", Subject = h.Id.ToString(), Details = office });
        await db.SaveChangesAsync(ct);
        TempData["Flash"] = "Đã chuyển yêu cầu cho đơn vị.";
        return RedirectToPage(new { id });
    }
}
