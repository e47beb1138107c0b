using System.Globalization;
using System.Text.RegularExpressions;

namespace Messaging.Language.Entities;

/// <summary>
/// Dates as Vietnamese people write them, relative to the reference day: hôm nay, mai, ngày kia/mốt, thứ 2 … chủ
/// nhật (t2 … t7, cn), tuần này/sau, "thứ 6 tuần sau", dd/mm[/yyyy], dd-mm, dd.mm.yyyy, "ngày 5 tháng 12 [năm 1985]", "mùng 5".
/// Weeks start on Monday; chủ nhật is the last day of the week. Values are yyyy-MM-dd.
/// </summary>
public static partial class DateRecognizer
{
    private static readonly Dictionary<string, int> WeekdayWords = new()
    {
        ["2"] = 0, ["hai"] = 0, ["3"] = 1, ["ba"] = 1, ["4"] = 2, ["tu"] = 2, ["5"] = 3, ["nam"] = 3,
        ["6"] = 4, ["sau"] = 4, ["7"] = 5, ["bay"] = 5,
    };

    private static readonly Dictionary<string, int> EnglishDays = new()
    {
        ["monday"] = 0, ["tuesday"] = 1, ["wednesday"] = 2, ["thursday"] = 3, ["friday"] = 4, ["saturday"] = 5, ["sunday"] = 6,
    };

    // Words before "Mai" that make it a person's name or a flower, not tomorrow.
    private static readonly HashSet<string> NameContext =
    [
        "ten", "chi", "em", "anh", "co", "ba", "thi", "van", "hoa", "nguyen", "tran", "le", "pham", "hoang", "huynh",
        "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo", "duong", "ly", "mai", "la",
    ];

    /// <summary>The reference times a message may be read at (relative dates are computed from them).</summary>
    public const int MinYear = 2000, MaxYear = 2100;

    /// <summary>
    /// The years a date written out may have: a birth date or an old card's issue date ("cấp ngày 12/5/1998") is a
    /// date too; anything else is not a date anyone means.
    /// </summary>
    public const int MinWrittenYear = 1900;

    public static void Recognize(RecognitionContext ctx)
    {
        Numeric(ctx);
        Words(ctx);
        WithoutLunarAndRedundantWeeks(ctx);
    }

    /// <summary>"tới qua cầu" is not "tối qua": typed with marks the word must be the night's.</summary>
    private static bool IsNight(RecognitionContext ctx, int word) => ctx.Text.MayBe(ctx.Text.Words[word].Source, "tối", "đêm");

    /// <summary>
    /// "mùng 8 tháng 2 âm" is a lunar date, not the calendar's. "thứ 7 chủ nhật" and "thứ 2 đến thứ 6" are the weekend
    /// and the working week in general, not two days. (A week beside a named day is left to the intent: a move names the
    /// day it leaves and the week it wants.)
    /// </summary>
    private static void WithoutLunarAndRedundantWeeks(RecognitionContext ctx)
    {
        var dates = ctx.Entities.Where(e => e.Type is EntityTypes.Date or EntityTypes.Week).ToList();
        if (dates.Count == 0) return;
        var words = ctx.Positions;
        var gone = new HashSet<Entity>(ReferenceEqualityComparer.Instance);
        foreach (var d in dates)
        {
            var next = words.FirstAtOrAfter(d.End);
            if (next < words.Count && ctx.Word(next) is "am" or "al" && IsLunar(ctx, next)) gone.Add(d);
        }
        var weekdays = dates.Where(d => d.Type == EntityTypes.Date && IsWeekdayName(ctx, words, d)).ToList();
        for (var k = 0; k + 1 < weekdays.Count; k++)
            if (IsWeekdayRange(ctx, words, weekdays[k], weekdays[k + 1])) { gone.Add(weekdays[k]); gone.Add(weekdays[k + 1]); }
        // The characters stay claimed: "2 âm" must not become a clock time ("2 am") either.
        ctx.Entities.RemoveAll(gone.Contains);
    }

    /// <summary>A bare "thứ N" or "chủ nhật" of two words, with no week or date after it.</summary>
    private static bool IsWeekdayName(RecognitionContext ctx, WordPositions words, Entity d)
    {
        var (first, last) = words.Inside(d.Start, d.End);
        return first >= 0 && last == first + 1 && ctx.Word(first) is "thu" or "chu";
    }

