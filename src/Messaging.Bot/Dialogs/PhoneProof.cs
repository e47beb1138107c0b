using Messaging.Bot.Engine;
using Messaging.Core.Identity;
using Messaging.Language.Entities;

namespace Messaging.Bot.Dialogs;

/// <summary>
/// Before a phone number is used for someone, the identity that gave it proves it holds it: a link proved earlier
/// (a code, Zalo's shared phone) counts; otherwise, where codes are required, a one-time code goes to that phone and
/// must be typed back. Where they are not (the offline demo), the booking goes ahead with the phone unproved, so
/// its notifications reach that phone only and no other channel of its owner.
/// </summary>
internal static class PhoneProof
{
    public enum Outcome { Proved, Unproved, Asked, Stopped }

    public static async Task<Outcome> CheckAsync(TurnContext t, DialogFrame f, string phone, CancellationToken ct)
    {
        if (f.Get("proved") == phone) return Outcome.Proved;
        var verification = t.Service<PhoneVerification>();
        if (await verification.IsLinkedAsync(phone, t.ChannelId, t.UserId, ct))
        {
            f.Set("proved", phone);
            return Outcome.Proved;
        }
        if (!verification.CodesRequired) return Outcome.Unproved;

        var typed = f.Get("code");
        f.Set("code", null);
        if (typed is not null and not "resend" && f.Get("code-id") is { } id && f.Get("code-phone") == phone)
        {
            var check = await verification.VerifyAsync(Guid.Parse(id), phone, t.ChannelId, t.UserId, typed, ct, link: t.Identity.CanHoldProof);
            switch (check.Outcome)
            {
                case CodeCheck.Verified:
                    f.Set("proved", phone);
                    return Outcome.Proved;
                case CodeCheck.Wrong:
                    await t.SayAsync("bot/verify.wrong", new { attempts_left = check.AttemptsLeft }, ct: ct);
                    await AskAsync(t, f, phone, ct);
                    return Outcome.Asked;
                default:
                    // Expired, used up or unknown: a new code (within the day's caps).
                    await t.SayAsync("bot/verify.expired", ct: ct);
                    f.Set("code-id", null);
                    break;
            }
        }
        if (typed == "resend") f.Set("code-id", null);
        if (f.Get("code-id") is null || f.Get("code-phone") != phone)
        {
            switch (await verification.SendCodeAsync(phone, t.ChannelId, t.UserId, t.Identity.ClientKey, t.Locale, ct))
            {
                case CodeSendResult.Sent sent:
                    f.Set("code-id", sent.Id.ToString("N"));
                    f.Set("code-phone", phone);
                    break;
                default:
                    await t.SayAsync("bot/verify.too-many", actions: Menu.Actions(t.Locale), ct: ct);
                    return Outcome.Stopped;
            }
        }
        await AskAsync(t, f, phone, ct);
        return Outcome.Asked;
    }

    private static Task AskAsync(TurnContext t, DialogFrame f, string phone, CancellationToken ct) =>
        t.PromptAsync(f, "code", PromptKind.OneTimeCode, "bot/verify.ask-code",
            new { phone = VietnamesePhone.Mask(phone), minutes = (int)Math.Ceiling(t.Service<Microsoft.Extensions.Options.IOptions<IdentityOptions>>().Value.CodeLifetime.TotalMinutes) },
            [new("resend", t.Locale == "en" ? "Send a new code" : "Gửi lại mã"), new("change-phone", t.Locale == "en" ? "Another number" : "Đổi số điện thoại")], ct: ct);
}
