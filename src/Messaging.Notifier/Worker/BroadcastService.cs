using Messaging.Core.Templates;
using System.Text.Json;
using Messaging.Core.Appointments;
using Messaging.Core.Identity;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Messaging.Notifier.Planning;
using Messaging.Notifier.Queues;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Notifier.Worker;

public sealed record BroadcastDraft(string OfficeId, DateOnly? From, DateOnly? To, string? ProcedureId, Guid? SessionId,
    int? RecentDays, string? Message, string? TemplateKey, JsonElement? Data, bool Critical, IReadOnlyList<string>? Channels = null);

/// <summary>Where a broadcast stands: recipients, queued, and per channel how many were sent, failed or skipped.</summary>
public sealed record BroadcastProgress(Guid Id, BroadcastStatus Status, int Recipients, int Queued,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> ByChannel);

/// <summary>
/// Broadcasts: count the audience in people, fan out one queue message per person in pages under a lease (one worker at
/// a time; a dead worker's broadcast is taken over when the lease lapses, resuming at the cursor), report progress,
/// cancel mid-way.
/// </summary>
public sealed class BroadcastService(IServiceScopeFactory scopes, INotificationQueue queue, TimeProvider time)
{
    public const int PageSize = 500;
    public const int MaxMessageLength = 1000;
    public const string DefaultTemplate = "notify/broadcast";

    /// <summary>Templates whose data a booking supplies, so they can go to every booking of an audience: the only ones a broadcast may use.</summary>
    public static readonly (string Key, string Title)[] Templates =
    [
        (DefaultTemplate, "Thông báo tự soạn"),
        ("notify/booking.reminder-day-before", "Nhắc lịch hẹn (kèm giờ hẹn, giấy tờ cần mang)"),
        ("notify/booking.reminder-soon", "Nhắc lịch hẹn sắp tới giờ"),
    ];

    /// <summary>What the product fills in from its own records; a broadcast's data may not set it.</summary>
    public static readonly string[] ReservedData = ["office", "booking", "bookings", "citizen", "links", "message", "session", "reason", "rebook_hint", "officer"];

    // A data key named like a helper or a Scriban built-in would shadow it in every recipient's render ("time" turned
    // into a string breaks each time shown).
    private static readonly string[] ScribanBuiltins = ["array", "date", "html", "math", "object", "regex", "string", "timespan", "empty", "blank", "include"];

    private static bool IsReserved(string name) =>
        ReservedData.Contains(name) || TemplateRenderer.HelperNames.Contains(name) || ScribanBuiltins.Contains(name);

    /// <summary>
    /// The rules every broadcast follows, whether it comes from the page or the API: one of <see cref="Templates"/>, a
    /// message of at most <see cref="MaxMessageLength"/> characters, data that cannot overwrite what the product fills in,
    /// and the critical flag (which breaks quiet hours) for admins only.
    /// </summary>
    public async Task<Broadcast> CreateAsync(BroadcastDraft draft, string by, CancellationToken ct, bool byAdmin = false)
    {
        if (draft.From is null && draft.RecentDays is null && draft.SessionId is null)
            throw new ArgumentException("Choose the audience: a date or range, a session, or the last N days.");
        if (string.IsNullOrWhiteSpace(draft.Message) && draft.TemplateKey is null)
            throw new ArgumentException("Write a message or choose a template.");
        if (draft.TemplateKey is { } key && !Templates.Any(t => t.Key == key))
            throw new ArgumentException($"A broadcast uses one of: {string.Join(", ", Templates.Select(t => t.Key))}.");
        if (draft.Message?.Length > MaxMessageLength)
            throw new ArgumentException($"A broadcast message has at most {MaxMessageLength} characters.");
        if (draft.Data is { } data && (data.ValueKind != JsonValueKind.Object || data.EnumerateObject().Any(p => IsReserved(p.Name))))
            throw new ArgumentException($"data is an object and may not set {string.Join(", ", ReservedData.Concat(TemplateRenderer.HelperNames).Concat(ScribanBuiltins))}.");
        if (draft.Critical && !byAdmin)
            throw new UnauthorizedAccessException("Only admins may send a broadcast that breaks quiet hours.");
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        var now = time.GetUtcNow();
        var broadcast = new Broadcast
        {
            Id = Guid.CreateVersion7(now), OfficeId = draft.OfficeId, From = draft.From, To = draft.To ?? draft.From,
            ProcedureId = draft.ProcedureId, SessionId = draft.SessionId, RecentDays = draft.RecentDays,
            TemplateKey = draft.TemplateKey ?? "notify/broadcast", Message = draft.Message?.Trim(),
            DataJson = draft.Data?.GetRawText() ?? "{}", Critical = draft.Critical, Status = BroadcastStatus.Draft,
            Channels = [.. draft.Channels ?? []],
            CreatedBy = by, CreatedAt = now, UpdatedAt = now,
        };
        // One message per person: the audience is counted in phone numbers, not bookings.
        broadcast.Recipients = await Audience(db, broadcast).Select(x => x.Phone).Distinct().CountAsync(ct);
        db.Add(broadcast);
        db.AuditLog.Add(new AuditEntry { At = now, Actor = by, Action = "broadcast.create", Subject = broadcast.Id.ToString(), Details = $"{broadcast.Recipients} recipients" });
        await db.SaveChangesAsync(ct);
        return broadcast;
    }

