using System.Text.RegularExpressions;
using Messaging.Core.Appointments;
using Messaging.Language.Entities;
using Messaging.Language.Intents;
using Messaging.Language.Text;

namespace Messaging.Bot.Engine;

/// <summary>Reads the answer to a pending question from a message, per kind of question.</summary>
public static partial class PromptAnswers
{
    public static string? TryRead(PendingPrompt prompt, TurnContext t)
    {
        var raw = t.Text.Trim();
        var chosen = prompt.Choices.FirstOrDefault(c => string.Equals(c.Value, raw, StringComparison.OrdinalIgnoreCase))
            ?? prompt.Choices.FirstOrDefault(c => Folding.Fold(c.Title) == Folding.Fold(raw));
        if (chosen is not null) return chosen.Value;
        if (prompt.Choices.Count > 0 && int.TryParse(raw, out var n) && n >= 1 && n <= prompt.Choices.Count
            && prompt.Kind == PromptKind.Choice)
            return prompt.Choices[n - 1].Value;
        if (prompt.AcceptsEntity is { } type && t.Entity(type) is { } entity) return entity;

        return prompt.Kind switch
        {
            PromptKind.Date => t.Entity(EntityTypes.Date),
            PromptKind.Time => t.Entity(EntityTypes.Time),
            PromptKind.Phone => t.Entity(EntityTypes.Phone),
            PromptKind.DossierCode => t.Entity(EntityTypes.DossierCode),
            PromptKind.Confirm => Confirm(t),
            PromptKind.Name => Name(t),
            PromptKind.Factor => Factor(raw),
            PromptKind.BookingCode => BookingCodeIn(raw),
            PromptKind.OneTimeCode => OneTimeCode(raw),
            PromptKind.Text => raw.Length > 0 ? raw : null,
            _ => null,
        };
    }

    private static readonly string[] Hedges = ["co le", "chua chac", "de xem", "suy nghi", "khong biet", "maybe", "not sure"];

    /// <summary>
    /// A booking or a cancellation follows from this answer, so only a clear yes or no counts: the usual words, or a
    /// short message the classifier is sure about. "có lẽ" (maybe) is neither.
    /// </summary>
    public static string? Confirm(TurnContext t)
    {
        if (Hedges.Any(h => (" " + t.Folded + " ").Contains(" " + h + " ", StringComparison.Ordinal))) return null;
        var shortAndSure = t.Confidence >= 0.9 && t.Folded.Split(' ').Length <= 5;
        if (shortAndSure && t.Intent == IntentNames.Affirm) return "yes";
        if (shortAndSure && t.Intent == IntentNames.Deny) return "no";
        return t.Folded switch
        {
            "co" or "dung" or "ok" or "vang" or "da" or "yes" or "xac nhan" or "dong y" => "yes",
            "khong" or "sai" or "no" or "chua" => "no",
            _ => null,
        };
    }

    /// <summary>A name is letters and spaces, 2 to 100 characters, without the "tên tôi là" people put before it.</summary>
    public static string? Name(TurnContext t) => NameFrom(t.Text);

    public static string? NameFrom(string text)
    {
        var m = NamePrefix().Match(text);
        var name = (m.Success ? text[(m.Index + m.Length)..] : text).Trim().Trim('.', ',', '!', ':');
        name = string.Join(' ', name.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (name.Length is < 2 or > 100) return null;
        if (!name.All(c => char.IsLetter(c) || c == ' ' || c == '\'' || c == '-')) return null;
        return name;
    }

    /// <summary>"tên Nguyễn Văn An, sđt ..." inside a longer message.</summary>
    public static string? NameInSentence(string text)
    {
        var m = NameInline().Match(text);
        return m.Success ? NameFrom(m.Groups["name"].Value) : null;
    }

    private static string? Factor(string raw)
    {
        var digits = new string(raw.Where(char.IsAsciiDigit).ToArray());
        return digits.Length is 4 or 12 ? digits : null;
    }

    /// <summary>Six digits, however spaced ("123 456").</summary>
    private static string? OneTimeCode(string raw)
    {
        if (raw.Length > 20) return null;
        var digits = new string(raw.Where(char.IsAsciiDigit).ToArray());
        return digits.Length == 6 && raw.All(c => char.IsAsciiDigit(c) || char.IsWhiteSpace(c) || c is '-' or '.') ? digits : null;
    }

    public static string? BookingCodeIn(string raw)
    {
        foreach (Match m in BookingCodeCandidate().Matches(raw.ToUpperInvariant()))
        {
            if (BookingCode.TryNormalize(m.Value, out var code)) return code;
        }
        return null;
    }

    [GeneratedRegex(@"^\s*(?:(?:họ\s+)?(?:và\s+)?tên|ho\s+ten|ten|tôi\s+là|toi\s+la|tôi\s+tên|toi\s+ten|em\s+tên|em\s+ten|mình\s+tên|minh\s+ten|em\s+là|em\s+la)(?:\s+(?:tôi|toi|em|mình|minh))?(?:\s+(?:là|la))?\s*:?\s*", RegexOptions.IgnoreCase)]
    private static partial Regex NamePrefix();

    [GeneratedRegex(@"(?:^|[\s,;])(?:họ\s+tên|ho\s+ten|tên|ten)(?:\s+(?:tôi|toi|em|mình|minh))?(?:\s+(?:là|la))?\s*:?\s+(?<name>[^\d,;.]+?)(?=\s*(?:,|;|\.|$|\s(?:sđt|sdt|số|so|điện|dien|đt|dt)\b|\d))", RegexOptions.IgnoreCase)]
    private static partial Regex NameInline();

    [GeneratedRegex(@"\b[A-Z0-9]{3}[\s-]?[A-Z0-9]{4}\b")]
    private static partial Regex BookingCodeCandidate();
}
