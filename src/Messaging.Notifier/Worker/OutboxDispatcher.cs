using System.Text.Json;
using Messaging.Core.Appointments;
using Messaging.Core.Dossiers;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Messaging.Language.Entities;
using Messaging.Notifier.Queues;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Notifier.Worker;

/// <summary>
/// Turns outbox rows written by the domain into notification requests on the queue, then marks them dispatched. A row
/// is claimed with a conditional update first, so several nodes can run this at once; a node that dies after
/// enqueueing but before marking leaves the row to be dispatched again, and the deterministic keys make that harmless.
/// </summary>
public sealed class OutboxDispatcher(IServiceScopeFactory scopes, INotificationQueue queue, TimeProvider time)
{
    private static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(2);

    public async Task<int> DispatchOnceAsync(int max, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        var now = time.GetUtcNow();
        var candidates = await db.Outbox.AsNoTracking()
            .Where(o => o.DispatchedAt == null && o.ClaimedUntil < now.UtcTicks)
            .OrderBy(o => o.OccurredAt).Take(max).ToListAsync(ct);
        var done = 0;
        foreach (var row in candidates)
        {
            var claimed = await db.Outbox.Where(o => o.Id == row.Id && o.ClaimedUntil == row.ClaimedUntil && o.DispatchedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(o => o.ClaimedUntil, (now + ClaimFor).UtcTicks), ct);
            if (claimed == 0) continue; // another node has it
            if (row.Type == "booking.created") await RememberContactAsync(scope.ServiceProvider, db, row, ct);
            foreach (var request in await RequestsForAsync(db, scope.ServiceProvider.GetRequiredService<ProcedureCatalog>(), row, ct))
                await queue.SendAsync(JsonSerializer.Serialize(request, NotificationProcessor.Json), null, ct);
            await db.Outbox.Where(o => o.Id == row.Id).ExecuteUpdateAsync(u => u.SetProperty(o => o.DispatchedAt, time.GetUtcNow()), ct);
            done++;
        }
        return done;
    }

    private static async Task RememberContactAsync(IServiceProvider sp, MessagingDbContext db, OutboxMessage row, CancellationToken ct)
    {
        var id = JsonDocument.Parse(row.Payload).RootElement.GetProperty("bookingId").GetGuid();
        var b = await db.Bookings.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        // Only whoever proved the phone may set its contact details: otherwise typing someone's number would route
        // that person's messages to the typist's Zalo.
        if (b is null || !b.PhoneVerified) return;
        await sp.GetRequiredService<ContactService>().UpsertAsync(b.Phone, b.CitizenName, null, b.Channel == "zalo" ? b.ChannelUserId : null, null, b.Locale, ct);
    }