    /// <summary>"thứ 7 chủ nhật", "thứ 2 đến thứ 6": a span of days in general.</summary>
    private static bool IsWeekdayRange(RecognitionContext ctx, WordPositions words, Entity a, Entity b)
    {
        var (_, lastA) = words.Inside(a.Start, a.End);
        var (firstB, _) = words.Inside(b.Start, b.End);
        var between = firstB - lastA - 1;
        var link = between == 1 ? ctx.Word(lastA + 1) : "";
        // "thứ 7, chủ nhật em rảnh" and "thứ 7 hay chủ nhật" list days to choose from; only the bare pair is the weekend.
        var adjacent = between == 0 && ctx.Text.Original[a.End..b.Start].All(char.IsWhiteSpace);
        return ctx.Word(lastA) is "7" or "bay" && ctx.Word(firstB) == "chu" && adjacent
            || ctx.Word(lastA) is "2" or "hai" && ctx.Word(firstB + 1) is "6" or "sau" or "7" or "bay" && link is "den" or "toi";
    }

    private static bool IsLunar(RecognitionContext ctx, int word) => ctx.Text.MayBe(ctx.Text.Words[word].Source, "âm");

    private static void Numeric(RecognitionContext ctx)
    {
        var text = ctx.Text;
        foreach (var m in NumericPattern().Matches(text.Folded).Concat(DottedPattern().Matches(text.Folded)))
        {
            var (start, end) = text.OriginalSpan(m.Index, m.Index + m.Length);
            if (!ctx.IsFree(start, end)) continue;
            var day = int.Parse(m.Groups["d"].Value, CultureInfo.InvariantCulture);
            var month = int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture);
            int? year = m.Groups["y"].Success ? int.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture) : null;
            // "15/3/85" is a birth year of the last century; "15/3/27" is next year.
            if (year is < 100) year += year > ctx.Today.Year % 100 + 20 ? 1900 : 2000;
            // "31/12 năm nay", "15/3 năm sau": the year said in words.
            if (year is null && YearInWords(ctx, end) is { } said)
            {
                year = ctx.Today.Year + said.Offset;
                end = said.End;
            }
            if (Resolve(ctx.Today, day, month, year) is { } date) ctx.Add(Make(date, start, end));
        }
    }

    private static (int Offset, int End)? YearInWords(RecognitionContext ctx, int end)
    {
        var i = ctx.FirstWordEndingAfter(end);
        if (ctx.Word(i) != "nam" || i >= ctx.Text.Words.Count || ctx.Text.WordSpan(i, i).Start < end) return null;
        int? offset = ctx.Word(i + 1) switch { "nay" or "ni" => 0, "sau" or "toi" => 1, "ngoai" or "truoc" => -1, _ => null };
        return offset is { } o ? (o, ctx.Text.WordSpan(i + 1, i + 1).End) : null;
    }

    private static void Words(RecognitionContext ctx)
    {
        var words = ctx.Text.Words;
        for (var i = 0; i < words.Count; i++)
        {
            if (!ctx.IsWordFree(i)) continue;
            var (date, length, detail) = Match(ctx, i);
            if (length == 0 || date is null) continue;
            // "thứ năm ngày 10/12", "thứ 5, 10/12": the weekday only confirms the written date after it.
            if (length == 2 && ctx.Word(i) is "thu" or "chu" && WrittenDateFollows(ctx, i + 2))
            {
                i += 1;
                continue;
            }
            var (start, end) = ctx.Text.WordSpan(i, i + length - 1);
            if (!ctx.IsFree(start, end)) continue;
            // A range ("tuần sau") is a week to choose a day in, not a day.
            ctx.Add(detail?.StartsWith("until ", StringComparison.Ordinal) == true
                ? new Entity(EntityTypes.Week, Iso(date.Value), start, end) { Detail = detail }
                : Make(date.Value, start, end) with { Detail = detail });
            i += length - 1;
        }
    }

    /// <summary>The date starting at word <paramref name="i"/>, how many words it spans, and a range end if any.</summary>
    private static (DateOnly? Date, int Length, string? Detail) Match(RecognitionContext ctx, int i)
    {
        var today = ctx.Today;
        string W(int k) => ctx.Word(i + k);
        switch (W(0))
        {
            // "3 hôm nay" is "these three days", not a date.
            // "mấy hôm nay", "mấy bữa ni": these last few days, not today.
            case "hom" when W(1) == "nay" && !(i > 0 && ctx.Text.Words[i - 1].Text.All(char.IsAsciiDigit)) && ctx.Word(i - 1) != "may":
                return (today, 2, null);
            // "bữa nay", central "bữa ni", "hôm ni", and "nay" right after a part of the day ("chiều nay", "tối nay"): today.
            case "bua" when W(1) is "nay" or "ni" && ctx.Word(i - 1) != "may":
                return (today, 2, null);
            case "hom" when W(1) == "ni" && ctx.Word(i - 1) != "may":
                return (today, 2, null);
            // Central "chiều ni" is "chiều nay".
            // "tới nay" (until now) typed with its marks is no evening.
            case "nay" or "ni" when i > 0 && (ctx.Word(i - 1) is "sang" or "trua" or "chieu" or "dem" || ctx.Word(i - 1) == "toi" && IsNight(ctx, i - 1)):
                return (today, 1, null);
            // "16h30 nay", "9g nay": a clock time today.
            case "nay" when i > 0 && ClockWord().IsMatch(ctx.Word(i - 1)):
                return (today, 1, null);
            // "nộp hôm 13", "lịch hôm 20": the day of this month, gone by or coming.
            case "hom" when IsDayNumber(W(1)) && W(2) is not ("thang" or "ngay" or "hom" or "tuan" or "vo" or "nguoi" or "dua" or "bo" or "cai" or "lan")
                && !ctx.BreakBetween(i, i + 1)
                && TryDate(today.Year, today.Month, int.Parse(W(1), CultureInfo.InvariantCulture)) is { } ofThisMonth:
                return (ofThisMonth, 2, null);
            case "hom" when W(1) == "qua":
                return (today.AddDays(-1), 2, null);
            // Southern "bữa qua", and "tối qua"/"đêm qua" (last night, whose part of the day is read on its own).
            case "bua" when W(1) == "qua":
                return (today.AddDays(-1), 2, null);
            case "qua" when i > 0 && ctx.Word(i - 1) is "toi" or "dem" && IsNight(ctx, i - 1) && !(i > 1 && ctx.Word(i - 2) is "doi" or "dich" or "chuyen" or "lui"):
                return (today.AddDays(-1), 1, null);
            case "hom" when W(1) == "kia":
                return (today.AddDays(-2), 2, null);
            case "ngay" when W(1) == "mai":
                return (today.AddDays(1), 2, null);
            // "ngày một tháng hai" is the first of February, not "ngày mốt".
            case "ngay" when W(1) is "kia" or "mot" && W(2) != "thang":
                return (today.AddDays(2), 2, null);
            case "mai" when IsTomorrow(ctx, i):
                return (today.AddDays(1), 1, null);
            case "mot" when IsDayAfterTomorrow(ctx, i):
                return (today.AddDays(2), 1, null);
            // "hôm thứ 3 tôi nộp": the last such day, today included.
            // "hôm thứ 6 này" is the coming one.
            case "thu" when WeekdayWords.TryGetValue(W(1), out var past) && IsWeekday(ctx, i) && ctx.Word(i - 1) == "hom" && W(2) is not ("tuan" or "nay" or "ni" or "sau"):
                return (today.AddDays(-((DayIndex(today) - past + 7) % 7)), 2, null);
            case "chu" when W(1) == "nhat" && ctx.Word(i - 1) == "hom" && W(2) != "tuan":
                return (today.AddDays(-((DayIndex(today) - 6 + 7) % 7)), 2, null);
            case "chu" when W(1) == "nhat":
                return WithWeek(ctx, i, 6, 2);
            case "thu" when WeekdayWords.TryGetValue(W(1), out var wd) && IsWeekday(ctx, i):
                return WithWeek(ctx, i, wd, 2);
            case "tuan" when W(1) == "nay":
                return (today, 2, "until " + Iso(MondayOf(today).AddDays(6)));
            case "tuan" when W(1) is "sau" or "toi":
            {
                // "tuần sau nữa" is the week after next.
                var further = W(2) == "nua";
                var monday = MondayOf(today).AddDays(further ? 14 : 7);
                return (monday, further ? 3 : 2, "until " + Iso(monday.AddDays(6)));
            }
            // A bare "tuần trước" is no date: a week gone by is only how long ago ("nộp tuần trước"), never a day to book;
            // "thứ 3 tuần trước" is read with its weekday.
            // "3 ngày nữa", "2 hôm nữa": counted from today.
            case var n when W(1) is "ngay" or "hom" && W(2) == "nua" && n.Length is 1 or 2 && n.All(char.IsAsciiDigit)
                && int.Parse(n, CultureInfo.InvariantCulture) is >= 1 and <= 60:
                return (today.AddDays(int.Parse(n, CultureInfo.InvariantCulture)), 3, null);
            // English, for the second locale: today, tomorrow, yesterday, (next) monday … sunday, next week.
            case "today":
                return (today, 1, null);
            case "tomorrow":
                return (today.AddDays(1), 1, null);
            case "yesterday":
                return (today.AddDays(-1), 1, null);
            case "next" when W(1) == "week":
            {
                var monday = MondayOf(today).AddDays(7);
                return (monday, 2, "until " + Iso(monday.AddDays(6)));
            }
            case "next" when EnglishDays.TryGetValue(W(1), out var nextDay):
                return (MondayOf(today).AddDays(7 + nextDay), 2, null);
            // "this Saturday": the coming one, today included.
            case "this" when EnglishDays.TryGetValue(W(1), out var thisDay):
                return (today.AddDays((thisDay - DayIndex(today) + 7) % 7), 2, null);
            // "the 18th", "on the 3rd": a day of this month, or of the next once it has gone by. The suffix is required:
            // "the 18" is a count.
            case "the" when W(1).Length > 2 && W(1)[^2..] is "st" or "nd" or "rd" or "th" && DayOrdinal(W(1)) is { } nth
                && EnglishMonth(ctx, W(2) == "of" ? i + 3 : i + 2) is null && !CountedAfterOrdinal.Contains(W(2)):
                return (ComingDayOfMonth(today, nth), 2, null);
            // "Wednesday 21st": the day of the month decides, whatever week the weekday alone would fall in.
            case var _ when EnglishDays.ContainsKey(W(0)) && W(1).Length > 2 && W(1)[^2..] is "st" or "nd" or "rd" or "th"
                && DayOrdinal(W(1)) is { } weekdayNth && EnglishMonth(ctx, i + 2) is null:
                return (ComingDayOfMonth(today, weekdayNth), 2, null);
            case var day when EnglishDays.TryGetValue(day, out var englishDay):
                return (today.AddDays((englishDay - DayIndex(today) + 7) % 7), 1, null);
            // "ngày 8 March": the English month after a Vietnamese day.
            case "ngay" when IsDayNumber(W(1)) && EnglishMonth(ctx, i + 2) is { } englishMonth:
                return WithYear(ctx, i + 3, int.Parse(W(1), CultureInfo.InvariantCulture), englishMonth, 3);
            case "ngay" or "mung" or "mong" when IsDayNumber(W(1)):
                return DayOfMonth(ctx, int.Parse(W(1), CultureInfo.InvariantCulture), i + 2, 2, afterNgay: true, monthRequired: false);
            // "ngày mười lăm tháng ba", "mùng một tháng giêng": spelled out, as a voice keyboard writes them; only with the month,
            // since "ngày hai bữa" is no date.
            case "ngay" or "mung" when SpelledNumber(ctx, i + 1) is ( >= 1 and <= 31 and var spelled, var words) && W(1 + words) == "thang":
                return DayOfMonth(ctx, spelled, i + 1 + words, 1 + words, afterNgay: true, monthRequired: true);
            // English: "March 8", "March 8th 2027", "8 March", "the 8th of March".
            case var _ when EnglishMonth(ctx, i) is { } month && DayOrdinal(W(1)) is { } monthFirst:
                return WithYear(ctx, i + 2, monthFirst, month, 2);
            case var _ when DayOrdinal(W(0)) is { } dayFirst && EnglishMonth(ctx, W(1) == "of" ? i + 2 : i + 1) is { } ofMonth:
                return WithYear(ctx, W(1) == "of" ? i + 3 : i + 2, dayFirst, ofMonth, W(1) == "of" ? 3 : 2);
            // "mười lăm tháng mười một", as a voice keyboard writes a bare answer: both spelled, nothing counted after.
            case var _ when SpelledNumber(ctx, i) is ( >= 1 and <= 31 and var bareDay, var dayWords) && W(dayWords) == "thang"
                && MonthAt(ctx, i + dayWords + 1, spelled: true) is (_, var bareMonthWords) && !RecognitionContext.IsDigits(W(dayWords + 1))
                && W(dayWords + 1 + bareMonthWords) is "" or "nam" or "nha" or "nhe" or "a" or "duoc" or "luon" or "o" or "tai" or "luc" or "vao"
                    or "sang" or "chieu" or "toi" or "trua":
                return DayOfMonth(ctx, bareDay, i + dayWords, dayWords, afterNgay: true, monthRequired: true);
            default:
                if (IsDayNumber(W(0)) && W(1) == "thang")
                    return DayOfMonth(ctx, int.Parse(W(0), CultureInfo.InvariantCulture), i + 1, 1, afterNgay: false, monthRequired: true);
                return (null, 0, null);
        }
    }

    /// <summary>That day of this month, or of the next once it has gone by.</summary>
    private static DateOnly? ComingDayOfMonth(DateOnly today, int day) =>
        TryDate(today.Year, today.Month, day) is { } inMonth && inMonth >= today ? inMonth
            : TryDate(today.AddMonths(1).Year, today.AddMonths(1).Month, day);

    private static bool WrittenDateFollows(RecognitionContext ctx, int k)
    {
        if (ctx.Word(k) is "ngay" or "mung" && IsDayNumber(ctx.Word(k + 1))) return true;
        if (k >= ctx.Text.Words.Count) return false;
        var start = ctx.Text.Tokens[ctx.Text.Words[k].Source].Start;
        return ctx.Entities.Exists(e => e.Type == EntityTypes.Date && e.Start == start);
    }

    /// <summary>"thứ 6" alone is the next Friday (today counts); "thứ 6 tuần này/sau/tới" picks the week.</summary>
    private static (DateOnly?, int, string?) WithWeek(RecognitionContext ctx, int i, int weekday, int length)
    {
        var today = ctx.Today;
        var monday = MondayOf(today);
        var k = i + length;
        if (ctx.Word(k) == "tuan")
        {
            switch (ctx.Word(k + 1))
            {
                case "nay": return (monday.AddDays(weekday), length + 2, null);
                case "sau" or "toi" when ctx.Word(k + 2) == "nua": return (monday.AddDays(14 + weekday), length + 3, null);
                case "sau" or "toi": return (monday.AddDays(7 + weekday), length + 2, null);
                // Southern "thứ sáu tuần rồi" is last week's Friday.
                case "truoc" or "roi": return (monday.AddDays(-7 + weekday), length + 2, null);
            }
        }
        var offset = (weekday - DayIndex(today) + 7) % 7;
        return (today.AddDays(offset), length, null);
    }

    /// <summary>
    /// "5 tháng 12 [năm 2026]", or a bare "mùng 5"/"ngày 5" (this month, or next if already past). <paramref name="next"/>
    /// is the word after the day, <paramref name="consumed"/> the words read so far. Without "ngày" before it, "5 tháng sau"
    /// is five months on, not a day.
    /// </summary>
    private static (DateOnly?, int, string?) DayOfMonth(RecognitionContext ctx, int day, int next, int consumed, bool afterNgay, bool monthRequired)
    {
        var today = ctx.Today;
        // Without "ngày" the month is written in digits: "6 tháng tù", "3 tháng hai vợ chồng" count months.
        if (ctx.Word(next) == "thang" && MonthAt(ctx, next + 1, spelled: afterNgay) is (var month, var monthWords))
        {
            int? year = null;
            var length = consumed + 1 + monthWords;
            var after = next + 1 + monthWords;
            if (ctx.Word(after) == "nam" && int.TryParse(ctx.Word(after + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var y) && ctx.Word(after + 1).Length == 4)
            {
                // "năm 1800" is no year anyone means: no date rather than this year's.
                if (y is < MinWrittenYear or > MaxYear) return (null, 0, null);
                year = y;
                length += 2;
            }
            return (Resolve(today, day, month, year), length, null);
        }
        if (day < 1 || day > 31 || !afterNgay) return (null, 0, null);
        // "ngày 5 tháng sau", "ngày 20 tháng này", "ngày 28 tháng trước".
        var which = ctx.Word(next + 1);
        if (ctx.Word(next) == "thang" && which is "sau" or "toi" or "nay" or "truoc")
        {
            var inMonth = today.AddMonths(which switch { "nay" => 0, "truoc" => -1, _ => 1 });
            return (TryDate(inMonth.Year, inMonth.Month, day), consumed + 2, null);
        }
        if (monthRequired) return (null, 0, null);
        var candidate = day >= today.Day ? TryDate(today.Year, today.Month, day) : null;
        candidate ??= TryDate(today.AddMonths(1).Year, today.AddMonths(1).Month, day);
        return (candidate, consumed, null);
    }

    /// <summary>
    /// The month after "tháng": "12", or spelled ("mười hai", "ba", "tư") when <paramref name="spelled"/>. "giêng" and
    /// "chạp" name lunar months, so they name no calendar date.
    /// </summary>
    private static (int Month, int Words)? MonthAt(RecognitionContext ctx, int i, bool spelled)
    {
        var word = ctx.Word(i);
        if (word.Length is 1 or 2 && word.All(char.IsAsciiDigit)) return (int.Parse(word, CultureInfo.InvariantCulture), 1);
        if (!spelled) return null;
        // "tháng tư" is April; typed with marks "tù" (prison) is not.
        if (word == "tu") return ctx.Text.MayBe(ctx.Text.Words[i].Source, "tư") ? (4, 1) : null;
        // Bare "tháng sau" is next month; June only typed as "sáu".
        if (word == "sau" && !(ctx.Text.Tokens[ctx.Text.Words[i].Source].HasDiacritics && ctx.Text.MayBe(ctx.Text.Words[i].Source, "sáu"))) return null;
        return SpelledNumber(ctx, i) is ( >= 1 and <= 12 and var month, var words) ? (month, words) : null;
    }

    private static readonly Dictionary<string, int> Units = new(StringComparer.Ordinal)
    {
        ["mot"] = 1, ["hai"] = 2, ["ba"] = 3, ["bon"] = 4, ["nam"] = 5, ["sau"] = 6, ["bay"] = 7, ["tam"] = 8, ["chin"] = 9,
    };

    /// <summary>
    /// A number from 1 to 59 spelled out (folded): "ba", "mười lăm", "hai mươi mốt", "bốn mươi lăm", and how many words
    /// it takes. After "mươi" the fives and ones change their sound: "lăm"/"nhăm" is five, "mốt" one, "tư" four. Days,
    /// months, hours and minutes each check their own range.
    /// </summary>
    internal static (int Value, int Words)? SpelledNumber(RecognitionContext ctx, int i)
    {
        var first = ctx.Word(i);
        int? After(string w) => w switch { "lam" or "nham" => 5, "mot" => 1, "tu" => 4, _ => Units.TryGetValue(w, out var u) && u != 5 ? u : null };
        if (first == "muoi")
            return After(ctx.Word(i + 1)) is { } unit ? (10 + unit, 2) : (10, 1);
        if (!Units.TryGetValue(first, out var tens)) return null;
        if (ctx.Word(i + 1) != "muoi" || tens is < 2 or > 5) return (tens, 1);
        return After(ctx.Word(i + 2)) is { } ones ? (tens * 10 + ones, 3) : (tens * 10, 2);
    }

    private static readonly Dictionary<string, int> EnglishMonths = new(StringComparer.Ordinal)
    {
        ["january"] = 1, ["jan"] = 1, ["february"] = 2, ["feb"] = 2, ["march"] = 3, ["mar"] = 3, ["april"] = 4, ["apr"] = 4,
        ["may"] = 5, ["june"] = 6, ["jun"] = 6, ["july"] = 7, ["jul"] = 7, ["august"] = 8, ["aug"] = 8, ["september"] = 9,
        ["sept"] = 9, ["october"] = 10, ["oct"] = 10, ["november"] = 11, ["nov"] = 11, ["december"] = 12, ["dec"] = 12,
    };

    /// <summary>An English month name at word <paramref name="i"/>, typed without marks ("sếp" folds to "sep", so no "sep").</summary>
    private static int? EnglishMonth(RecognitionContext ctx, int i)
    {
        if (i >= ctx.Text.Words.Count || !EnglishMonths.TryGetValue(ctx.Word(i), out var month)) return null;
        var token = ctx.Text.Tokens[ctx.Text.Words[i].Source];
        if (token.HasDiacritics) return null;
        // "may" is also Vietnamese ("máy", "mấy" typed bare): the month only as a capitalised name.
        return month == 5 && !token.Capitalized ? null : month;
    }

    /// <summary>"8", "8th", "1st", "22nd", "3rd": a day of the month in English.</summary>
    private static int? DayOrdinal(string word)
    {
        var digits = word.Length > 2 && word[^2..] is "st" or "nd" or "rd" or "th" ? word[..^2] : word;
        return IsDayNumber(digits) ? int.Parse(digits, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>An English date and the year after it, if one is written ("March 8 2027").</summary>
    private static (DateOnly?, int, string?) WithYear(RecognitionContext ctx, int next, int day, int month, int length)
    {
        int? year = ctx.Word(next) is { Length: 4 } y && y.All(char.IsAsciiDigit) && int.Parse(y, CultureInfo.InvariantCulture) is var v
            && v is >= MinWrittenYear and <= MaxYear ? v : null;
        return (Resolve(ctx.Today, day, month, year), year is null ? length : length + 1, null);
    }

    /// <summary>"the 2nd time", "the 1st in line", "the 3rd floor": an ordinal of something else, not a day.</summary>
    private static readonly HashSet<string> CountedAfterOrdinal = new(StringComparer.Ordinal)
    {
        "time", "times", "in", "person", "people", "one", "floor", "window", "counter", "number", "place", "try", "attempt",
        "step", "child", "son", "daughter", "application", "dossier", "card", "passport", "visit", "row", "line",
    };

    /// <summary>"số thứ tự" (queue number) and "lần thứ hai" (second time) fold like weekdays.</summary>
    private static bool IsWeekday(RecognitionContext ctx, int i)
    {
        // "nộp hồ sơ thứ 7", "nhận hồ sơ thứ 7" are Saturdays; "bộ hồ sơ thứ 3", "hồ sơ thứ 2 của em" count dossiers, and
        // "bé thứ hai", "đợt thứ 2", "tầng thứ 3" count children, rounds and floors. A comma ends the count before a day:
        // "cả nhà 4 người, thứ 5 tuần sau", "một lần, thứ 2".
        var counted = ctx.Word(i - 1) is "so" && !(ctx.Word(i - 2) == "ho" && ctx.Word(i - 3) is "nop" or "nhan" or "tiep" or "gui" or "lam" or "giai" or "tra"
                && ctx.Word(i + 2) != "cua")
            || ctx.Word(i - 1) is "lan" or "nguoi" or "cai" or "buoc" or "be" or "dua" or "dot" or "tang" or "quay";
        // "cho bé thứ 7 này", "đứa thứ 2 tuần sau": a day, named as one.
        if (counted && !(i > 0 && ctx.BreakBetween(i - 1, i)) && ctx.Word(i + 2) is not ("nay" or "ni" or "tuan" or "toi" or "sau")) return false;
        var next = ctx.Text.Words[i + 1].Source;
        return !ctx.Text.Tokens[next].HasDiacritics || ctx.Text.Toned(next) is not ("tự" or "hại");
    }

    private static bool IsTomorrow(RecognitionContext ctx, int i)
    {
        var source = ctx.Text.Words[i].Source;
        var token = ctx.Text.Tokens[source];
        // "mãi", "mái" typed with their marks are other words.
        if (token.HasDiacritics && ctx.Text.Toned(source) != "mai") return false;
        if (token.Capitalized && source > 0) return false;                        // "chị Mai", "... Mai"
        if (ctx.Word(i + 1) == "mot") return false;                                // "mai mốt": some day later
        if (i > 0 && NameContext.Contains(ctx.Word(i - 1))) return false;         // "hoa mai", "tên Mai"
        if (source + 1 < ctx.Text.Tokens.Count && ctx.Text.Tokens[source + 1].Capitalized && token.Capitalized) return false;
        return true;
    }

    private static bool IsDayAfterTomorrow(RecognitionContext ctx, int i)
    {
        var source = ctx.Text.Words[i].Source;
        var token = ctx.Text.Tokens[source];
        // "hai mươi mốt" is twenty-one.
        if (ctx.Word(i - 1) == "muoi") return false;
        if (token.HasDiacritics) return ctx.Text.Toned(source) == "mốt";
        // Without marks "mot" is usually "một" (one); only read it as a day where a day is expected.
        // "xếp cho tôi một lịch": "một" before a counted noun is one, whatever stands before it.
        if (ctx.Word(i + 1) is "lich" or "cai" or "chut" or "so" or "nguoi" or "lan" or "buoi" or "ngay" or "thang" or "nam"
            or "tuan" or "gio" or "ti" or "it" or "con" or "ban" or "bo" or "to" or "suat" or "slot" or "ho") return false;
        if (ctx.Text.Words.Count == 1 || ctx.Word(i - 1) is "sang" or "chieu" or "toi" or "trua" or "den" or "hen" or "hom" or "bua") return true;
        // Southern "mốt em rảnh, đặt lịch…": opening the message, before who comes or is free; "một em học sinh" is a pupil.
        if (i == 0 && ctx.Word(1) is "em" or "e" or "toi" or "tui" or "anh" or "chi"
            && ctx.Word(2) is "ranh" or "len" or "qua" or "toi" or "den" or "ghe" or "moi" or "ve") return true;
        // After a comma only "mốt em rảnh": "một anh về quê" counts a person.
        if (i > 0 && ctx.BreakBetween(i - 1, i) && ctx.Word(i + 1) is "em" or "e" or "toi" or "tui" && ctx.Word(i + 2) == "ranh") return true;
        if (ctx.Word(i - 1) == "mai") return false;
        // "dời qua mốt nha": where a move ends, a "mot" that ends the clause is a day; "qua một tháng" counts a month.
        return ctx.Word(i - 1) is "qua" or "vao" && ctx.Word(i + 1) is "" or "nha" or "nhe" or "nhen" or "nghen" or "duoc" or "di" or "a" or "khong" or "luon" or "giup" or "gium" or "dum";
    }

    private static bool IsDayNumber(string word) =>
        word.Length is 1 or 2 && word.All(char.IsAsciiDigit) && int.Parse(word, CultureInfo.InvariantCulture) is >= 1 and <= 31;

    /// <summary>
    /// A day and month without a year is the last such day if that is at most two months ago, else the next one: "nộp
    /// hôm 28/12" asked in January is last December's, "hẹn 5/3" the coming March.
    /// </summary>
    private static DateOnly? Resolve(DateOnly today, int day, int month, int? year)
    {
        if (year is { } y) return TryDate(y, month, day);
        var recent = today.AddMonths(-2);
        DateOnly? ahead = null;
        for (var candidate = today.Year - 1; candidate <= today.Year + 1; candidate++)
        {
            if (TryDate(candidate, month, day) is not { } date || date < recent) continue;
            if (date < today) return date;
            ahead ??= date;
        }
        // 29/2 with no leap year near: the next one.
        return ahead ?? Enumerable.Range(today.Year + 2, 4).Select(y2 => TryDate(y2, month, day)).FirstOrDefault(d => d is not null);
    }

    private static DateOnly? TryDate(int year, int month, int day) =>
        month is >= 1 and <= 12 && year is >= MinWrittenYear and <= MaxYear && day >= 1 && day <= DateTime.DaysInMonth(year, month)
            ? new DateOnly(year, month, day) : null;

    /// <summary>Monday is 0, Sunday 6.</summary>
    public static int DayIndex(DateOnly d) => ((int)d.DayOfWeek + 6) % 7;
    public static DateOnly MondayOf(DateOnly d) => d.AddDays(-DayIndex(d));
    /// <summary>An entity's date value (yyyy-MM-dd), and back.</summary>
    public static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    public static DateOnly? FromIso(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
    private static Entity Make(DateOnly date, int start, int end) => new(EntityTypes.Date, Iso(date), start, end);

    [GeneratedRegex(@"(?<![\d/.\-:])(?<d>\d{1,2})\s?[/\-]\s?(?<m>\d{1,2})(?:\s?[/\-]\s?(?<y>\d{4}|\d{2}))?(?![\d/\-:])")]
    private static partial Regex NumericPattern();

    // Dotted only with a full year ("20.12.2026"): "1.5" and "2.500" are amounts.
    [GeneratedRegex(@"(?<![\d/.\-:,])(?<d>\d{1,2})\.(?<m>\d{1,2})\.(?<y>\d{4})(?![\d\p{L}]|\.\d)")]
    private static partial Regex DottedPattern();

    [GeneratedRegex(@"^\d{1,2}(h|g|gio)(\d{2})?$")]
    private static partial Regex ClockWord();
}
