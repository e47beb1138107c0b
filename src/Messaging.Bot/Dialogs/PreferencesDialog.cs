using System.Text.Json;
using Messaging.Bot.Engine;
using Messaging.Core.Identity;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Language.Entities;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Bot.Dialogs;

/// <summary>
/// "chỉ nhận SMS", "nhận qua email …", "TỪ CHỐI", "ĐĂNG KÝ LẠI", "nhắn tin bằng tiếng Anh": changes how the citizen is
/// told things, for the phones this identity proved (a one-time code, Zalo's shared phone; where codes are not
/// required, the phones of its own bookings). With none, and codes required, it asks for the phone and proves it
/// first: a stranger who types someone's number cannot stop that person's reminders or send them to their own email.
/// </summary>
public sealed class PreferencesDialog : Dialog
{
    public override string Name => DialogNames.Preferences;

    public override async Task<bool> ContinueAsync(TurnContext t, DialogFrame f, CancellationToken ct)
    {
        var change = JsonSerializer.Deserialize<PreferenceChange>(f.Get("change") ?? "{}", ChangeJson) ?? new PreferenceChange();
        var phones = await ProvedPhonesAsync(t, ct);
        if (phones.Count == 0)
        {
            var verification = t.Service<PhoneVerification>();
            if (!verification.CodesRequired)
            {
                await t.SayAsync("bot/preferences.no-phone", actions: Menu.Actions(t.Locale), ct: ct);
                return true;
            }
            if (t.Entity(EntityTypes.Phone) is { } typed && f.Get("phone") is null) f.Set("phone", typed);
            if (f.Get("code") == "change-phone")
            {
                f.Set("code", null);
                f.Set("phone", null);
            }
            if (f.Get("phone") is not { } phone)
            {
                await t.PromptAsync(f, "phone", PromptKind.Phone, "bot/preferences.ask-phone", ct: ct);
                return false;
            }
            switch (await PhoneProof.CheckAsync(t, f, phone, ct))
            {
                case PhoneProof.Outcome.Asked:
                    return false;
                case PhoneProof.Outcome.Proved:
                    phones = [phone];
                    break;
                default:
                    return true;
            }
        }

        var contacts = t.Service<ContactService>();
        Contact? contact = null;
        foreach (var phone in phones) contact = await contacts.ApplyAsync(phone, change, t.ChannelId, ct) ?? contact;
        if (t.ChannelId == ChannelNames.Zalo && change.OptOut is { } stop && (change.OptChannels is null || change.OptChannels.Contains(ChannelNames.Zalo)))
        {
            // The Zalo account itself too, so nothing reaches it through a phone this identity did not prove.
            await t.Service<MessagingDbContext>().ZaloUsers.Where(u => u.UserId == t.UserId)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.OptedOut, stop), ct);
        }
        var en = t.Locale == "en";
        await t.SayAsync("bot/preferences.done", new
        {
            phones = string.Join(", ", phones.Select(VietnamesePhone.Mask)),
            channels = contact?.ChannelOrder is { Count: > 0 } order ? string.Join(" → ", order.Select(c => Title(c, en))) : "",
            email = contact?.Email is { } email ? MaskEmail(email) : "",
            opted_out = contact?.OptedOut is { Count: > 0 } off ? string.Join(", ", off.Select(c => Title(c, en))) : "",
            language = (contact?.Locale ?? "vi") == "en" ? (en ? "English" : "tiếng Anh") : (en ? "Vietnamese" : "tiếng Việt"),
        }, actions: Menu.Actions(t.Locale), ct: ct);
        return true;
    }

    private static readonly JsonSerializerOptions ChangeJson = new(JsonSerializerDefaults.Web);

    public static string Serialize(PreferenceChange change) => JsonSerializer.Serialize(change, ChangeJson);

    /// <summary>The phones this identity has shown it holds.</summary>
    private static async Task<IReadOnlyList<string>> ProvedPhonesAsync(TurnContext t, CancellationToken ct)
    {
        var db = t.Service<MessagingDbContext>();
        var phones = new List<string>();
        if (t.Identity.CanHoldProof)
            phones.AddRange(await db.Set<PhoneLink>().AsNoTracking().Where(l => l.Channel == t.ChannelId && l.Subject == t.UserId)
                .Select(l => l.Phone).ToListAsync(ct));
        if (!t.Service<PhoneVerification>().CodesRequired)
            phones.AddRange(await db.Bookings.AsNoTracking().Where(b => b.Channel == t.ChannelId && b.ChannelUserId == t.UserId)
                .Select(b => b.Phone).Distinct().ToListAsync(ct));
        return phones.Distinct().ToList();
    }

    private static string Title(string channel, bool en) => channel switch
    {
        ChannelNames.Zalo => "Zalo",
        ChannelNames.Zns => en ? "Zalo notices (ZNS)" : "tin thông báo Zalo (ZNS)",
        ChannelNames.Sms => "SMS",
        ChannelNames.Email => "email",
        _ => channel,
    };

    private static string MaskEmail(string email) => email[0] + "***@" + email.Split('@')[^1];
}
