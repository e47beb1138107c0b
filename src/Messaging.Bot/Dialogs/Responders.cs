using Messaging.Bot.Activities;
using Messaging.Bot.Engine;
using Messaging.Core.Appointments;
using Messaging.Core.Conversations;
using Messaging.Core.Identity;
using Messaging.Core.Language;
using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Messaging.Language.Entities;
using Messaging.Language.Intents;
using Messaging.Language.Text;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Bot.Dialogs;

public sealed class GreetingResponder : Responder
{
    public override string Name => DialogNames.Greeting;
    public override Task RespondAsync(TurnContext t, CancellationToken ct) => t.SayAsync("bot/greeting", actions: Menu.Actions(t.Locale), ct: ct);
}

public sealed class HelpResponder : Responder
{
    public override string Name => DialogNames.Help;
    public override Task RespondAsync(TurnContext t, CancellationToken ct) => t.SayAsync("bot/help", actions: Menu.Actions(t.Locale), ct: ct);
}

public sealed class ThanksResponder : Responder
{
    public override string Name => DialogNames.Thanks;
    public override Task RespondAsync(TurnContext t, CancellationToken ct) => t.SayAsync("bot/thanks", ct: ct);
}

/// <summary>
/// Two different answers: the model is sure the message is about something else ("not our job, here is where to go"),
/// or it did not understand at all ("say it another way").
/// </summary>
public sealed class OutOfScopeResponder : Responder
{
    public override string Name => DialogNames.OutOfScope;

    public override async Task RespondAsync(TurnContext t, CancellationToken ct)
    {
        // "có cần giấy khai sinh không" after a child's card reads as another body's matter, but asks about that card.
        if (t.State.Memory.ContainsKey("procedure") && Referrals.NamesAPaper(t))
        {
            await new ProcedureInfoResponder().RespondAsync(t, ct);
            return;
        }
        var sure = t.Nlu.Ranking.Count > 0 && t.Nlu.Ranking[0].Name == IntentNames.OutOfScope
            && t.Nlu.Ranking[0].Confidence >= t.Service<LanguageModelProvider>().Options.ConfidenceThreshold;
        // What the bot did not understand goes to the admins' review page; a confident "not ours" does not.
        if (!sure) await t.Service<LanguageReviews>().RecordAsync(t.Text, t.Nlu, LanguageReview.NotUnderstoodReason, ct);
        if (t.Entity(EntityTypes.Procedure) is null && await Referrals.TrySayAsync(t, aboutAProcedure: false, ct)) return;
        await t.SayAsync(sure ? "bot/out-of-scope" : "bot/not-understood", actions: Menu.Actions(t.Locale), ct: ct);
    }
}

/// <summary>
/// A matter another body handles, named in the message ("làm sổ đỏ", "đăng ký kết hôn"): the bot says where to go,
/// which a general "not ours" does not.
/// </summary>
internal static class Referrals
{
    /// <param name="aboutAProcedure">The conversation is about one of our procedures: a paper named in it ("có cần giấy
    /// khai sinh không" after a child's card) is asked about for that procedure, not referred elsewhere.</param>
    public static async Task<bool> TrySayAsync(TurnContext t, bool aboutAProcedure, CancellationToken ct)
    {
        if (Mentioned(t) is not var (_, referral)) return false;
        if (aboutAProcedure && NamesAPaper(t)) return false;
        var en = t.Locale == "en";
        await t.SayAsync("bot/referral", new { topic = en ? referral.TitleEn : referral.Title, where = en ? referral.WhereEn : referral.Where },
            actions: Menu.Actions(t.Locale), ct: ct);
        return true;
    }