    /// <summary>Who must hear about an event, and with which template and data.</summary>
    public static async Task<IReadOnlyList<NotificationRequest>> RequestsForAsync(MessagingDbContext db, ProcedureCatalog catalog,
        OutboxMessage row, CancellationToken ct)
    {
        var payload = JsonDocument.Parse(row.Payload).RootElement;
        switch (row.Type)
        {
            case "booking.created":
            case "booking.cancelled":
            case "booking.rescheduled":
            {
                var booking = await db.Bookings.AsNoTracking().FirstOrDefaultAsync(b => b.Id == payload.GetProperty("bookingId").GetGuid(), ct);
                if (booking is null) return [];
                var template = row.Type switch
                {
                    "booking.created" => "notify/booking.confirmed",
                    "booking.cancelled" => "notify/booking.cancelled",
                    _ => "notify/booking.rescheduled",
                };
                // An officer's reason is told to the citizen; a citizen's own words are never echoed in an official SMS.
                var byCitizen = payload.TryGetProperty("cancelledBy", out var by) && by.ValueKind == JsonValueKind.String && by.GetString() == "citizen";
                var extra = new Dictionary<string, object?>
                {
                    ["reason"] = !byCitizen && payload.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : "",
                };
                var oldStart = payload.TryGetProperty("oldStart", out var os) ? os.GetDateTimeOffset() : (DateTimeOffset?)null;
                // The citizen just saw the confirmation in the chat they booked in; tell them on another channel.
                var skip = row.Type == "booking.created" ? booking.Channel : null;
                return [await BookingRequestAsync(db, catalog, booking, row.Key, template, extra, oldStart, skip, ct)];
            }
            case "session.changed":
            case "session.cancelled":
            {
                var sessionId = payload.GetProperty("sessionId").GetGuid();
                var session = await db.Sessions.AsNoTracking().FirstAsync(s => s.Id == sessionId, ct);
                var cancelled = row.Type == "session.cancelled";
                var bookings = await db.Bookings.AsNoTracking()
                    .Where(b => b.SessionId == sessionId && (cancelled ? b.Status == BookingStatus.Cancelled : b.Status == BookingStatus.Booked))
                    .ToListAsync(ct);
                var office = await db.Offices.AsNoTracking().FirstOrDefaultAsync(o => o.Id == session.OfficeId, ct);
                var list = new List<NotificationRequest>();
                foreach (var b in bookings)
                {
                    var extra = new Dictionary<string, object?>
                    {
                        ["session"] = new { title = session.Title, place = session.Place, old_place = session.Place },
                        ["reason"] = session.CancelReason ?? "",
                        ["rebook_hint"] = "nhắn \"đặt lịch\" cho trợ lý của Công an xã hoặc gọi " + (office?.Phone ?? ""),
                    };
                    var old = cancelled ? (DateTimeOffset?)null : b.Start - (payload.GetProperty("newStart").GetDateTimeOffset() - payload.GetProperty("oldStart").GetDateTimeOffset());
                    list.Add(await BookingRequestAsync(db, catalog, b, $"{row.Key}:{b.Id:N}",
                        cancelled ? "notify/session.cancelled" : "notify/session.changed", extra, old, null, ct,
                        NotificationPriority.Critical, office));
                }
                return list;
            }
            case "dossier.status-changed":
            {
                var code = payload.GetProperty("code").GetString()!;
                var dossier = await db.Dossiers.AsNoTracking().FirstOrDefaultAsync(d => d.Code == code, ct);
                if (dossier is null) return [];
                var office = await db.Offices.AsNoTracking().FirstOrDefaultAsync(o => o.Id == dossier.OfficeId, ct);
                var data = JsonSerializer.SerializeToElement(new
                {
                    citizen = new { name = dossier.ApplicantName, phone = VietnamesePhone.Mask(dossier.Phone) },
                    dossier = new
                    {
                        code = dossier.Code, procedure = catalog.Find(dossier.ProcedureId)?.Title ?? dossier.ProcedureId,
                        note = payload.TryGetProperty("note", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : "",
                        expected_date = dossier.ExpectedResultDate?.ToString("yyyy-MM-dd") ?? "", updated_at = dossier.UpdatedAt.ToString("O"),
                    },
                    office = OfficeModel(office),
                });
                var status = payload.GetProperty("status").GetString();
                return [new NotificationRequest(row.Key, $"notify/dossier.{status}", new Recipient(dossier.ApplicantName, dossier.Phone), data)];
            }
            default:
                return [];
        }
    }

    internal static async Task<NotificationRequest> BookingRequestAsync(MessagingDbContext db, ProcedureCatalog catalog, Booking b, string key,
        string template, Dictionary<string, object?> extra, DateTimeOffset? oldStart, string? skipChannel, CancellationToken ct,
        NotificationPriority priority = NotificationPriority.Normal, Office? knownOffice = null,
        IReadOnlyDictionary<string, Contact>? knownContacts = null)
    {
        var office = knownOffice ?? await db.Offices.AsNoTracking().FirstOrDefaultAsync(o => o.Id == b.OfficeId, ct);
        var procedure = catalog.Find(b.ProcedureId);
        var model = new Dictionary<string, object?>
        {
            ["citizen"] = new { name = b.CitizenName, phone = VietnamesePhone.Mask(b.Phone) },
            ["booking"] = new
            {
                code = b.Code, queue_number = b.QueueNumber, start = b.Start.ToString("O"),
                old_start = (oldStart ?? b.Start).ToString("O"), procedure = procedure?.Title ?? b.ProcedureId,
                documents = procedure?.Documents?.Select(d => d.Name).ToList() ?? [],
            },
            ["office"] = OfficeModel(office),
            ["links"] = new { manage = "" },
        };
        foreach (var (k, v) in extra) model[k] = v;
        string? conversation = null;
        // A booking made in a web chat, ours or a Direct Line client's, is also told there.
        if (b.Channel is "webchat" or "directline" && b.ChannelUserId is not null)
            conversation = await db.Conversations.AsNoTracking().Where(c => c.ChannelId == b.Channel && c.UserId == b.ChannelUserId)
                .OrderByDescending(c => c.UpdatedAt).Select(c => c.Id).FirstOrDefaultAsync(ct);
        // The phone's opt-outs always apply (they protect its owner). What the owner told us elsewhere (an email, a Zalo
        // account, a channel order) routes a booking only when whoever booked proved the phone.
        var contact = knownContacts is null
            ? await db.Set<Contact>().AsNoTracking().FirstOrDefaultAsync(c => c.Phone == b.Phone, ct)
            : knownContacts.GetValueOrDefault(b.Phone);
        var routing = b.PhoneVerified ? contact : null;
        var zaloUser = b.Channel == "zalo" ? b.ChannelUserId : routing?.ZaloUserId;
        var optedOut = (contact?.OptedOut ?? []).Concat(skipChannel is null ? [] : [skipChannel]).ToList();
        if (zaloUser is not null && await db.ZaloUsers.AsNoTracking().AnyAsync(u => u.UserId == zaloUser && u.OptedOut, ct)) optedOut.Add(ChannelNames.Zalo);
        optedOut = optedOut.Distinct().ToList();
        var recipient = new Recipient(b.CitizenName, b.Phone, routing?.Email, zaloUser, conversation ?? routing?.WebChatConversationId,
            routing?.ChannelOrder is { Count: > 0 } order ? order : null, optedOut.Count > 0 ? optedOut : null, b.Locale, b.PhoneVerified);
        // Reminders and confirmations are pointless once the appointment has started.
        return new NotificationRequest(key, template, recipient, JsonSerializer.SerializeToElement(model), priority, ExpiresAt: b.Start,
            Origin: b.ClientKey);
    }

    private static object OfficeModel(Office? o) =>
        new { name = o?.Name ?? "", address = o?.Address ?? "", phone = o?.Phone ?? "", map_url = o?.MapUrl ?? "" };
}
