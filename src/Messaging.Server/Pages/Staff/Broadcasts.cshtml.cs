using System.Text.Json;
using Messaging.Core.Appointments;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Messaging.Core.Templates;
using Messaging.Notifier.Worker;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Server.Pages.Staff;

/// <summary>
/// An officer's announcement on one screen: audience (a day or range, a procedure, a session, or recent visitors),
/// channels, the message with exactly what each channel will send, the recipient count before anything goes out, a
/// confirmation, then live progress and cancel.
/// </summary>
public sealed class BroadcastsModel(MessagingDbContext db, OfficeDirectory directory, BroadcastService broadcasts,
    ProcedureCatalog catalog, TemplateStore templates, TimeProvider time) : StaffPage
{
    public static readonly (string Channel, string Title)[] ChannelChoices =
        [("zalo", "Zalo"), ("zns", "Zalo ZNS"), ("sms", "SMS"), ("email", "Email"), ("webchat", "Web chat")];

    [BindProperty] public string? Office { get; set; }
    [BindProperty] public DateOnly? From { get; set; }
    [BindProperty] public DateOnly? To { get; set; }
    [BindProperty] public string? Procedure { get; set; }
    [BindProperty] public Guid? Session { get; set; }
    [BindProperty] public int? RecentDays { get; set; }
    [BindProperty] public List<string> Channels { get; set; } = [];
    [BindProperty] public string? Message { get; set; }
    [BindProperty] public string Template { get; set; } = DefaultTemplate;

    public const string DefaultTemplate = BroadcastService.DefaultTemplate;
    public static (string Key, string Title)[] TemplateChoices => BroadcastService.Templates;
    [BindProperty(SupportsGet = true)] public Guid? Id { get; set; }

    public IReadOnlyList<Office> Offices { get; private set; } = [];
    public IReadOnlyList<Session> Sessions { get; private set; } = [];
    public IReadOnlyCollection<Procedure> Procedures => catalog.All;
    public IReadOnlyList<Broadcast> Recent { get; private set; } = [];
    public Broadcast? Current { get; private set; }
    public BroadcastProgress? Progress { get; private set; }
    public IReadOnlyList<(string Channel, string Text)> Previews { get; private set; } = [];
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Id is { } id)
        {
            Current = await db.Set<Broadcast>().AsNoTracking().FirstOrDefaultAsync(b => b.Id == id, ct);
            if (Current is null || !MayActFor(Current.OfficeId)) return NotYours();
            Progress = await broadcasts.ProgressAsync(id, ct);
            Previews = await PreviewAsync(Current.OfficeId, Current.Message ?? "", ct);
        }
        From ??= OfficeTime.LocalDate(time.GetUtcNow(), null).AddDays(1);
        return Page();
    }

    /// <summary>Counts the audience and renders every channel: a draft, nothing sent yet.</summary>
    public async Task<IActionResult> OnPostPrepareAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (!MayActFor(Office)) return NotYours();
        if (!TemplateChoices.Any(t => t.Key == Template)) Template = DefaultTemplate;
        if (Template == DefaultTemplate && string.IsNullOrWhiteSpace(Message)) Error = "Hãy soạn nội dung thông báo.";
        else if (Message?.Length > 1000) Error = "Nội dung dài quá 1.000 ký tự.";
        else if (From is null && Session is null && RecentDays is null) Error = "Hãy chọn người nhận: một ngày, một buổi làm việc, hoặc số ngày gần đây.";
        if (Error is not null) return Page();
        var channels = Channels.Where(c => ChannelChoices.Any(x => x.Channel == c)).ToList();
        // One audience: a session wins over recent visitors, which win over dates.
        var byDate = Session is null && RecentDays is null;
        var draft = await broadcasts.CreateAsync(new BroadcastDraft(Office!, byDate ? From : null, byDate ? To : null,
            string.IsNullOrEmpty(Procedure) ? null : Procedure, Session, Session is null ? RecentDays : null, Message,
            Template == DefaultTemplate ? null : Template, null, false, channels), Actor, ct, byAdmin: IsAdmin);
        return RedirectToPage(new { id = draft.Id });
    }

    public async Task<IActionResult> OnPostSendAsync(Guid id, CancellationToken ct) =>
        await WithAsync(id, async () => { await broadcasts.StartAsync(id, Actor, ct); return "Đang gửi thông báo."; }, ct);

    public async Task<IActionResult> OnPostCancelAsync(Guid id, CancellationToken ct) =>
        await WithAsync(id, async () => { await broadcasts.CancelAsync(id, Actor, ct); return "Đã dừng: những tin chưa gửi sẽ không gửi nữa."; }, ct);

    private async Task<IActionResult> WithAsync(Guid id, Func<Task<string>> action, CancellationToken ct)
    {
        var b = await db.Set<Broadcast>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (b is null || !MayActFor(b.OfficeId)) return NotYours();
        TempData["Flash"] = await action();
        return RedirectToPage(new { id });
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Offices = await OfficesInScopeAsync(directory, db, ct);
        var ids = Offices.Select(o => o.Id).ToList();
        var now = time.GetUtcNow();
        Sessions = await db.Sessions.AsNoTracking().Where(s => ids.Contains(s.OfficeId) && s.End > now && s.Status == SessionStatus.Scheduled)
            .OrderBy(s => s.Start).Take(50).ToListAsync(ct);
        Recent = await db.Set<Broadcast>().AsNoTracking().Where(b => ids.Contains(b.OfficeId))
            .OrderByDescending(b => b.CreatedAt).Take(10).ToListAsync(ct);
    }

    /// <summary>What each channel sends, from the same templates and data the worker will use (a sample name).</summary>
    private async Task<IReadOnlyList<(string, string)>> PreviewAsync(string officeId, string message, CancellationToken ct)
    {
        var office = await directory.FindAsync(db, officeId, ct);
        var key = Current?.TemplateKey ?? DefaultTemplate;
        // The template's own sample stands in for one recipient's booking; the office and the message are the real ones.
        var sample = System.Text.Json.Nodes.JsonNode.Parse((await templates.GetAsync(key, ct)).SampleModelJson)?.AsObject() ?? [];
        sample["message"] = message;
        sample["office"] = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(new
        {
            name = office?.Name ?? officeId, name_en = Messaging.Core.Appointments.OfficeNames.English(office?.Name ?? officeId),
            phone = office?.Phone ?? "", address = office?.Address ?? "",
            map_url = sample["office"]?["map_url"]?.GetValue<string>() ?? "",
        }));
        var data = JsonSerializer.SerializeToElement(sample);
        var result = new List<(string, string)>();
        foreach (var (channel, title) in new[] { ("sms", "SMS"), ("zalo", "Zalo"), ("email.subject", "Email: tiêu đề"), ("email.text", "Email: nội dung") })
        {
            try
            {
                var r = await templates.RenderAsync(key, channel, "vi", data, ct);
                if (r is not null) result.Add((title + (r.Sms is { } s ? $" · {s.Units} ký tự, {s.Segments} tin" : ""), r.Text));
            }
            catch (TemplateRenderException e)
            {
                result.Add((title, "⚠ " + e.Issue.Message));
            }
        }
        return result;
    }

    public string StatusText(BroadcastStatus s) => s switch
    {
        BroadcastStatus.Draft => "chưa gửi", BroadcastStatus.Running => "đang gửi", BroadcastStatus.Completed => "đã đưa vào hàng gửi hết",
        _ => "đã dừng",
    };
}
