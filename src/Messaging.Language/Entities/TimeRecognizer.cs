using System.Globalization;
using System.Text.RegularExpressions;
using Messaging.Language.Text;

namespace Messaging.Language.Entities;

/// <summary>
/// Times of day: 8h, 8h30, 8g30, 8:30, "8 giờ 30", "8 rưỡi", "9 giờ kém 15", "2 giờ chiều" (14:00), and the parts
/// of the day sáng/trưa/chiều/tối on their own. Values are HH:mm; parts of the day are morning, noon, afternoon,
/// evening. An hour from 1 to 6 with no part of the day is read as afternoon: no office opens at 2 a.m.
/// </summary>
public static partial class TimeRecognizer
{
    public static void Recognize(RecognitionContext ctx)
    {
        Clock(ctx);
        PartsOfDay(ctx);
    }

    private static void Clock(RecognitionContext ctx)
    {
        English(ctx);
        var text = ctx.Text;
        foreach (Match m in ClockPattern().Matches(text.Folded))
        {
            var (start, end) = text.OriginalSpan(m.Index, m.Index + m.Length);
            Group? podGroup = m.Groups["pod"];
            // Typed bare, "7h toi co mat" has "tôi" (I), not the evening, and "đổi từ 9h sang 15h" has "over to", not the
            // morning: the time ends before that word.
            if (podGroup is { Success: true, Value: "toi" } && IAfterTheClock(ctx, text, podGroup)
                || podGroup is { Success: true, Value: "sang" } && OverTo(text, podGroup))
            {
                end = text.OriginalSpan(m.Index, podGroup.Index).End;
                while (end > start && char.IsWhiteSpace(text.Original[end - 1])) end--;
                podGroup = null;
            }
            if (!ctx.IsFree(start, end) || IsMobileNetwork(ctx, m) || AfterMonth(ctx, m, start)) continue;
            var hour = int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture);
            var minute = 0;
            if (m.Groups["m"].Success) minute = int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture);
            if (m.Groups["half"].Success) minute = 30;
            // "đợi từ 8h tới giờ": typed with marks, "tới" is not "tối".
            var pod = podGroup is { Success: true } && IsTypedAsPartOfDay(text, podGroup) ? podGroup.Value : PartOfDayBefore(ctx, start);
            hour = InDay(hour, pod);
            // "7 giờ kém 15" is a quarter to seven: the hour said decides the part of the day, then the minutes come off it.
            if (m.Groups["kem"].Success)
            {
                // "8h kém 45" is no time anyone says: no time rather than eight o'clock.
                if (int.Parse(m.Groups["kem"].Value, CultureInfo.InvariantCulture) is not (>= 1 and <= 30 and var before)) continue;
                hour -= 1;
                minute = 60 - before;
            }
            if (hour is < 0 or > 23 || minute is < 0 or > 59) continue;
            ctx.Add(new Entity(EntityTypes.Time, $"{hour:00}:{minute:00}", start, end));
        }
        Spelled(ctx);
    }

    /// <summary>
    /// "từ 9h sang 15h", "10h sang chiều thứ 6": typed bare, a "sang" with another clock time or part of the day right after
    /// it is "over to". Not a day after it: "9h sang mai", "8h sang 12/1" are mornings.
    /// </summary>
    private static bool OverTo(NormalizedText text, Group pod)
    {
        var (start, end) = text.OriginalSpan(pod.Index, pod.Index + pod.Length);
        return text.Original[start..end].All(char.IsAscii) && ClockAhead().IsMatch(text.Folded, pod.Index + pod.Length);
    }

    private static bool IAfterTheClock(RecognitionContext ctx, NormalizedText text, Group pod)
    {
        var (start, end) = text.OriginalSpan(pod.Index, pod.Index + pod.Length);
        return text.Original[start..end].All(char.IsAscii) && IsPronoun(ctx, ctx.FirstWordEndingAfter(start));
    }

    [GeneratedRegex(@"\G\s*(?:\d{1,2}\s*(?:h|g|:|gio)|chieu|toi|trua|dem|buoi)(?![a-z])")]
    private static partial Regex ClockAhead();

    /// <summary>
    /// "tám giờ rưỡi sáng", "mười một giờ", "hai giờ chiều": hours spelled out, as voice keyboards and careful writers put
    /// them. Typed bare, "bay gio" is "bây giờ" (now) and "sau gio" is "sau giờ" (after hours): those two need their marks
    /// or a half hour or part of the day after them.
    /// </summary>
    private static void Spelled(RecognitionContext ctx)
    {
        var words = ctx.Text.Words;
        for (var i = 0; i + 1 < words.Count; i++)
        {
            if (!ctx.IsWordFree(i) || DateRecognizer.SpelledNumber(ctx, i) is not ( >= 1 and <= 12 and var hour, var hourWords)) continue;
            var at = i + hourWords;
            if (ctx.Word(at) != "gio" || !ctx.IsWordFree(at)) continue;
            var last = at;
            var minute = 0;
            if (ctx.Word(last + 1) == "ruoi") { minute = 30; last++; }
            else if (ctx.Word(last + 1) == "kem" && ctx.Word(last + 2) is "muoi" or "15" && ctx.Word(last + 3) is "lam" or "phut" or "")
            { minute = -15; last += ctx.Word(last + 3) == "lam" ? 3 : 2; }
            // "ba mươi", "mười lăm"; a bare unit only as "năm phút" ("hai giờ hai" is no way to say it).
            else if (DateRecognizer.SpelledNumber(ctx, last + 1) is ( >= 1 and <= 59 and var spelled, var taken)
                && (spelled >= 10 || ctx.Word(last + 1 + taken) == "phut")) { minute = spelled; last += taken; }
            if (ctx.Word(last + 1) == "phut") last++;
            var pod = Pod(ctx.Word(last + 1)) is not null && ctx.IsWordFree(last + 1) && !IsPronoun(ctx, last + 1) ? ctx.Word(last + 1) : null;
            var source = words[i].Source;
            var marked = ctx.Text.Tokens[source].HasDiacritics;
            if (marked && ctx.Text.Toned(source).ToLowerInvariant() is not ("một" or "hai" or "ba" or "bốn" or "năm" or "sáu" or "bảy" or "tám" or "chín" or "mười")) continue;
            // "bay gio sang roi": typed bare, "bây giờ" (now) before a part of the day and "rồi" is "it is morning already".
            if (!marked && ctx.Word(i) is "bay" or "sau" or "tam" or "mot" && minute == 0 && (pod is null || ctx.Word(last + 2) == "roi")) continue;
            // "trong vòng một giờ", "mất hai giờ", "chờ hai giờ đồng hồ", "một giờ nữa": a length of time.
            if (pod is null && minute == 0 && (ctx.Word(i - 1) is "trong" or "vong" or "mat" or "hon" or "cho" or "doi" or "gan"
                || ctx.Word(last + 1) is "nua" or "dong" or "lien" or "sau" or "truoc")) continue;
            if (pod is not null) last++;
            var (start, end) = ctx.Text.WordSpan(i, last);
            hour = InDay(hour, pod ?? PartOfDayBefore(ctx, start));
            if (minute < 0) { hour -= 1; minute += 60; }
            if (!ctx.IsFree(start, end)) continue;
            ctx.Add(new Entity(EntityTypes.Time, $"{hour:00}:{minute:00}", start, end));
            i = last;
        }
    }

    /// <summary>Typed bare, "toi" before what someone does ("tôi có mặt", "tôi muốn") is "I", not the evening.</summary>
    private static bool IsPronoun(RecognitionContext ctx, int i)
    {
        if (ctx.Word(i) != "toi" || ctx.Text.Tokens[ctx.Text.Words[i].Source].HasDiacritics) return false;
        var next = ctx.Word(i + 1);
        // Not "qua": "tối qua" is last night.
        return next is "se" or "di" or "den" or "ghe" or "len" or "xuong" or "ra" or "vao" or "phai" or "moi" or "van"
            or "da" or "dang" or "can" or "muon" or "nop" or "lay" or "mang" or "xin" or "toi"
            || next == "co" && ctx.Word(i + 2) is "mat" or "the";
    }

    /// <summary>Whether a clock time (HH:mm, as recognized) falls in a part of the day (morning … evening).</summary>
    internal static bool FallsIn(string time, string part)
    {
        if (time.Length < 2 || !int.TryParse(time.AsSpan(0, 2), System.Globalization.CultureInfo.InvariantCulture, out var hour)) return false;
        return part switch
        {
            "morning" => hour is >= 5 and < 12,
            "noon" => hour is >= 11 and < 14,
            "afternoon" => hour is >= 12 and < 19,
            "evening" => hour >= 17 || hour < 4,
            _ => false,
        };
    }

    /// <summary>The hour on a 24-hour clock, from the hour said and its part of the day (folded) if any.</summary>
    private static int InDay(int hour, string? pod) => pod switch
    {
        // "12 giờ đêm" is midnight.
        "toi" or "dem" when hour == 12 => 0,
        "chieu" or "toi" or "dem" when hour < 12 => hour + 12,
        "trua" when hour < 6 => hour + 12,
        // No office opens at 2 a.m.
        null when hour is >= 1 and <= 6 => hour + 12,
        _ => hour,
    };

    /// <summary>"9am", "2 pm", "9:30 am", and "at 9" for the English locale.</summary>
    private static void English(RecognitionContext ctx)
    {
        var text = ctx.Text;
        foreach (Match m in EnglishPattern().Matches(text.Folded))
        {
            var (start, end) = text.OriginalSpan(m.Index, m.Index + m.Length);
            if (!ctx.IsFree(start, end)) continue;
            var hour = int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture);
            var minute = m.Groups["m"].Success ? int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture) : 0;
            hour = m.Groups["ampm"].Value switch
            {
                "pm" when hour < 12 => hour + 12,
                "am" when hour == 12 => 0,
                "" when hour is >= 1 and <= 6 => hour + 12,
                _ => hour,
            };
            if (hour is < 0 or > 23 || minute > 59) continue;
            ctx.Add(new Entity(EntityTypes.Time, $"{hour:00}:{minute:00}", start, end));
        }
    }

    [GeneratedRegex(@"(?<![\d/.:\-])(?:(?<h>\d{1,2})(?::(?<m>[0-5]\d))?\s*(?<ampm>am|pm)(?![a-z])|(?<=\bat\s)(?<h>\d{1,2})(?::(?<m>[0-5]\d))?(?![\d:/a-z]))")]
    private static partial Regex EnglishPattern();

    /// <summary>"chiều 2h": a part of the day said before the time.</summary>
    private static bool IsTypedAsPartOfDay(NormalizedText text, Group pod)
    {
        var (start, end) = text.OriginalSpan(pod.Index, pod.Index + pod.Length);
        var typed = text.Original[start..end].ToLowerInvariant();
        // "xáng" typed for "sáng" was read as meant: its respelled form decides.
        var token = text.TokenAt(start);
        var toned = token >= 0 && text.Tokens[token].End == end ? text.Toned(token) : ToneMarks.Canonicalize(typed);
        return typed.All(char.IsAscii) || toned is "sáng" or "trưa" or "chiều" or "tối" or "đêm";
    }

    private static string? PartOfDayBefore(RecognitionContext ctx, int start)
    {
        var i = ctx.FirstWordEndingAfter(start);
        if (i >= ctx.Text.Words.Count) return null;
        return i > 0 && Pod(ctx.Text.Words[i - 1].Text) is not null ? ctx.Text.Words[i - 1].Text : null;
    }

    private static void PartsOfDay(RecognitionContext ctx)
    {
        var words = ctx.Text.Words;
        var typesMarks = ctx.Text.Tokens.Any(t => t.HasDiacritics);
        // A move verb on its own ("đổi lịch", "dời sang"), or inside a procedure's name ("đổi cccd sang thẻ mới"), where it
        // moves no appointment: "đổi căn cước sáng thứ 2" books a renewal for a morning.
        int firstFreeMove = -1, firstNamedMove = -1;
        for (var i = 0; i < words.Count && (firstFreeMove < 0 || firstNamedMove < 0); i++)
        {
            if (!MoveVerbs.Contains(words[i].Text)) continue;
            if (!ctx.IsWordFree(i)) { if (firstNamedMove < 0) firstNamedMove = i; }
            else if (firstFreeMove < 0 && MovesAnAppointment(ctx, i)) firstFreeMove = i;
        }
        for (var i = 0; i < words.Count; i++)
        {
            var value = Pod(words[i].Text);
            if (value is null || !ctx.IsWordFree(i) || !IsPartOfDay(ctx, i, typesMarks, firstFreeMove, firstNamedMove)) continue;
            var first = i > 0 && ctx.Word(i - 1) == "buoi" && ctx.IsWordFree(i - 1) ? i - 1 : i;
            // "chào buổi sáng" wishes a good morning.
            if (first > 0 && first < i && ctx.Word(first - 1) is "chao"
                && ctx.Text.Original[ctx.Text.WordSpan(first - 1, first - 1).End..ctx.Text.WordSpan(first, first).Start].All(char.IsWhiteSpace)) continue;
            var (start, end) = ctx.Text.WordSpan(first, i);
            ctx.Add(new Entity(EntityTypes.PartOfDay, value, start, end));
        }
    }

    private static readonly HashSet<string> MoveVerbs = ["doi", "chuyen", "lui", "hoan", "day", "dich"];

    /// <summary>
    /// "đổi", "dời", "chuyển" typed as such; without marks "doi" is also "đợi" (wait) and "day" is "đây", so there the next
    /// word must say what moves ("doi lich", "doi tu thu 2", "doi sang").
    /// </summary>
    private static bool MovesAnAppointment(RecognitionContext ctx, int i)
    {
        if (!MoveVerbs.Contains(ctx.Word(i))) return false;
        var source = ctx.Text.Words[i].Source;
        if (ctx.Text.Tokens[source].HasDiacritics)
            return ctx.Text.Toned(source) is "đổi" or "dời" or "chuyển" or "lùi" or "hoãn" or "dịch" or "đẩy";
        return ctx.Word(i + 1) is "lich" or "hen" or "gio" or "ngay" or "tu" or "qua" or "sang" or "thanh" or "lai" or "buoi";
    }
    private static readonly HashSet<string> Counted = ["may", "vai", "mot", "hai", "ba", "bon", "nam", "qua", "nhieu", "suot"];
    private static readonly HashSet<string> DayWords = ["nay", "mai", "qua", "thu", "chu", "hom", "ngay", "mung", "kia"];

    /// <summary>
    /// Without diacritics "sang" is also "over to", "toi" is "I", "chieu" is in "hộ chiếu", "dem" is "bring".
    /// A word typed with marks is taken as typed; a bare word in a text that has marks elsewhere is the bare word;
    /// in a text typed entirely without marks the neighbours decide.
    /// </summary>
    private static bool IsPartOfDay(RecognitionContext ctx, int i, bool textHasMarks, int firstFreeMove, int firstNamedMove)
    {
        var source = ctx.Text.Words[i].Source;
        var token = ctx.Text.Tokens[source];
        var word = ctx.Text.Words[i].Text;
        // "ở lại 2 đêm", "vài đêm", "qua đêm": nights counted, a length of stay rather than a time of day.
        if (word == "dem" && i > 0 && (ctx.Text.Tokens[ctx.Text.Words[i - 1].Source].IsNumber || Counted.Contains(ctx.Word(i - 1))))
            return false;
        // "tối thiểu", "tối đa", "tối ưu": least, most, best, not the evening.
        if (word == "toi" && ctx.Word(i + 1) is "thieu" or "da" or "uu") return false;
        // "công nhân ca đêm", "làm ca sáng": a work shift, not when to come ("cả sáng thứ 7 em rảnh" is).
        if (ctx.Word(i - 1) == "ca" && (word == "dem" || ctx.Word(i - 2) == "lam")) return false;
        // "qua ngày 24/7, sang": added after a comma at the very end, nothing is moved over to; it is the morning.
        if (word == "sang" && ctx.Word(i + 1) == "" && !token.HasDiacritics && ctx.Text.Original[..token.Start].TrimEnd().EndsWith(',')) return true;
        // "sau nửa đêm": past midnight, a deadline rather than the evening.
        if (word == "dem" && ctx.Word(i - 1) == "nua" && ctx.Word(i - 2) == "sau") return false;
        if (token.HasDiacritics)
            return ctx.Text.Toned(source) is "sáng" or "trưa" or "chiều" or "tối" or "đêm";
        if (textHasMarks) return word == "trua";
        var prev = ctx.Word(i - 1);
        var next = ctx.Word(i + 1);
        return word switch
        {
            // "sang tên", "sang nhượng": a transfer of a name or a vehicle.
            "sang" when next is "ten" or "nhuong" => false,
            // After "đổi/dời/chuyển" a bare "sang" is "over to" ("đổi từ thứ 2 sang thứ 4", "đổi cccd sang thẻ mới"),
            // unless another word already says where to ("dời vào sáng mai").
            "sang" => !(MoveVerbs.Contains(prev)
                || prev is "lich" or "hen" or "gio" or "ngay" or "qua" or "di" or "ve" && (Before(firstFreeMove, i) || Before(firstNamedMove, i))
                || prev is not ("vao" or "thanh" or "luc" or "buoi" or "sang")
                    && (Before(firstFreeMove, i) || Before(firstNamedMove, i) && !DayWords.Contains(next) && !RecognitionContext.IsDigits(next))),
            // Unmarked "tới ngày" (until the day) folds like "tối ngày"; only a day number after it makes it an evening.
            // "hộ chiếu tôi nộp": after the passport, "toi" is "I".
            // "từ thứ 2 tới thứ 6": a span of days, "tới" (until).
            "toi" when ctx.Word(i - 2) is "thu" && next == "thu" => false,
            "toi" => prev is "buoi" or "sang" || prev == "chieu" && ctx.Word(i - 2) != "ho" || DayWords.Contains(next) && !(next == "ngay" && !RecognitionContext.IsDigits(ctx.Word(i + 2)))
                || (i == 0 && ctx.Text.Words.Count == 1),
            "chieu" => prev != "ho",
            "dem" => prev is "buoi" or "ban" or "nua" || next is "nay" or "qua" or "mai",
            _ => true,
        };
    }

    /// <summary>"4g của em yếu quá", "sóng 4g": the mobile network, not four o'clock.</summary>
    private static bool IsMobileNetwork(RecognitionContext ctx, Match m)
    {
        if (m.Value.TrimEnd() is not ("3g" or "4g" or "5g")) return false;
        var (start, _) = ctx.Text.OriginalSpan(m.Index, m.Index + m.Length);
        var i = ctx.Positions.FirstAtOrAfter(start);
        // "4g của em yếu", not "lịch hẹn 4g của em": the network's strength follows.
        static bool Strength(string w) => w is "yeu" or "manh" or "lag" or "cham";
        return ctx.Word(i - 1) is "mang" or "song" or "wifi" or "sim" or "goi" || Strength(ctx.Word(i + 1))
            || ctx.Word(i + 1) == "cua" && (Strength(ctx.Word(i + 3)) || Strength(ctx.Word(i + 4)));
    }

    /// <summary>"xin hồi tháng 3 giờ nộp": the number is the month's, and "giờ" is now.</summary>
    private static bool AfterMonth(RecognitionContext ctx, Match m, int start)
    {
        // Only "N giờ" spelled apart: "tháng 9h sáng" and "giữa tháng, 8h" keep their hour.
        if (!m.Value.Contains("gio", StringComparison.Ordinal)) return false;
        var i = ctx.Positions.FirstAtOrAfter(start);
        return i >= 1 && ctx.Word(i - 1) == "thang" && !ctx.BreakBetween(i - 1, i);
    }

    private static bool Before(int word, int i) => word >= 0 && word < i;


    private static string? Pod(string word) => word switch
    {
        "sang" => "morning",
        "trua" => "noon",
        "chieu" => "afternoon",
        "toi" or "dem" => "evening",
        "morning" => "morning",
        "afternoon" => "afternoon",
        "evening" or "tonight" => "evening",
        _ => null,
    };

    [GeneratedRegex(@"(?<![\d/.:\-])(?<!(?:^|[^a-z])[a-z])(?<h>\d{1,2})(?:\s*(?:h|g)(?![a-z])\s*(?<m>[0-5]\d)?(?!\d)|\s*:\s*(?<m>[0-5]\d)(?!\d)|\s+gio(?![a-z])(?:\s+(?<m>\d{1,2})(?:\s*phut)?(?!\d))?|(?=\s+ruoi))(?:\s*(?<half>ruoi))?(?:\s*(?<![a-z])kem\s+(?<kem>\d{1,2})(?:\s*phut)?)?(?:\s*(?<pod>sang|trua|chieu|toi|dem)(?![a-z]))?")]
    private static partial Regex ClockPattern();
}