    /// <summary>
    /// Whether one of the matter's papers is asked about as a paper to bring ("có cần mang giấy khai sinh không"), which
    /// our procedures may ask for too; getting the paper ("làm giấy khai sinh", "get a birth certificate") is the matter.
    /// </summary>
    public static bool NamesAPaper(TurnContext t)
    {
        if (Mentioned(t) is not var (mention, referral)) return false;
        var named = Normalizer.Canonical(t.Text[mention.Start..mention.End]);
        if (!referral.Papers.Any(p => Normalizer.Canonical(p) == named)) return false;
        var before = Normalizer.Canonical(t.Text[..mention.Start]).Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        var words = (" " + t.Folded + " ");
        return before is not ("lam" or "xin" or "cap" or "ky" or "trich" or "get" or "apply" or "obtain" or "request")
            && BringWords.Any(w => words.Contains(w, StringComparison.Ordinal));
    }

    private static readonly string[] BringWords = [" can ", " mang ", " nop ", " phai ", " bring ", " need "];

    private static (Entity Mention, Referral Referral)? Mentioned(TurnContext t) =>
        t.EntityOf(EntityTypes.Referral) is { } mention && t.Service<ProcedureCatalog>().FindReferral(mention.Value) is { } referral
            ? (mention, referral) : null;
}

/// <summary>
/// The model hesitates between two or three tasks: the bot names them and offers each as a button whose text reads
/// unambiguously, with the procedure the citizen mentioned carried along.
/// </summary>
public sealed class ClarifyResponder : Responder
{
    public override string Name => DialogNames.Clarify;

    public override async Task RespondAsync(TurnContext t, CancellationToken ct)
    {
        var procedure = t.Entity(EntityTypes.Procedure) is { } id ? t.Service<ProcedureCatalog>().Find(id) : null;
        var title = procedure is null ? null : t.Locale == "en" ? procedure.TitleEn : procedure.Title;
        var readings = t.Nlu.Doubts.Select(d => Reading(d.Name, title, t.Locale)).ToList();
        await t.Service<LanguageReviews>().RecordAsync(t.Text, t.Nlu, "clarify", ct);
        await t.SayAsync("bot/clarify", new { options = readings.Select(r => r.Phrase).ToList() },
            readings.Select(r => new CardAction(ActionTypes.ImBack, r.Button, r.Value)).ToList(), ct: ct);
    }

    private sealed record ReadingText(string Phrase, string Button, string Value);

    private static ReadingText Reading(string intent, string? procedure, string locale)
    {
        var quoted = procedure is null ? null : $"“{procedure}”";
        return (intent, locale) switch
        {
            (IntentNames.BookAppointment, "en") => new($"book an appointment{(quoted is null ? "" : " for " + quoted)}", "Book an appointment", "book an appointment " + procedure),
            (IntentNames.BookAppointment, _) => new($"đặt lịch hẹn{(quoted is null ? "" : " làm thủ tục " + quoted)}", "Đặt lịch hẹn", ("đặt lịch hẹn " + procedure).Trim()),
            (IntentNames.ProcedureInfo, "en") => new($"know the papers and fees{(quoted is null ? "" : " for " + quoted)}", "Papers and fees", ("what papers do I need " + procedure).Trim()),
            (IntentNames.ProcedureInfo, _) => new($"hỏi giấy tờ, lệ phí{(quoted is null ? "" : " của thủ tục " + quoted)}", "Hỏi giấy tờ, lệ phí", ("hỏi thủ tục " + procedure).Trim()),
            (IntentNames.DossierStatus, "en") => new("check a dossier you have submitted", "Dossier status", "check my dossier"),
            (IntentNames.DossierStatus, _) => new("tra cứu hồ sơ đã nộp", "Tra cứu hồ sơ", "tra cứu hồ sơ"),
            (IntentNames.CancelAppointment, "en") => new("cancel an appointment", "Cancel a booking", "cancel my appointment"),
            (IntentNames.CancelAppointment, _) => new("hủy lịch hẹn đã đặt", "Hủy lịch hẹn", "hủy lịch hẹn"),
            (IntentNames.RescheduleAppointment, "en") => new("move an appointment", "Move a booking", "reschedule my appointment"),
            (IntentNames.RescheduleAppointment, _) => new("đổi ngày giờ lịch hẹn đã đặt", "Đổi lịch hẹn", "đổi lịch hẹn"),
            (IntentNames.OfficeInfo, "en") => new("know an office's address and hours", "Address and hours", "office address and opening hours"),
            (IntentNames.OfficeInfo, _) => new("biết địa chỉ, giờ làm việc của Công an xã", "Địa chỉ, giờ làm việc", "địa chỉ và giờ làm việc của công an xã"),
            (IntentNames.HomeVisit, "en") => new("ask officers to come to the home to make an ID card", "ID card at home", "request an id card home visit"),
            (IntentNames.HomeVisit, _) => new("đề nghị cán bộ đến nhà làm căn cước cho người không đi được", "Làm căn cước tại nhà", "đăng ký làm căn cước tại nhà"),
            (_, "en") => new("talk to an officer", "Talk to an officer", "talk to an officer"),
            _ => new("trao đổi với cán bộ", "Gặp cán bộ", "gặp cán bộ"),
        };
    }
}

