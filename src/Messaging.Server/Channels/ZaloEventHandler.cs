using System.Text.Json;
using Messaging.Bot.Activities;
using Messaging.Bot.Engine;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Core.Templates;
using Messaging.Language.Entities;
using Messaging.Notifier.Channels;
using Messaging.Notifier.Channels.Zalo;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Server.Channels;

/// <summary>
/// What a Zalo OA event means here: a user's text (or a tapped button, which arrives as its text) is a bot turn whose
/// replies go back as consultation messages with buttons; follow and unfollow, the info form, and delivery and read
/// receipts update the user, the contact and the delivery records. Other events are acknowledged and ignored.
/// </summary>
public sealed class ZaloEventHandler(IServiceScopeFactory scopes, ConversationEngine engine, INotificationSink sink,
    TimeProvider time)
{
    /// <summary>Zalo shows a handful of buttons under a message; the rest follow in further messages.</summary>
    public const int MaxButtons = 5;

    /// <summary>Handles one stored event; returns a note worth keeping (a reply that did not go out), or null.</summary>
    public async Task<string?> HandleAsync(InboundEvent stored, CancellationToken ct)
    {
        var root = JsonDocument.Parse(stored.Body).RootElement;
        var at = long.TryParse(ZaloWebhook.Text(root, "timestamp"), out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : time.GetUtcNow();
        var user = ZaloWebhook.UserOf(root);
        switch (stored.EventName)
        {
            case "user_send_text" when user is not null:
                await TextAsync(stored, user, root, at, ct);
                return null;
            case "follow" when user is not null:
                await TouchAsync(user, at, following: true, interacted: true, ct);
                return null;
            case "unfollow" when user is not null:
                await TouchAsync(user, at, following: false, interacted: false, ct);
                return null;
            case "user_submit_info" when user is not null:
                await SubmitInfoAsync(user, root, at, ct);
                return null;
            case "user_received_message":
                await ReceiptAsync(root, ReceiptKind.Delivered, at, ct);
                return null;
            case "user_seen_message":
                await ReceiptAsync(root, ReceiptKind.Seen, at, ct);
                return null;
            default:
                return null;
        }
    }

    private async Task TextAsync(InboundEvent stored, string userId, JsonElement root, DateTimeOffset at, CancellationToken ct)
    {
        var message = root.GetProperty("message");
        var text = ActivityRules.CleanText(ZaloWebhook.Text(message, "text")) ?? "";
        if (text.Length > 2000) text = text[..2000];
        await TouchAsync(userId, at, following: null, interacted: true, ct);

        IReadOnlyList<Activity> replies;
        if (await KeywordAsync(userId, text, ct) is { } keywordReply)
        {
            replies = [keywordReply];
        }
        else
        {
            var activity = new Activity
            {
                Type = ActivityTypes.Message, Id = ZaloWebhook.Text(message, "msg_id"), Timestamp = at, ChannelId = "zalo",
                From = new ChannelAccount(userId), Conversation = new ConversationAccount("zalo:" + userId),
                Recipient = new ChannelAccount(ZaloWebhook.Id(root, "recipient") ?? "oa"), Text = text, Locale = "vi-VN",
            };
            // The webhook's signature vouches for the user: their Zalo id is the identity.
            replies = await engine.RunTurnAsync(activity, new TurnIdentity("zalo", userId, IdentityKind.ChannelUser, "zalo:" + userId), ct);
        }

        // The replies go out through the notifier: claimed, retried on a timeout or Zalo's rate limit, never lost, and
        // never a reason to run the turn again (a second try of this event finds the turn answered in the transcript
        // and the reply's key already queued or sent).
        var prepared = await PrepareAsync(replies, ct);
        if (prepared.Count == 0) return;
        await sink.EnqueueAsync(new NotificationRequest($"reply:zalo:{stored.Id}", PreparedMessage.TemplateKey,
            new Recipient(null, null, ZaloUserId: userId, ChannelOrder: [ChannelNames.Zalo]), JsonSerializer.SerializeToElement(new { }),
            NotificationPriority.Critical, Prepared: prepared), ct);
    }

    /// <summary>
    /// "TỪ CHỐI" or "STOP" stops Zalo notifications to this user; "ĐỒNG Ý NHẬN TIN" resumes them. The phone's own
    /// preferences change too, but only for the phone this user proved (Zalo's shared phone, or a one-time code): a
    /// user who merely typed someone's number cannot opt its owner out.
    /// </summary>
    private async Task<Activity?> KeywordAsync(string userId, string text, CancellationToken ct)
    {
        if (ContactService.KeywordOf(text) is not { } optOut) return null;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        var user = await db.ZaloUsers.FirstOrDefaultAsync(u => u.UserId == userId, ct);
        if (user is not null)
        {
            user.OptedOut = optOut;
            user.UpdatedAt = time.GetUtcNow();
            await db.SaveChangesAsync(ct);
        }
        var phones = await db.Set<Messaging.Core.Identity.PhoneLink>().Where(l => l.Channel == ChannelNames.Zalo && l.Subject == userId)
            .Select(l => l.Phone).ToListAsync(ct);
        foreach (var phone in phones)
            await scope.ServiceProvider.GetRequiredService<ContactService>().ApplyKeywordAsync(ChannelNames.Zalo, phone, text, ct);
        var rendered = await scope.ServiceProvider.GetRequiredService<TemplateStore>().RenderAsync(
            optOut ? "bot/opted-out" : "bot/opted-in", TemplateChannels.Chat, "vi", JsonSerializer.SerializeToElement(new { }), ct);
        return new Activity { Type = ActivityTypes.Message, Text = rendered?.Text ?? "" };
    }

    /// <summary>
    /// A turn's replies as Zalo will show them: each reply's text with its buttons (links open, other buttons send their
    /// title back), at most <see cref="MaxButtons"/> under one message and the rest under "more choices" messages.
    /// </summary>
    private async Task<IReadOnlyList<PreparedMessage>> PrepareAsync(IReadOnlyList<Activity> replies, CancellationToken ct)
    {
        var prepared = new List<PreparedMessage>();
        string? more = null;
        foreach (var reply in replies)
        {
            var buttons = (reply.SuggestedActions?.Actions ?? []).Select(a => new PreparedButton(a.Title,
                a.Type == ActionTypes.OpenUrl ? a.Value?.ToString() : null)).ToList();
            if (string.IsNullOrWhiteSpace(reply.Text) && buttons.Count == 0) continue;
            prepared.Add(new PreparedMessage(reply.Text ?? "", buttons.Take(MaxButtons).ToList()));
            for (var start = MaxButtons; start < buttons.Count; start += MaxButtons)
                prepared.Add(new PreparedMessage(more ??= await MoreChoicesTextAsync(ct), buttons.Skip(start).Take(MaxButtons).ToList()));
        }
        return prepared;
    }

    private async Task<string> MoreChoicesTextAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var rendered = await scope.ServiceProvider.GetRequiredService<TemplateStore>().RenderAsync(
            "bot/more-choices", TemplateChannels.Chat, "vi", JsonSerializer.SerializeToElement(new { }), ct);
        return rendered?.Text ?? "…";
    }

    private async Task TouchAsync(string userId, DateTimeOffset at, bool? following, bool interacted, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        var user = await db.ZaloUsers.FirstOrDefaultAsync(u => u.UserId == userId, ct);
        if (user is null)
        {
            user = new ZaloUser { UserId = userId, Following = true };
            db.ZaloUsers.Add(user);
        }
        if (following is { } f) user.Following = f;
        if (interacted && (user.LastInteractionAt is null || at > user.LastInteractionAt)) user.LastInteractionAt = at;
        user.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
    }

    private async Task SubmitInfoAsync(string userId, JsonElement root, DateTimeOffset at, CancellationToken ct)
    {
        await TouchAsync(userId, at, following: null, interacted: true, ct);
        if (!root.TryGetProperty("info", out var info) || info.ValueKind != JsonValueKind.Object) return;
        var name = ZaloWebhook.Text(info, "name");
        var phone = ZaloWebhook.Text(info, "phone");
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        var user = await db.ZaloUsers.FirstAsync(u => u.UserId == userId, ct);
        user.Name = name ?? user.Name;
        if (VietnamesePhone.TryNormalize(phone, out var normalized)) user.Phone = normalized;
        await db.SaveChangesAsync(ct);
        if (user.Phone is { } p)
        {
            // Zalo's consent form shares the phone registered with the account: proof enough to link the two, unless the
            // operator says otherwise (Identity:TrustZaloSharedPhone), and within the phones one identity may hold.
            var identity = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Messaging.Core.Identity.IdentityOptions>>().Value;
            if (identity.TrustZaloSharedPhone
                && await scope.ServiceProvider.GetRequiredService<Messaging.Core.Identity.PhoneVerification>().LinkAsync(p, ChannelNames.Zalo, userId, "zalo-consent", ct))
            {
                // Sharing the phone with the OA is a wish to hear from it there: Zalo goes first for that phone.
                var contacts = scope.ServiceProvider.GetRequiredService<ContactService>();
                await contacts.UpsertAsync(p, name, null, userId, null, null, ct);
                await contacts.PreferFirstAsync(p, ChannelNames.Zalo, ct);
            }
        }
    }

    /// <summary>
    /// Receipts for our messages: a ZNS receipt carries our key as tracking_id; an OA chat receipt carries the
    /// message id Zalo gave at sending (msg_ids, a list, for "seen").
    /// </summary>
    private async Task ReceiptAsync(JsonElement root, ReceiptKind kind, DateTimeOffset at, CancellationToken ct)
    {
        if (!root.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object) return;
        await using var scope = scopes.CreateAsyncScope();
        var receipts = scope.ServiceProvider.GetRequiredService<DeliveryReceipts>();
        if (long.TryParse(ZaloWebhook.Text(message, "delivery_time"), out var dt)) at = DateTimeOffset.FromUnixTimeMilliseconds(dt);
        if (ZaloWebhook.Text(message, "tracking_id") is { } tracking)
        {
            await receipts.RecordAsync(ChannelNames.Zns, ZaloWebhook.Text(message, "msg_id"), tracking, kind, at, null, ct);
            return;
        }
        var ids = message.TryGetProperty("msg_ids", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(i => i.ToString()).ToList()
            : ZaloWebhook.Text(message, "msg_id") is { } one ? [one] : [];
        foreach (var id in ids) await receipts.RecordAsync(ChannelNames.Zalo, id, null, kind, at, null, ct);
    }
}