    public Task StartAsync(Guid id, string by, CancellationToken ct) => SetStatusAsync(id, BroadcastStatus.Running, BroadcastStatus.Draft, by, ct);

    /// <summary>Stops the fan-out and makes the worker skip what is still queued.</summary>
    public Task CancelAsync(Guid id, string by, CancellationToken ct) => SetStatusAsync(id, BroadcastStatus.Cancelled, null, by, ct);

    /// <summary>
    /// Queues one page of people (phone numbers, in order) under this worker's lease on the broadcast; returns how many,
    /// 0 when the broadcast is complete, cancelled or leased by another worker. Each person gets one message listing
    /// their bookings, keyed by the broadcast and the person: a page sent twice (a worker that died between sending and
    /// moving the cursor) is claimed once per key by the processor.
    /// </summary>
    public async Task<int> FanOutPageAsync(Guid id, string owner, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        var now = time.GetUtcNow();
        var leased = await db.Set<Broadcast>()
            .Where(b => b.Id == id && b.Status == BroadcastStatus.Running && (b.LeaseUntil == null || b.LeaseUntil < now || b.LeaseOwner == owner))
            .ExecuteUpdateAsync(u => u.SetProperty(b => b.LeaseOwner, owner).SetProperty(b => b.LeaseUntil, now + Lease), ct);
        if (leased == 0) return 0;
        var broadcast = await db.Set<Broadcast>().AsNoTracking().FirstAsync(b => b.Id == id, ct);
        var audience = Audience(db, broadcast);
        var phones = audience.Select(b => b.Phone).Distinct();
        if (broadcast.CursorPhone is { } cursor) phones = phones.Where(p => p.CompareTo(cursor) > 0);
        var page = await phones.OrderBy(p => p).Take(PageSize).ToListAsync(ct);
        if (page.Count == 0)
        {
            await db.Set<Broadcast>().Where(b => b.Id == id && b.Status == BroadcastStatus.Running && b.LeaseOwner == owner)
                .ExecuteUpdateAsync(u => u.SetProperty(b => b.Status, BroadcastStatus.Completed).SetProperty(b => b.UpdatedAt, time.GetUtcNow())
                    .SetProperty(b => b.LeaseOwner, (string?)null).SetProperty(b => b.LeaseUntil, (DateTimeOffset?)null), ct);
            return 0;
        }
        var bookings = await audience.Where(b => page.Contains(b.Phone)).ToListAsync(ct);
        var extra = new Dictionary<string, object?> { ["message"] = broadcast.Message ?? "" };
        using (var data = JsonDocument.Parse(broadcast.DataJson))
        {
            // Checked at creation; skipped here too, so no stored broadcast can overwrite the product's own fields.
            foreach (var p in data.RootElement.EnumerateObject().Where(p => !ReservedData.Contains(p.Name))) extra[p.Name] = p.Value.Clone();
        }
        var office = await db.Offices.AsNoTracking().FirstOrDefaultAsync(o => o.Id == broadcast.OfficeId, ct);
        var contacts = await db.Set<Contact>().AsNoTracking().Where(c => page.Contains(c.Phone)).ToDictionaryAsync(c => c.Phone, ct);
        var context = new PlanContext(db, scope.ServiceProvider.GetRequiredService<ProcedureCatalog>(), now);
        var fingerprints = scope.ServiceProvider.GetRequiredService<Fingerprinter>();
        var bodies = new List<string>(page.Count);
        foreach (var person in bookings.GroupBy(b => b.Phone).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var theirs = person.OrderBy(b => b.Start).ThenBy(b => b.Id).ToList();
            var listed = new Dictionary<string, object?>(extra)
            {
                ["bookings"] = theirs.Select(b => new
                {
                    code = b.Code, start = b.Start.ToString("O"), queue_number = b.QueueNumber,
                    procedure = context.Catalog.Find(b.ProcedureId)?.Title ?? b.ProcedureId,
                    procedure_en = context.Catalog.Find(b.ProcedureId)?.TitleEn ?? b.ProcedureId,
                }).ToList(),
            };
            // The first booking speaks for the person (its name, channel and conversation); a broadcast is news, not a
            // reminder, so it does not expire at that appointment's start.
            var request = await BookingNotices.RequestAsync(context, theirs[0], PersonKey(fingerprints, broadcast.Id, person.Key), broadcast.TemplateKey, listed,
                null, ct, priority: broadcast.Critical ? NotificationPriority.Critical : NotificationPriority.Normal, office: office,
                contacts: contacts, expires: false, news: true);
            var recipient = broadcast.Channels.Count > 0 ? request.Recipient with { ChannelOrder = broadcast.Channels } : request.Recipient;
            bodies.Add(JsonSerializer.Serialize(request with { BroadcastId = broadcast.Id, Recipient = recipient }, NotificationProcessor.Json));
        }
        var last = page[^1];
        await OutboxDispatcher.EnqueueAndMarkAsync(db, queue, bodies, () =>
            db.Set<Broadcast>().Where(b => b.Id == id && b.LeaseOwner == owner)
                .ExecuteUpdateAsync(u => u.SetProperty(b => b.CursorPhone, last).SetProperty(b => b.Queued, b => b.Queued + bodies.Count)
                    .SetProperty(b => b.UpdatedAt, time.GetUtcNow()).SetProperty(b => b.LeaseUntil, time.GetUtcNow() + Lease), ct), ct);
        return bodies.Count;
    }

