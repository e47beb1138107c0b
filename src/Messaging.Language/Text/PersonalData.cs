using System.Text;
using System.Text.RegularExpressions;

namespace Messaging.Language.Text;

/// <summary>
/// Masks personal numbers by their shape alone, whatever a recognizer made of the text: any run of 9 or more digits
/// (phone numbers, ID numbers, however they are grouped or glued to a label as in "sđt:0912345678"), dossier codes
/// and e-mail addresses. Used for stored transcripts, handoff questions and log lines.
/// </summary>
public static partial class PersonalData
{
    public static string Mask(string text)
    {
        if (string.IsNullOrEmpty(text) || !NeedsLook(text)) return text;
        return Pattern().Replace(text, m =>
            m.Groups["dossier"].Success ? MaskDossier(m.Value)
            : m.Groups["email"].Success ? MaskEmail(m.Value)
            : DateLike().IsMatch(m.Value) ? m.Value
            : MaskDigits(m.Value));
    }

    // Most messages have no digit and no '@': skip the regex for them. Any script's digits count (\d matches them all).
    private static bool NeedsLook(string text)
    {
        foreach (var c in text) if (char.IsDigit(c) || c == '@') return true;
        return false;
    }

    /// <summary>"000.00.12.H55-240930-0101" → "000.00.12.H55-******-**01": the office part stays, the rest does not.</summary>
    private static string MaskDossier(string value)
    {
        var dash = value.IndexOf('-', StringComparison.Ordinal);
        var sb = new StringBuilder(value[..dash]);
        var digits = value[dash..].Count(char.IsDigit);
        var seen = 0;
        foreach (var c in value[dash..])
        {
            if (!char.IsDigit(c)) { sb.Append(c); continue; }
            seen++;
            sb.Append(seen > digits - 2 ? c : '*');
        }
        return sb.ToString();
    }

    private static string MaskEmail(string value)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        return value[0] + "***" + value[at..];
    }

    /// <summary>Phones keep their first four and last three digits ("0912***678"); other numbers their first and last three.</summary>
    private static string MaskDigits(string value)
    {
        // Full-width and other scripts' digits as ASCII, so the mask is the same however the number was typed.
        var digits = new string(value.Where(char.IsDigit).Select(c => (char)('0' + (int)char.GetNumericValue(c))).ToArray());
        if (digits.Length < 9) return new string('*', value.Length);
        var plus = value.StartsWith('+') ? "+" : "";
        var phoneLike = (digits.Length == 10 && digits[0] == '0') || (digits.Length == 11 && digits.StartsWith("84", StringComparison.Ordinal));
        var head = phoneLike ? digits.Length - 6 : 3;
        return plus + digits[..head] + new string('*', digits.Length - head - 3) + digits[^3..];
    }

    /// <summary>"2026-11-25 08", "2026.11.25": a date (and an hour), which is no one's number.</summary>
    [GeneratedRegex(@"^(?:19|20)\d\d([-.])\d{1,2}\1\d{1,2}(?: \d{1,2})?$")]
    private static partial Regex DateLike();

    [GeneratedRegex(@"(?<dossier>\d{3}\s*\.\s*\d{2}\s*\.\s*\d{2}\s*\.\s*[A-Za-z]\s*\d{2}\s*-\s*\d{6}\s*-\s*\d{4})|(?<email>[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){1,8})|(?<digits>\+?\d(?:[ .\-]?\d){8,})",
        RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Pattern();
}
