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
internal static partial class IntentEntities
{
    /// <summary>Adjusts <paramref name="entities"/> (sorted by position, as recognized) in place.</summary>
    /// <param name="words">The message's word positions, shared with the intent rules: each looks beside mentions by
    /// binary search.</param>
    public static void Apply(string intent, NormalizedText text, WordPositions words, List<Entity> entities, IReadOnlyList<IntentProcedure> procedures, DateOnly today)
    {
        if (intent is IntentNames.OutOfScope or IntentNames.HomeVisit) WithoutLandmarks(text, words, entities);
        WeekdayInTheWeekBefore(text, words, entities, today);
        WithoutDeadlines(text, words, entities);
        WeekdayOfADateGiven(text, words, entities, today);
        ByIntent(intent, text, words, entities, procedures, today);
        // "ở nhà tới hết tuần sau, hẹn ngày 4/3": a week beside a day still ahead is context, and the day is the answer.
        // A day gone by ("hết hạn ngày 1/12", "sinh ngày …") leaves the week; a move has already dropped the day it leaves.
        var iso = DateRecognizer.Iso(today);
        if (entities.Exists(e => e.Type == EntityTypes.Date && string.CompareOrdinal(e.Value, iso) >= 0))
            entities.RemoveAll(e => e.Type == EntityTypes.Week);
    }

    /// <summary>
    /// "nhà gần chợ Tịnh Hà" (asking officers home), "đổi tiền ở đâu gần phường Cẩm Thành": a place named to say where
    /// something is near is a landmark, not the office to go to. Booking "ở gần xã Tịnh Hà nên đặt ở đó" keeps it.
    /// </summary>
    private static void WithoutLandmarks(NormalizedText text, WordPositions words, List<Entity> entities)
    {
        if (!entities.Exists(e => e.Type == EntityTypes.Office)) return;
        bool Near(int w) => w >= 0 && text.Words[w].Text == "gan" && text.MayBe(text.Words[w].Source, "gần");
        entities.RemoveAll(e =>
        {
            if (e.Type != EntityTypes.Office) return false;
            var first = words.FirstAtOrAfter(e.Start);
            return Near(first - 1) || first >= 1 && text.Words[first - 1].Text is "cho" or "truong" or "ben" && Near(first - 2);
        });
    }

    /// <summary>
    /// "đặt lịch tuần sau, thứ 7 nhé": a bare weekday right after a week (within a few words) is that week's day, not the
    /// next one. ("thứ 7 tuần sau", the week after the day, is read so by the recognizer.)
    /// </summary>
    private static void WeekdayInTheWeekBefore(NormalizedText text, WordPositions words, List<Entity> entities, DateOnly today)
    {
        if (!entities.Exists(e => e.Type == EntityTypes.Week)) return;
        Entity? week = null;
        for (var i = 0; i < entities.Count; i++)
        {
            var e = entities[i];
            if (e.Type == EntityTypes.Week) { week = e; continue; }
            if (e.Type != EntityTypes.Date || week is null) continue;
            var (weekLast, dayFirst) = (words.Inside(week.Start, week.End).Last, words.Inside(e.Start, e.End).First);
            if (weekLast < 0 || dayFirst < 0 || dayFirst - weekLast > 3 || !IsBareWeekday(text, words, e)
                || DateRecognizer.FromIso(week.Value) is not { } from || DateRecognizer.FromIso(e.Value) is not { } day) continue;
            var inWeek = DateRecognizer.MondayOf(from).AddDays(DateRecognizer.DayIndex(day));
            if (inWeek >= today && inWeek != day)
                entities[i] = e with { Value = DateRecognizer.Iso(inWeek), Detail = "in the week named before it" };
        }
    }