/// <summary>
/// Records a request officers see in their inbox, with what the citizen asked, and says what happens next. One open
/// request per identity, and a daily cap per client, so a flood of requests cannot bury a real one; requests from
/// people the channel vouches for, or who proved a phone, are marked verified and listed first.
/// </summary>
public sealed class HandoffResponder : Responder
{
    public override string Name => DialogNames.Handoff;

    public override async Task RespondAsync(TurnContext t, CancellationToken ct)
    {
        var db = t.Service<MessagingDbContext>();
        var open = await db.HandoffRequests.AnyAsync(h => h.ChannelId == t.ChannelId && h.UserId == t.UserId && h.Status == HandoffStatus.Open, ct);
        if (!open)
        {
            var abuse = t.Service<Microsoft.Extensions.Options.IOptions<AbuseOptions>>().Value;
            if (await t.Service<AbuseGuard>().TryClaimAsync(abuse.HandoffPerClient, t.Identity.ClientKey, ct) is null)
            {
                await t.SayAsync("bot/handoff.limit", actions: Menu.Actions(t.Locale), ct: ct);
                return;
            }
            var verified = t.Identity.IsVouched
                || await db.Set<PhoneLink>().AnyAsync(l => l.Channel == t.ChannelId && l.Subject == t.UserId, ct);
            db.HandoffRequests.Add(new HandoffRequest
            {
                Id = Guid.CreateVersion7(t.Now),
                ConversationId = t.ConversationId,
                ChannelId = t.ChannelId,
                UserId = t.UserId,
                // The office the message or the conversation names, else the office of this person's latest booking: a
                // request with no office waits for an admin to give it to one.
                OfficeId = t.Entity(EntityTypes.Office) ?? t.State.Memory.GetValueOrDefault("office")
                    ?? await db.Bookings.Where(b => b.Channel == t.ChannelId && b.ChannelUserId == t.UserId)
                        .OrderByDescending(b => b.CreatedAt).Select(b => b.OfficeId).FirstOrDefaultAsync(ct),
                Question = ConversationEngine.MaskedCopy(t.Incoming, t.Nlu.Entities).Text,
                Verified = verified,
                ClientKey = t.Service<Fingerprinter>().Of(t.Identity.ClientKey),
                Status = HandoffStatus.Open,
                CreatedAt = t.Now,
            });
            await db.SaveChangesAsync(ct);
            // The message before "gặp cán bộ" is usually the one the bot failed on: it goes to the admins' review page.
            var before = await db.ConversationActivities.AsNoTracking()
                .Where(a => a.ConversationId == t.ConversationId && a.Direction == "in" && a.Text != null)
                .OrderByDescending(a => a.Sequence).Select(a => a.Text!).Take(2).ToListAsync(ct);
            if (before.FirstOrDefault(x => x != ConversationEngine.MaskedCopy(t.Incoming, t.Nlu.Entities).Text) is { } earlier)
                await t.Service<LanguageReviews>().RecordAsync(earlier, t.Service<LanguageModelProvider>().Model.Parse(earlier, t.Now), "handoff", ct);
        }
        await t.SayAsync("bot/handoff.created", new { already_open = open }, ct: ct);
    }
}