    /// <summary>How long one worker holds a broadcast's fan-out; renewed with every page.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The key of one person's message: the broadcast and a keyed fingerprint of their phone. Keys are logged and
    /// traced, and a plain hash of a phone is reversed by trying every number; every node holds the same key, so the
    /// key stays the same whichever worker fans the page out.
    /// </summary>
    public static string PersonKey(Fingerprinter fingerprints, Guid broadcast, string phone) =>
        $"broadcast:{broadcast:N}:" + fingerprints.Of($"{broadcast:N}:{phone}");

    public async Task<BroadcastProgress?> ProgressAsync(Guid id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        var b = await db.Set<Broadcast>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (b is null) return null;
        var rows = await db.Deliveries.AsNoTracking().Where(d => d.BroadcastId == id)
            .GroupBy(d => new { d.Channel, d.Status }).Select(g => new { g.Key.Channel, g.Key.Status, Count = g.Count() }).ToListAsync(ct);
        var byChannel = rows.GroupBy(r => r.Channel ?? "none").ToDictionary(g => g.Key,
            g => (IReadOnlyDictionary<string, int>)g.ToDictionary(x => x.Status.ToString().ToLowerInvariant(), x => x.Count));
        return new BroadcastProgress(b.Id, b.Status, b.Recipients, b.Queued, byChannel);
    }

    public async Task<bool> IsCancelledAsync(Guid id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MessagingDbContext>().Set<Broadcast>()
            .AnyAsync(b => b.Id == id && b.Status == BroadcastStatus.Cancelled, ct);
    }

    private async Task SetStatusAsync(Guid id, BroadcastStatus status, BroadcastStatus? from, string by, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        var q = db.Set<Broadcast>().Where(b => b.Id == id && b.Status != BroadcastStatus.Completed);
        if (from is { } f) q = q.Where(b => b.Status == f);
        if (await q.ExecuteUpdateAsync(u => u.SetProperty(b => b.Status, status), ct) == 0) return;
        db.AuditLog.Add(new AuditEntry { At = time.GetUtcNow(), Actor = by, Action = "broadcast." + status.ToString().ToLowerInvariant(), Subject = id.ToString() });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The bookings a broadcast reaches, ordered by id for paging.</summary>
    private IQueryable<Booking> Audience(MessagingDbContext db, Broadcast b)
    {
        var q = db.Bookings.AsNoTracking().Where(x => x.OfficeId == b.OfficeId);
        if (b.SessionId is { } session) return q.Where(x => x.SessionId == session && x.Status == BookingStatus.Booked);
        if (b.RecentDays is { } days)
        {
            var since = time.GetUtcNow().AddDays(-days);
            return q.Where(x => x.CreatedAt >= since && x.Status != BookingStatus.Cancelled);
        }
        var from = OfficeTime.At(b.From!.Value, TimeOnly.MinValue, null);
        var to = OfficeTime.At((b.To ?? b.From).Value.AddDays(1), TimeOnly.MinValue, null);
        q = q.Where(x => x.Start >= from && x.Start < to && x.Status == BookingStatus.Booked);
        if (b.ProcedureId is { } procedure) q = q.Where(x => x.ProcedureId == procedure);
        return q;
    }
}