    /// <summary>
    /// "hạn chót 5/11, cho em đặt lịch 1/11": a deadline beside the day asked for is context. Alone it stays (the bot has
    /// nothing better to offer than the day before it).
    /// </summary>
    private static void WithoutDeadlines(NormalizedText text, WordPositions words, List<Entity> entities)
    {
        if (entities.Count(e => e.Type == EntityTypes.Date) < 2) return;
        string W(int i) => i >= 0 && i < text.Words.Count ? text.Words[i].Text : "";
        bool Deadline(Entity e)
        {
            var first = words.FirstAtOrAfter(e.Start);
            var (a, b) = (W(first - 2), W(first - 1));
            // "hạn chót 5/11", "hạn chót nộp 5/11", "hết hạn 5/11"; "gia hạn 5/11" extends to the day.
            return b is "deadline" || a == "han" && b is "chot" or "cuoi" or "nop" || b == "han" && a is not "gia"
                || W(first - 3) == "han" && a is "chot" or "cuoi";
        }
        var deadlines = entities.Where(e => e.Type == EntityTypes.Date && Deadline(e)).ToHashSet(ReferenceEqualityComparer.Instance);
        if (deadlines.Count > 0 && deadlines.Count < entities.Count(e => e.Type == EntityTypes.Date))
            entities.RemoveAll(deadlines.Contains);
    }

    /// <summary>
    /// "đặt lịch ngày 30/10 buổi sáng, thứ 7 có làm không": a bare weekday that is the weekday of a day already given
    /// says which day of the week it is, not another day.
    /// </summary>
    private static void WeekdayOfADateGiven(NormalizedText text, WordPositions words, List<Entity> entities, DateOnly today)
    {
        // Only a day still ahead: "nộp hôm 27/11, giờ đặt lịch thứ 6" books the coming Friday.
        var iso = DateRecognizer.Iso(today);
        var given = entities.FindAll(e => e.Type == EntityTypes.Date && !IsBareWeekday(text, words, e) && string.CompareOrdinal(e.Value, iso) >= 0);
        if (given.Count == 0 || !entities.Exists(e => e.Type == EntityTypes.Date && IsBareWeekday(text, words, e))) return;
        var weekdays = given.Select(e => DateRecognizer.FromIso(e.Value)).OfType<DateOnly>().Select(d => d.DayOfWeek).ToHashSet();
        entities.RemoveAll(e => e.Type == EntityTypes.Date && IsBareWeekday(text, words, e)
            && DateRecognizer.FromIso(e.Value) is { } day && weekdays.Contains(day.DayOfWeek));
    }