/// <summary>
/// Answers from the knowledge base: the procedure named in the message, or the one the conversation is about ("phí
/// bao nhiêu?" after a question on passports). A question on one aspect (fee, papers, time, place) gets that aspect;
/// otherwise the whole summary. When unsure, the three closest procedures as buttons.
/// </summary>
public sealed class ProcedureInfoResponder : Responder
{
    public override string Name => DialogNames.ProcedureInfo;

    public override async Task RespondAsync(TurnContext t, CancellationToken ct)
    {
        // "làm giấy khai sinh cần gì" asks about papers, but of a matter another body handles: not the procedure of the
        // last question, nor a list to choose from.
        var catalog = t.Service<ProcedureCatalog>();
        if (t.Entity(EntityTypes.Procedure) is null
            && await Referrals.TrySayAsync(t, catalog.Find(t.State.Memory.GetValueOrDefault("procedure")) is not null, ct)) return;
        var id = t.Entity(EntityTypes.Procedure) ?? t.State.Memory.GetValueOrDefault("procedure");
        var procedure = catalog.Find(id);
        if (procedure is null)
        {
            var candidates = catalog.Search(t.Text, 3);
            if (candidates.Count == 0) candidates = [catalog.Find("cccd-first-issue")!, catalog.Find("cccd-renewal")!, catalog.Find("permanent-residence")!];
            await t.SayAsync("bot/procedure.choose", actions: candidates.Select(p => new CardAction(ActionTypes.ImBack, Title(p, t.Locale), p.Title)), ct: ct);
            return;
        }
        t.State.Memory["procedure"] = procedure.Id;
        var en = t.Locale == "en";
        await t.SayAsync("bot/procedure.answer", new
        {
            aspect = Aspect(t.Folded),
            procedure = new
            {
                title = Title(procedure, t.Locale),
                audience = en ? procedure.AudienceEn ?? procedure.Audience : procedure.Audience,
                documents = ProcedureText.ToBring(procedure, t.Locale),
                staff_forms = ProcedureText.StaffForms(procedure, t.Locale),
                tips = ProcedureText.Tips(procedure, t.Locale),
                fee = en ? procedure.Fee!.TextEn ?? procedure.Fee.Text : procedure.Fee!.Text,
                fee_unchecked = ProcedureText.Unchecked(procedure, "fee"),
                time = en ? procedure.ProcessingTime!.TextEn ?? procedure.ProcessingTime.Text : procedure.ProcessingTime!.Text,
                time_unchecked = ProcedureText.Unchecked(procedure, "processing_time"),
                where = ProcedureText.Where(procedure, t.Locale),
                online = ProcedureText.Online(procedure, t.Locale),
                online_url = procedure.Where?.OnlineUrl ?? "",
                bookable = BookingDialog.Bookable.Contains(procedure.Id),
                last_checked = procedure.LastChecked ?? "",
            },
        }, actions: BookingDialog.Bookable.Contains(procedure.Id)
            ? [new CardAction(ActionTypes.ImBack, en ? "Book an appointment" : "Đặt lịch", en ? "book an appointment" : "đặt lịch"),
               new CardAction(ActionTypes.ImBack, en ? "Fee" : "Lệ phí", en ? "how much is the fee" : "phí bao nhiêu"),
               new CardAction(ActionTypes.ImBack, en ? "Papers" : "Giấy tờ", en ? "what papers do I need" : "cần giấy tờ gì")]
            // Read who may ask and what to have ready: the request is one tap away.
            : procedure.Id == Messaging.Core.HomeVisits.HomeVisitService.KnowledgeId
                ? [new CardAction(ActionTypes.ImBack, en ? "Request a home visit" : "Đăng ký làm tại nhà",
                    en ? "request an id card home visit" : "đăng ký làm căn cước tại nhà")]
                : null, ct: ct);
    }

