using System.Text.Json;
using Messaging.Core.Appointments;
using Messaging.Core.Notifications;
using Messaging.Core.Procedures;
using Messaging.Core.Persistence;
using Messaging.Language.Entities;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Notifier.Planning;

/// <summary>
/// A notification about one booking: its data for the templates, and who receives it. It goes to the identity that made
/// the booking and to its phone (and its e-mail, if one was given with it); the phone owner's other channels and order
/// only when whoever booked proved the phone; the owner's opt-outs always. A booking made in a web chat or over Direct
/// Line gets a copy in that conversation, which never counts as the delivery: the notifier still sends out of band.
/// </summary>
public static class BookingNotices
{
    public static async Task<NotificationRequest> RequestAsync(PlanContext c, Booking b, string key, string template,
        Dictionary<string, object?> extra, DateTimeOffset? oldStart, CancellationToken ct, string? skipChannel = null,
        NotificationPriority priority = NotificationPriority.Normal, Office? office = null,
        IReadOnlyDictionary<string, Contact>? contacts = null, bool expires = true, NotificationSubject? subject = null, bool news = false)
    {
        var db = c.Db;
        office ??= await db.Offices.AsNoTracking().FirstOrDefaultAsync(o => o.Id == b.OfficeId, ct);
        var procedure = c.Catalog.Find(b.ProcedureId);
        var model = new Dictionary<string, object?>
        {
            ["citizen"] = new { name = b.CitizenName, phone = VietnamesePhone.Mask(b.Phone) },
            ["booking"] = new
            {
                // As the desk calls it and the waiting-room display shows it: "A012" where the office uses a letter.
                code = b.Code, queue_number = Messaging.Core.FrontDesk.QueueLabel.Format(office?.QueuePrefix, b.QueueNumber), start = b.Start.ToString("O"),
                old_start = (oldStart ?? b.Start).ToString("O"), procedure = procedure?.Title ?? b.ProcedureId,
                procedure_en = procedure?.TitleEn ?? b.ProcedureId,
                // Both languages: the recipient's is chosen when the message is rendered.
                documents = ProcedureText.ToBring(procedure, "vi"), documents_en = ProcedureText.ToBring(procedure, "en"),
            },
            ["office"] = OfficeModel(office),
            ["links"] = new { manage = "" },
        };
        foreach (var (k, v) in extra) model[k] = v;
        return new NotificationRequest(key, template, await RecipientAsync(db, b, skipChannel, contacts, ct),
            JsonSerializer.SerializeToElement(model), priority, ExpiresAt: expires ? b.Start : null, Origin: b.ClientKey,
            // News (a broadcast) is not about one version of a booking: nothing to re-read before it goes.
            Subject: news ? null : subject ?? new NotificationSubject(NotificationSubject.Booking, b.Id.ToString(), b.Version));
    }

    public static async Task<Recipient> RecipientAsync(MessagingDbContext db, Booking b, string? skipChannel,
        IReadOnlyDictionary<string, Contact>? contacts, CancellationToken ct)
    {
        string? conversation = null;
        // A booking made in a web chat, ours or a Direct Line client's, also gets a copy there.
        if (b.Channel is "webchat" or "directline" && b.ChannelUserId is not null)
            conversation = await db.Conversations.AsNoTracking().Where(x => x.ChannelId == b.Channel && x.UserId == b.ChannelUserId)
                .OrderByDescending(x => x.UpdatedAt).Select(x => x.Id).FirstOrDefaultAsync(ct);
        // The phone's opt-outs always apply (they protect its owner). What the owner told us elsewhere (an email, a Zalo
        // account, a channel order, a language) routes a booking only when whoever booked proved the phone.
        var contact = contacts is null
            ? await db.Set<Contact>().AsNoTracking().FirstOrDefaultAsync(x => x.Phone == b.Phone, ct)
            : contacts.GetValueOrDefault(b.Phone);
        var routing = b.PhoneVerified ? contact : null;
        var zaloUser = b.Channel == "zalo" ? b.ChannelUserId : routing?.ZaloUserId;
        var optedOut = (contact?.OptedOut ?? []).Concat(skipChannel is null ? [] : [skipChannel]).ToList();
        if (zaloUser is not null && await db.ZaloUsers.AsNoTracking().AnyAsync(u => u.UserId == zaloUser && u.OptedOut, ct)) optedOut.Add(ChannelNames.Zalo);
        optedOut = optedOut.Distinct().ToList();
        return new Recipient(b.CitizenName, b.Phone, b.Email ?? routing?.Email, zaloUser, conversation,
            routing?.ChannelOrder is { Count: > 0 } order ? order : null, optedOut.Count > 0 ? optedOut : null,
            routing?.Locale is "en" ? "en" : b.Locale, b.PhoneVerified);
    }

    public static object OfficeModel(Office? o) =>
        new { name = o?.Name ?? "", name_en = OfficeNames.English(o?.Name ?? ""), address = o?.Address ?? "", phone = o?.Phone ?? "", map_url = o?.MapUrl ?? "" };
}
