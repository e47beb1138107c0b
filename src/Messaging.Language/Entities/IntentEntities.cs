using Messaging.Language.Intents;
using Messaging.Language.Text;

namespace Messaging.Language.Entities;

/// <summary>
/// A procedure that a message of one intent is about, whatever card procedure it names: a request for officers at home
/// ("bà em nằm liệt, đổi căn cước tại nhà giúp") is the home visit, not the renewal it mentions. From the knowledge
/// base (<c>asked_as</c>, <c>covers</c>).
/// </summary>
public sealed record IntentProcedure(string Intent, string Id, IReadOnlyList<string> Covers);

/// <summary>
/// What a mention means once the intent is known. The recognizers read every date and procedure in a message; which of
/// them answer the citizen's question depends on what is asked.
/// </summary>
internal static class IntentEntities
{
    public static List<Entity> Apply(string intent, NormalizedText text, List<Entity> entities, IReadOnlyList<IntentProcedure> procedures)
    {
        switch (intent)
        {
            case IntentNames.RescheduleAppointment:
                return WithoutOldAppointment(text, entities);
            case IntentNames.OfficeInfo:
                return WithoutWeekdaysInGeneral(text, entities);
        }
        foreach (var p in procedures)
        {
            if (p.Intent != intent) continue;
            for (var i = 0; i < entities.Count; i++)
                if (entities[i].Type == EntityTypes.Procedure && p.Covers.Contains(entities[i].Value))
                    entities[i] = entities[i] with { Value = p.Id, Detail = "asked as " + intent + ", named " + entities[i].Value };
            // "làm căn cước tại nhà cho bà, đổi căn cước": the same procedure once.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            entities.RemoveAll(e => e.Type == EntityTypes.Procedure && e.Value == p.Id && !seen.Add(e.Value));
            // "mạ tui đi không nổi, mấy anh xuống nhà giúp": the request names no card, but it is the home visit.
            // Nothing in the text stands for it, so the span is empty.
            if (!entities.Exists(e => e.Type == EntityTypes.Procedure))
                entities.Insert(0, new Entity(EntityTypes.Procedure, p.Id, 0, 0) { Detail = "implied by " + intent });
        }
        return entities;
    }

    private static bool IsWhen(Entity e) => e.Type is EntityTypes.Date or EntityTypes.PartOfDay or EntityTypes.Time;

    /// <summary>
    /// "đổi lịch từ thứ 5 sang thứ 6", "lịch sáng mai em bận, dời qua chiều thứ 6": a reschedule names the day it leaves
    /// as well as the day it wants, and the dialog takes the first date it finds. A day before "sang/qua/thành" with
    /// another day after it is the old one; a day the citizen cannot make ("bận", "không đi kịp") with no new day
    /// named is the old one too, and the bot should ask for the new one.
    /// </summary>
    private static List<Entity> WithoutOldAppointment(NormalizedText text, List<Entity> entities)
    {
        if (!entities.Exists(IsWhen)) return entities;
        var markers = Positions(text, entities, IsTransfer).ToList();
        // "bữa nay tui mắc", "thứ 5 em bận": a day the citizen cannot make, with no move between it and the reason.
        foreach (var cannot in Positions(text, entities, IsCannotMakeIt))
            entities.RemoveAll(e => IsWhen(e) && e.End <= cannot && !markers.Exists(m => m >= e.End && m < cannot));
        foreach (var marker in markers)
        {
            if (!entities.Exists(e => IsWhen(e) && e.Start >= marker)) continue;
            entities.RemoveAll(e => IsWhen(e) && e.End <= marker);
            break;
        }
        return entities;
    }

    /// <summary>"sang", "qua", "thành", "to": where the new day starts. "hôm qua" and "tuần qua" are past days, not a move.</summary>
    private static bool IsTransfer(IReadOnlyList<CanonicalWord> words, int i) => words[i].Text switch
    {
        "sang" => !(i + 1 < words.Count && words[i + 1].Text is "nam" or "ten"),
        "qua" => !(i > 0 && words[i - 1].Text is "hom" or "tuan" or "thang" or "nam" or "bua" or "vua"),
        "thanh" or "to" or "into" => true,
        _ => false,
    };

    private static bool IsCannotMakeIt(IReadOnlyList<CanonicalWord> words, int i)
    {
        string W(int k) => i + k < words.Count ? words[i + k].Text : "";
        return W(0) switch
        {
            // Southern "mắc" (busy), "trùng lịch" (a clash).
            "ban" or "ket" or "busy" or "mac" => true,
            "trung" => W(1) is "lich" or "gio",
            "co" => W(1) == "viec",
            "khong" or "chua" => W(1) is "di" or "den" or "toi" or "len" or "qua" or "kip" or "the" or "ra" or "lam"
                && (W(2) is "duoc" or "kip" or "noi" or "" || W(1) is "kip" or "the"),
            "can't" or "cannot" => true,
            _ => false,
        };
    }

    /// <summary>Start (in the original text) of each word outside an entity where the predicate holds, in order.</summary>
    private static IEnumerable<int> Positions(NormalizedText text, List<Entity> entities, Func<IReadOnlyList<CanonicalWord>, int, bool> at)
    {
        for (var i = 0; i < text.Words.Count; i++)
        {
            var start = text.Tokens[text.Words[i].Source].Start;
            if (entities.Exists(e => e.Start <= start && start < e.End)) continue;
            if (at(text.Words, i)) yield return start;
        }
    }

    /// <summary>
    /// "thứ 7 có làm việc không", "chủ nhật có mở cửa ko": a weekday asked about in general names every such day, not
    /// the next one; "thứ 7 này", "thứ 7 tuần sau", "mai" name one day and stay.
    /// </summary>
    private static List<Entity> WithoutWeekdaysInGeneral(NormalizedText text, List<Entity> entities)
    {
        entities.RemoveAll(e => e.Type == EntityTypes.Date && IsBareWeekday(text, e));
        return entities;
    }

    private static bool IsBareWeekday(NormalizedText text, Entity date)
    {
        var inside = new List<string>(3);
        var after = "";
        foreach (var w in text.Words)
        {
            var token = text.Tokens[w.Source];
            if (token.Start >= date.Start && token.End <= date.End) inside.Add(w.Text);
            else if (token.Start >= date.End) { after = w.Text; break; }
        }
        var weekday = inside.Count == 2 && (inside[0] == "thu" || inside is ["chu", "nhat"])
            || inside.Count == 1 && inside[0] is "monday" or "tuesday" or "wednesday" or "thursday" or "friday" or "saturday" or "sunday";
        // "thứ 7 này", "thứ 7 tới": one day. The words right before count too ("hôm thứ 3", "sáng thứ 7 này" stays).
        return weekday && after is not ("nay" or "ni" or "toi" or "sap" or "ngay");
    }
}