    private static string Title(Procedure p, string locale) => ProcedureText.Title(p, locale);

    /// <summary>Which part of the procedure the question is about, read from its words.</summary>
    public static string Aspect(string folded)
    {
        bool Has(params string[] words) => words.Any(w => (" " + folded + " ").Contains(" " + w + " ", StringComparison.Ordinal));
        if (Has("phi", "le phi", "bao nhieu tien", "het bao nhieu", "mat tien", "fee", "cost")) return "fee";
        if (Has("giay to", "mang gi", "mang theo", "can gi", "ho so gom", "chuan bi", "papers", "documents")) return "documents";
        if (Has("bao lau", "may ngay", "bao nhieu ngay", "mat bao lau", "how long")) return "time";
        if (Has("o dau", "noi nao", "cho nao", "where", "online", "truc tuyen")) return "where";
        return "all";
    }
}

/// <summary>Address, map link, opening hours, phone and upcoming extra and mobile sessions of an office.</summary>
public sealed class OfficeInfoResponder : Responder
{
    public override string Name => DialogNames.OfficeInfo;

    public override async Task RespondAsync(TurnContext t, CancellationToken ct)
    {
        var db = t.Service<MessagingDbContext>();
        var id = t.Entity(EntityTypes.Office) ?? t.State.Memory.GetValueOrDefault("office");
        var office = id is null ? null : await db.Offices.AsNoTracking().Include(o => o.Hours).FirstOrDefaultAsync(o => o.Id == id, ct);
        if (office is null)
        {
            var all = await db.Offices.AsNoTracking().OrderBy(o => o.Name).ToListAsync(ct);
            await t.SayAsync("bot/office.choose", actions: all.Select(o => new CardAction(ActionTypes.ImBack, o.Name, o.Name)), ct: ct);
            return;
        }
        t.State.Memory["office"] = office.Id;
        var sessions = await db.Sessions.AsNoTracking()
            .Where(s => s.OfficeId == office.Id && s.Status == SessionStatus.Scheduled && s.End > t.Now)
            .OrderBy(s => s.Start).Take(3).ToListAsync(ct);
        await t.SayAsync("bot/office.info", new
        {
            office = new { name = OfficeNames.For(office.Name, t.Locale), address = office.Address, phone = office.Phone ?? "", map_url = office.MapUrl ?? "" },
            hours = HoursText(office, t.Locale),
            sessions = sessions.Select(s => new { title = s.Title, place = s.Place, start = s.Start.ToString("O"), end = s.End.ToString("O") }).ToList(),
        }, ct: ct);
    }

    /// <summary>"Thứ Hai – Thứ Sáu: 07:30–11:30, 13:30–17:00", one line per distinct set of hours.</summary>
    public static List<string> HoursText(Office office, string locale)
    {
        string[] vi = ["Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"];
        string Day(DayOfWeek d) => locale == "en" ? d.ToString() : vi[(int)d];
        var byDay = office.Hours.GroupBy(h => h.Day)
            .Select(g => (Day: g.Key, Text: string.Join(", ", g.OrderBy(h => h.Opens).Select(h => $"{h.Opens:HH\\:mm}–{h.Closes:HH\\:mm}"))))
            .OrderBy(x => ((int)x.Day + 6) % 7).ToList();
        var lines = new List<string>();
        foreach (var group in byDay.GroupBy(x => x.Text))
        {
            var days = group.Select(x => x.Day).ToList();
            var label = days.Count > 2 ? $"{Day(days[0])} – {Day(days[^1])}" : string.Join(", ", days.Select(Day));
            lines.Add($"{label}: {group.Key}");
        }
        return lines;
    }
}
