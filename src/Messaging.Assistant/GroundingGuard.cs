using System.Globalization;
using System.Text.RegularExpressions;
using Messaging.Core.Procedures;
using Messaging.Language.Text;

namespace Messaging.Assistant;

/// <summary>
/// A model may word an answer, never invent its facts. Every fee, duration and document an answer names must appear in
/// the knowledge-base entries retrieved for it; an answer that names any of them with nothing retrieved fails too.
/// </summary>
public static partial class GroundingGuard
{
    // "lúc 9 giờ" is a time of day, not a duration, and "25 tháng 11" a date: only "giờ làm việc" counts, and a unit
    // followed by a number is not a duration.

    /// <summary>
    /// Papers a model could name; the answer may only name those in the retrieved entries' own text. Words that are
    /// also procedures ("thẻ căn cước", "hộ chiếu") are left out: naming the procedure is not naming a paper.
    /// </summary>
    private static readonly string[] DocumentTerms =
    [
        "giay khai sinh", "trich luc khai sinh", "so ho khau", "so tam tru", "giay xac nhan", "giay chung nhan", "to khai",
        "ban sao", "anh chan dung", "anh 4x6", "anh 3x4", "anh the", "chung minh nhan dan", "don de nghi", "phieu", "hop dong", "giay ket hon", "giay dang ky ket hon", "giay phep lai xe", "bang lai",
        "so do", "giay to nha", "giay uy quyen", "van ban", "quyet dinh", "ly lich", "giay bao tu", "giay chung tu", "hoc ba",
        "birth certificate", "photo", "application form", "household book",
    ];

    public sealed record Verdict(bool Grounded, IReadOnlyList<string> Unsupported);

    public static Verdict Check(string answer, IReadOnlyCollection<Procedure> retrieved)
    {
        var source = string.Join("\n", retrieved.Select(Text));
        var foldedSource = " " + Normalizer.Canonical(source) + " ";
        var foldedAnswer = " " + Normalizer.Canonical(answer) + " ";
        var unsupported = new List<string>();

        var knownFees = Amounts(source).ToHashSet();
        foreach (var (text, amount) in AmountsWithText(answer))
            if (!knownFees.Contains(amount)) unsupported.Add("fee " + text);
        if ((foldedAnswer.Contains(" mien phi ", StringComparison.Ordinal) || foldedAnswer.Contains(" khong mat phi ", StringComparison.Ordinal)
             || foldedAnswer.Contains(" free of charge ", StringComparison.Ordinal))
            && !(foldedSource.Contains(" mien ", StringComparison.Ordinal) || foldedSource.Contains(" khong thu ", StringComparison.Ordinal)
                 || foldedSource.Contains(" free ", StringComparison.Ordinal)))
            unsupported.Add("fee: free");

        var knownDurations = Durations(source).ToHashSet();
        foreach (Match m in Duration().Matches(answer))
            if (!knownDurations.Contains(DurationOf(m))) unsupported.Add("duration " + m.Value);

        foreach (var term in DocumentTerms)
            if (foldedAnswer.Contains(" " + term + " ", StringComparison.Ordinal) && !foldedSource.Contains(" " + term + " ", StringComparison.Ordinal))
                unsupported.Add("document " + term);

        return new Verdict(unsupported.Count == 0, unsupported);
    }

    /// <summary>Everything an entry says, as the guard compares against it.</summary>
    public static string Text(Procedure p) => string.Join("\n", new[]
    {
        p.Title, p.TitleEn, p.Audience, p.AudienceEn ?? "", p.Fee?.Text ?? "", p.Fee?.TextEn ?? "", p.ProcessingTime?.Text ?? "",
        p.ProcessingTime?.TextEn ?? "", p.Where?.Offices ?? "", p.Where?.Online ?? "", p.Notes,
    }.Concat(p.Documents?.Select(d => d.Name + " " + d.Note) ?? []));

    private static IEnumerable<long> Amounts(string text) => AmountsWithText(text).Select(a => a.Amount);

    private static IEnumerable<(string Text, long Amount)> AmountsWithText(string text)
    {
        foreach (Match m in Money().Matches(text))
        {
            var digits = m.Groups["n"].Value.Replace(".", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
            if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) continue;
            var unit = m.Groups["u"].Value.ToLowerInvariant();
            var scale = unit switch { "nghìn" or "ngàn" or "nghin" or "ngan" or "k" => 1_000L, "triệu" or "trieu" => 1_000_000L, _ => 1L };
            yield return (m.Value.Trim(), n * scale);
        }
    }

    private static IEnumerable<(int, string)> Durations(string text) => Duration().Matches(text).Select(DurationOf);

    private static (int, string) DurationOf(Match m)
    {
        var unit = Normalizer.Canonical(m.Groups["u"].Value) switch
        {
            "ngay" or "ngay lam viec" or "days" or "working days" or "day" => "day",
            "tuan" or "weeks" or "week" => "week",
            "thang" or "months" or "month" => "month",
            _ => "hour",
        };
        return (int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture), unit);
    }

    [GeneratedRegex(@"(?<n>\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?<u>đồng|đ|vnđ|vnd|nghìn|ngàn|nghin|ngan|k|triệu|trieu)(?![\p{L}])", RegexOptions.IgnoreCase)]
    private static partial Regex Money();

    [GeneratedRegex(@"(?<n>\d{1,3})\s*(?<u>ngày làm việc|ngày|tuần|tháng|giờ làm việc|working days|days?|weeks?|months?|hours?)(?![\p{L}])(?!\s*\d)", RegexOptions.IgnoreCase)]
    private static partial Regex Duration();
}
