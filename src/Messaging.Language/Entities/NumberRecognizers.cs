using System.Text.RegularExpressions;

namespace Messaging.Language.Entities;

/// <summary>Dossier codes, phone numbers and citizen ID numbers: the digit-heavy entities, found in this order.</summary>
public static partial class NumberRecognizers
{
    public static void Recognize(RecognitionContext ctx)
    {
        DossierCodes(ctx);
        PhonesAndIds(ctx);
    }

    private static void DossierCodes(RecognitionContext ctx)
    {
        var text = ctx.Text;
        foreach (Match m in DossierPattern().Matches(text.Folded))
        {
            var (start, end) = text.OriginalSpan(m.Index, m.Index + m.Length);
            if (!ctx.IsFree(start, end)) continue;
            if (DossierCode.TryNormalize(text.Original[start..end], out var code))
                ctx.Add(new Entity(EntityTypes.DossierCode, code, start, end));
        }
    }

    /// <summary>
    /// People write numbers in groups ("0912 345 678", "051 090 001 234") and several numbers in a row, so each run
    /// of digit groups is tried window by window: the longest window that is a valid number wins. A number has at
    /// most 13 digits, so a window never spans more than 13 groups and the work stays linear in the run's length.
    /// </summary>
    private static void PhonesAndIds(RecognitionContext ctx)
    {
        var text = ctx.Text;
        var digits = new System.Text.StringBuilder(MaxDigits);
        var ends = new List<int>(MaxDigits);
        foreach (Match run in DigitRunPattern().Matches(text.Folded))
        {
            var groups = DigitGroupPattern().Matches(run.Value).Select(g => (Start: run.Index + g.Index, g.Value)).ToList();
            var plus = run.Value.StartsWith('+');
            var s = 0;
            while (s < groups.Count)
            {
                // The windows starting at s, shortest first; ends[k] is the last group of the window with k+1 groups.
                digits.Clear();
                ends.Clear();
                for (var e = s; e < groups.Count && digits.Length + groups[e].Value.Length <= MaxDigits; e++)
                {
                    digits.Append(groups[e].Value);
                    ends.Add(e);
                }
                var found = false;
                for (var k = ends.Count - 1; k >= 0 && !found; k--)
                {
                    var e = ends[k];
                    var length = groups.Skip(s).Take(k + 1).Sum(g => g.Value.Length);
                    if (length < 9) break;
                    var fStart = groups[s].Start - (plus && s == 0 ? 1 : 0);
                    var fEnd = groups[e].Start + groups[e].Value.Length;
                    var (start, end) = text.OriginalSpan(fStart, fEnd);
                    if (!ctx.IsFree(start, end)) continue;
                    var entity = Classify(digits.ToString(0, length), plus && s == 0, start, end);
                    if (entity is null) continue;
                    ctx.Add(entity);
                    s = e + 1;
                    found = true;
                }
                if (!found) s++;
            }
        }
    }

    private const int MaxDigits = 13;

    private static Entity? Classify(string digits, bool plus, int start, int end)
    {
        var written = (plus ? "+" : "") + digits;
        if ((digits[0] == '0' || digits.StartsWith("84", StringComparison.Ordinal) || plus)
            && VietnamesePhone.TryNormalize(written, out var phone))
            return new Entity(EntityTypes.Phone, phone, start, end);
        if (plus) return null;
        if (CitizenId.IsValid(digits)) return new Entity(EntityTypes.CitizenId, digits, start, end);
        if (digits.Length == 9 && digits[0] != '0')
            return new Entity(EntityTypes.CitizenId, digits, start, end, 0.6) { Detail = "legacy" };
        return null;
    }

    [GeneratedRegex(@"\d{3}\s*\.\s*\d{2}\s*\.\s*\d{2}\s*\.\s*[a-z]\s*\d{2}\s*-\s*\d{6}\s*-\s*\d{4}(?!\d)")]
    private static partial Regex DossierPattern();

    [GeneratedRegex(@"(?<![\d/:])\+?\d+(?:[ .\-]\d+)*(?![\d/:])")]
    private static partial Regex DigitRunPattern();

    [GeneratedRegex(@"\d+")]
    private static partial Regex DigitGroupPattern();
}