    private static void ByIntent(string intent, NormalizedText text, WordPositions words, List<Entity> entities, IReadOnlyList<IntentProcedure> procedures, DateOnly today)
    {
        switch (intent)
        {
            case IntentNames.RescheduleAppointment:
                WithoutOldOffice(text, words, entities);
                WithoutOldAppointment(text, words, entities);
                AheadOfToday(text, words, entities, today);
                return;
            case IntentNames.BookAppointment:
                AheadOfToday(text, words, entities, today);
                break;
            case IntentNames.OfficeInfo:
                WithoutWeekdaysInGeneral(text, words, entities);
                return;
            case IntentNames.ProcedureInfo:
                WithoutWeekdaysInGeneral(text, words, entities, askedOfTheOffice: true);
                break;
            case IntentNames.DossierStatus:
                FilingDaysGoneBy(text, words, entities, today);
                break;
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
    }

    /// <summary>
    /// An appointment lies ahead: "thứ 4" said on a Wednesday to book is next Wednesday (today would be "hôm nay"), and
    /// "lỡ hẹn hôm qua, đặt lại chiều mai" books tomorrow, not the day missed.
    /// </summary>
    private static void AheadOfToday(NormalizedText text, WordPositions words, List<Entity> entities, DateOnly today)
    {
        var iso = DateRecognizer.Iso(today);
        var next = DateRecognizer.Iso(today.AddDays(7));
        for (var i = 0; i < entities.Count; i++)
        {
            if (entities[i].Type != EntityTypes.Date || entities[i].Value != iso) continue;
            if (IsBareWeekday(text, words, entities[i])) entities[i] = entities[i] with { Value = next, Detail = "next week: today is that weekday" };
        }
        if (entities.Exists(e => e.Type == EntityTypes.Date && string.CompareOrdinal(e.Value, iso) >= 0))
            entities.RemoveAll(e => e.Type == EntityTypes.Date && string.CompareOrdinal(e.Value, iso) < 0);
    }

    private static bool IsWhen(Entity e) => e.Type is EntityTypes.Date or EntityTypes.Week or EntityTypes.PartOfDay or EntityTypes.Time;

    /// <summary>
    /// "đổi lịch từ thứ 5 sang thứ 6", "lịch sáng mai em bận, dời qua chiều thứ 6": a reschedule names the day it leaves
    /// as well as the day it wants, and the dialog takes the first date it finds. A day before the first "sang/qua/thành"
    /// that has days on both sides is the old one; a day the citizen cannot make ("bận", "không đi kịp") in the same
    /// clause is the old one too, and with no other day named the bot asks for the new one.
    /// </summary>
    private static void WithoutOldAppointment(NormalizedText text, WordPositions words, List<Entity> entities)
    {
        if (!entities.Exists(IsWhen)) return;
        var clauseEnds = ClauseEnds(text.Original);
        var markers = Positions(text, entities, IsTransfer);
        var cannots = Positions(text, entities, IsCannotMakeIt);
        // "bữa nay tui mắc", "thứ 5 em bận": the reason follows the day in one clause, with no move between them.
        // "dời qua thứ 6 được không ạ, thứ 5 em bận" keeps the Friday: a comma closes its clause first.
        entities.RemoveAll(e => IsWhen(e) && WordPositions.NextIn(cannots, e.End) is { } cannot && clauseEnds[e.End] >= cannot
            && !(WordPositions.NextIn(markers, e.End) is { } move && move < cannot));
        // "tôi không đi được hôm 20, cho ngày khác": the day right after the reason, in its clause, is the one left.
        // "em bận quá thứ 5 mới lên được": "mới" makes it the day that works.
        entities.RemoveAll(e => IsWhen(e) && WordPositions.PreviousIn(cannots, e.Start) is { } reason && clauseEnds[reason] >= e.End
            && words.FirstAtOrAfter(e.Start) - words.FirstAtOrAfter(reason) <= 4 && words.Inside(e.Start, e.End) is (_, var last)
            && !(last + 1 < text.Words.Count && text.Words[last + 1].Text == "moi"));
        // "không đi sáng mai nữa mà đi tối mai": a day said with "không … nữa" is given up when another follows it.
        var lastStart = entities.Where(IsWhen).Select(e => e.Start).DefaultIfEmpty(-1).Max();
        entities.RemoveAll(e => IsWhen(e) && e.End <= lastStart && GivenUp(text, words, e));
        var firstWhen = int.MaxValue;
        var lastWhen = -1;
        foreach (var e in entities)
        {
            if (!IsWhen(e)) continue;
            firstWhen = Math.Min(firstWhen, e.End);
            lastWhen = Math.Max(lastWhen, e.Start);
        }
        foreach (var move in markers)
        {
            if (move < firstWhen) continue;
            if (move <= lastWhen || VagueAfter(text, words, move)) entities.RemoveAll(e => IsWhen(e) && e.End <= move);
            break;
        }
    }

    /// <summary>
    /// "chuyển lịch từ xã Tịnh Hà qua phường Cẩm Thành": the office before the move is the one left, when another office
    /// is named after it.
    /// </summary>
    private static void WithoutOldOffice(NormalizedText text, WordPositions words, List<Entity> entities)
    {
        var offices = entities.FindAll(e => e.Type == EntityTypes.Office);
        if (offices.Count < 2) return;
        // The move must lead to the office ("qua công an phường …", "sang xã …"), not to a day ("qua sáng thứ 2").
        // Markers and offices both come in order: one pointer walks the offices beside the markers.
        var next = 0;
        foreach (var m in Positions(text, entities, IsTransfer))
        {
            if (m < offices[0].End) continue;
            while (next < offices.Count && offices[next].Start <= m) next++;
            if (next == offices.Count) return;
            if (words.FirstAtOrAfter(offices[next].Start) - words.FirstAtOrAfter(m) > 3) continue;
            entities.RemoveAll(e => e.Type == EntityTypes.Office && e.End <= m);
            return;
        }
    }

    /// <summary>
    /// A status question asks about a dossier already filed: "nộp từ thứ 2 mà chưa thấy gì" is last Monday, not the next
    /// one, "nộp ngày 20/9" asked in December is last September, and "bữa nay có chưa" beside the filing day asks whether
    /// it is ready by now, naming no day of its own.
    /// </summary>
    private static void FilingDaysGoneBy(NormalizedText text, WordPositions words, List<Entity> entities, DateOnly today)
    {
        if (!entities.Exists(e => e.Type == EntityTypes.Date)) return;
        var iso = DateRecognizer.Iso(today);
        for (var i = 0; i < entities.Count; i++)
        {
            var e = entities[i];
            if (e.Type != EntityTypes.Date || string.CompareOrdinal(e.Value, iso) <= 0 || DateRecognizer.FromIso(e.Value) is not { } day) continue;
            // "nộp hôm 28 mà chưa có", asked on the 4th: last month's 28th ("hôm" says it is gone by).
            if (words.Inside(e.Start, e.End) is (var f, _) && f >= 0 && text.Words[f].Text == "hom" && f + 1 < text.Words.Count
                && text.Words[f + 1].Text.All(char.IsAsciiDigit))
            {
                entities[i] = e with { Value = DateRecognizer.Iso(day.AddMonths(-1)), Detail = "the last such day: a dossier filed" };
                continue;
            }
            if (!FiledJustBefore(text, words, e)) continue;
            if (IsBareWeekday(text, words, e))
                entities[i] = e with { Value = DateRecognizer.Iso(day.AddDays(-7)), Detail = "the last such day: a dossier filed" };
            // "nộp ngày 20/9 tới giờ chưa có", asked in December: filed last September, not next.
            else if (YearlessDay().IsMatch(text.Original[e.Start..e.End]) && day.AddYears(-1) < today)
                entities[i] = e with { Value = DateRecognizer.Iso(day.AddYears(-1)), Detail = "the last such day: a dossier filed" };
        }
        if (entities.Exists(e => e.Type == EntityTypes.Date && string.CompareOrdinal(e.Value, iso) < 0))
            entities.RemoveAll(e => e.Type == EntityTypes.Date && e.Value == iso);
    }

    /// <summary>
    /// "nộp thứ 2", "làm từ thứ 6": the filing is said just before the day. "hẹn thứ 7 trả" names the day promised,
    /// which is ahead.
    /// </summary>
    private static bool FiledJustBefore(NormalizedText text, WordPositions words, Entity date)
    {
        var (first, _) = words.Inside(date.Start, date.End);
        string W(int k) => k >= 0 ? text.Words[k].Text : "";
        static bool Filed(string w) => w is "nop" or "gui" or "lam" or "khai" or "ky";
        // "nộp thứ 5", "nộp từ thứ 2", "nộp qua mạng từ thứ 2", "làm vào thứ 6": the verb, or "từ", right before the day.
        return Filed(W(first - 1)) || W(first - 1) is "tu" or "vao" or "hom" or "ngay" && (Filed(W(first - 2)) || W(first - 1) == "tu");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{1,2}\s?[/\-]\s?\d{1,2}$")]
    private static partial System.Text.RegularExpressions.Regex YearlessDay();

    /// <summary>
    /// "lùi qua cuối tháng", "dời sang hôm khác", "chuyển qua tháng sau": the new time is named but is no day, so a day
    /// before the move is the one left.
    /// </summary>
    private static bool VagueAfter(NormalizedText text, WordPositions words, int move)
    {
        var i = words.FirstAtOrAfter(move);
        string W(int k) => i + k < text.Words.Count ? text.Words[i + k].Text : "";
        return W(1) is "cuoi" or "dau" or "giua" && W(2) is "thang" or "tuan" or "nam"
            || W(1) is "hom" or "ngay" or "bua" or "tuan" or "dip" or "luc" or "buoi" or "thang" or "khi" && W(2) == "khac"
            || W(1) == "thang" && W(2) is "sau" or "toi"
            // "lùi lại ra Tết", "dời sau Tết", "qua giêng".
            || W(1) is "ra" or "sau" or "qua" && W(2) is "tet" or "gieng" || W(1) == "tet";
    }

    /// <summary>For each position, where its clause ends: the next comma, full stop, question or exclamation mark, or line break.</summary>
    private static int[] ClauseEnds(string original)
    {
        var ends = new int[original.Length + 1];
        ends[original.Length] = original.Length;
        for (var i = original.Length - 1; i >= 0; i--)
            ends[i] = WordPositions.IsClauseBreak(original[i]) ? i : ends[i + 1];
        return ends;
    }

    /// <summary>
    /// "sang", "qua", "thành", "to": where the new day starts. "hôm qua" and "tuần qua" are past days, "thành phố" a
    /// city; typed with marks, "quá", "tờ", "sáng" are other words.
    /// </summary>
    private static bool IsTransfer(NormalizedText text, int i)
    {
        var words = text.Words;
        if (!text.MayBe(words[i].Source, "sang", "qua", "thành", "lại", "vào", "lên", "xuống", "về")) return false;
        string W(int k) => i + k >= 0 && i + k < words.Count ? words[i + k].Text : "";
        return W(0) switch
        {
            "sang" => W(1) is not ("nam" or "ten" or "nhuong"),
            "qua" => W(-1) is not ("hom" or "tuan" or "thang" or "nam" or "bua" or "vua"),
            "thanh" => W(1) is not ("pho" or "vien" or "cong" or "nien"),
            // "lùi lại thứ 5 tuần sau", "dời vào chiều mai", "đổi lên ngày 17" (earlier), "dời xuống": right after the move verb.
            "lai" or "vao" or "len" or "xuong" => W(-1) is "doi" or "lui" or "hoan" or "chuyen" or "dich" or "day" || W(0) == "lai" && W(-1) == "hen",
            // "dời về thứ 6", "chuyển từ xã Tịnh Hà về xã Trà Bồng": right after the move verb, or after where it moves from.
            // Not "từ hôm qua em về quê": the move leads to an office or a day.
            "ve" => (W(-1) is "doi" or "lui" or "chuyen" or "dich" || FromBefore(words, i))
                && W(1) is "ca" or "cong" or "xa" or "phuong" or "thu" or "chu" or "ngay" or "sang" or "chieu" or "toi" or "trua" or "hom" or "mai"
                    or "tuan" or "dau" or "cuoi" || W(1).Length > 0 && char.IsAsciiDigit(W(1)[0]),
            "to" or "into" => true,
            _ => false,
        };
    }

    private static bool GivenUp(NormalizedText text, WordPositions words, Entity when)
    {
        var (first, last) = words.Inside(when.Start, when.End);
        string W(int k) => k >= 0 && k < text.Words.Count ? text.Words[k].Text : "";
        return first >= 0 && (W(first - 1) == "khong" || W(first - 2) == "khong") && (W(last + 1) == "nua" || W(last + 2) == "nua");
    }

    /// <summary>"từ" a few words before: a move from one place or day to another.</summary>
    private static bool FromBefore(IReadOnlyList<CanonicalWord> words, int i)
    {
        for (var k = i - 1; k >= Math.Max(0, i - 6); k--)
            if (words[k].Text == "tu") return true;
        return false;
    }

    private static bool IsCannotMakeIt(NormalizedText text, int i)
    {
        var words = text.Words;
        string W(int k) => i + k < words.Count ? words[i + k].Text : "";
        return W(0) switch
        {
            // Southern "mắc" (busy), "trùng lịch" (a clash).
            "ban" or "ket" or "busy" or "mac" or "om" or "benh" or "sick" => true,
            // "nó sốt rồi"; typed with marks "sót" is something missed.
            "sot" => text.MayBe(words[i].Source, "sốt"),
            // "mưa bão đi ko nổi", "đi hổng được".
            "di" => W(1) is "khong" or "chua" && W(2) is "noi" or "duoc" or "kip",
            "trung" => W(1) is "lich" or "gio",
            "co" => W(1) == "viec",
            "khong" or "chua" => W(1) is "di" or "den" or "toi" or "len" or "qua" or "kip" or "the" or "ra" or "lam"
                && (W(2) is "duoc" or "kip" or "noi" or "" || W(1) is "kip" or "the"),
            "can't" or "cannot" => true,
            _ => false,
        };
    }

    /// <summary>
    /// Start (in the original text) of each word outside an entity where the predicate holds, ascending. The entities
    /// come sorted and apart, so one pointer walks them beside the words.
    /// </summary>
    private static List<int> Positions(NormalizedText text, List<Entity> entities, Func<NormalizedText, int, bool> at)
    {
        var found = new List<int>();
        var next = 0;
        for (var i = 0; i < text.Words.Count; i++)
        {
            var start = text.Tokens[text.Words[i].Source].Start;
            while (next < entities.Count && entities[next].End <= start) next++;
            if (next < entities.Count && entities[next].Start <= start) continue;
            if (at(text, i)) found.Add(start);
        }
        return found;
    }

    /// <summary>
    /// "thứ 7 có làm việc không", "chủ nhật có mở cửa ko": a weekday asked about in general names every such day, not
    /// the next one; "thứ 7 này", "thứ 7 tuần sau", "mai" name one day and stay.
    /// </summary>
    /// <param name="askedOfTheOffice">Only a weekday followed by whether the office works then ("đổi căn cước mất bao
    /// nhiêu, mà thứ 7 có làm không"); a question on a procedure may name a day for other reasons.</param>
    private static void WithoutWeekdaysInGeneral(NormalizedText text, WordPositions words, List<Entity> entities, bool askedOfTheOffice = false)
    {
        if (!entities.Exists(e => e.Type == EntityTypes.Date)) return;
        entities.RemoveAll(e => e.Type == EntityTypes.Date && IsBareWeekday(text, words, e) && (!askedOfTheOffice || OfficeWorksAfter(text, words, e)));
    }

    private static bool OfficeWorksAfter(NormalizedText text, WordPositions words, Entity date)
    {
        var i = words.FirstAtOrAfter(date.End);
        string W(int k) => i + k < text.Words.Count ? text.Words[i + k].Text : "";
        return W(0) == "co" && W(1) is "lam" or "nhan" or "mo" or "tiep" or "truc" or "nghi";
    }

    private static bool IsBareWeekday(NormalizedText text, WordPositions words, Entity date)
    {
        var (first, last) = words.Inside(date.Start, date.End);
        if (first < 0) return false;
        string W(int i) => i < text.Words.Count ? text.Words[i].Text : "";
        var weekday = last == first + 1 && (W(first) == "thu" || W(first) == "chu" && W(last) == "nhat")
            || last == first && W(first) is "monday" or "tuesday" or "wednesday" or "thursday" or "friday" or "saturday" or "sunday";
        // "thứ 7 này", "thứ 7 tới": one day. "từ thứ 2 tới giờ", "tới nay" is "until now".
        return weekday && (W(last + 1) is not ("nay" or "ni" or "toi" or "sap" or "ngay")
            || W(last + 1) == "toi" && W(last + 2) is "gio" or "nay" or "bay");
    }
}
