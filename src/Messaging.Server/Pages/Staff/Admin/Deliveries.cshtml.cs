using System.Text.Json.Nodes;
using Messaging.Core;
using Messaging.Core.Appointments;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Notifier.Queues;
using Messaging.Server.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Messaging.Server.Pages.Staff.Admin;

/// <summary>Every notification's fate: a filtered list, one delivery's attempts, retry, the poison queue with replay, and the local outbox.</summary>
public sealed class DeliveriesModel(MessagingDbContext db, INotificationQueue queue, IOptions<MessagingOptions> options) : StaffPage
{
    [BindProperty(SupportsGet = true)] public DeliveryStatus? Status { get; set; }
    [BindProperty(SupportsGet = true)] public string? Channel { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? Date { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Id { get; set; }
    public IReadOnlyList<Delivery> Rows { get; private set; } = [];
    public Delivery? Current { get; private set; }
    public IReadOnlyList<PoisonMessage> Poison { get; private set; } = [];
    public IReadOnlyList<JsonObject> Outbox { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var q = db.Deliveries.AsNoTracking();
        if (Status is { } s) q = q.Where(d => d.Status == s);
        if (!string.IsNullOrEmpty(Channel)) q = q.Where(d => d.Channel == Channel);
        if (Date is { } day)
        {
            var (from, to) = (OfficeTime.At(day, TimeOnly.MinValue, null), OfficeTime.At(day.AddDays(1), TimeOnly.MinValue, null));
            q = q.Where(d => d.CreatedAt >= from && d.CreatedAt < to);
        }
        Rows = await q.OrderByDescending(d => d.CreatedAt).Take(100).ToListAsync(ct);
        if (Id is { } id) Current = await db.Deliveries.AsNoTracking().Include(d => d.Attempts).FirstOrDefaultAsync(d => d.Id == id, ct);
        Poison = await queue.PeekPoisonAsync(32, ct);
        Outbox = await DeliveryActions.LocalOutboxAsync(options.Value, null, 20, ct);
    }

    public async Task<IActionResult> OnPostRetryAsync(Guid id, CancellationToken ct)
    {
        TempData["Flash"] = await DeliveryActions.RetryAsync(id, db, queue, Actor, ct) switch
        {
            RetryOutcome.Queued => "Đã đưa tin vào hàng gửi lại.",
            RetryOutcome.AlreadySent => "Tin này đã gửi thành công, không gửi lại.",
            _ => "Không tìm thấy tin.",
        };
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostReplayAsync(string id, CancellationToken ct)
    {
        var ok = await queue.ReplayPoisonAsync(id, ct);
        db.AuditLog.Add(new Messaging.Core.Templates.AuditEntry { At = DateTimeOffset.UtcNow, Actor = Actor, Action = "poison.replay", Subject = id });
        await db.SaveChangesAsync(ct);
        TempData["Flash"] = ok ? "Đã đưa tin lỗi trở lại hàng gửi." : "Tin này không còn trong hàng lỗi.";
        return RedirectToPage();
    }

    public static string Text(DeliveryStatus s) => s switch
    {
        DeliveryStatus.Pending => "đang chờ", DeliveryStatus.Sent => "đã gửi", DeliveryStatus.Failed => "lỗi", _ => "bỏ qua",
    };
}
