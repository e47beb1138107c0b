using System.Text.RegularExpressions;
using Messaging.Bot.Engine;
using Messaging.Language.Entities;

namespace Messaging.Assistant;

/// <summary>
/// Replaces the citizen's phone numbers, ID numbers, email addresses and name with placeholders before any text goes
/// to the model ("[PHONE_1]"), remembers what each stands for in the conversation's state, and puts the values back
/// where our own code needs them (a tool's arguments) — never in what the model sees.
/// </summary>
public sealed partial class PersonalDataMask(AssistantState state)
{
    public bool FoundPersonalData { get; private set; }

    public string Mask(string text, IReadOnlyList<Entity> entities)
    {
        var spans = new List<(int Start, int End, string Kind, string Value)>();
        foreach (var e in entities)
        {
            if (e.Type == EntityTypes.Phone) spans.Add((e.Start, e.End, "PHONE", e.Value));
            else if (e.Type == EntityTypes.CitizenId) spans.Add((e.Start, e.End, "ID", e.Value));
        }
        foreach (Match m in Email().Matches(text)) spans.Add((m.Index, m.Index + m.Length, "EMAIL", m.Value));
        if (PromptAnswers.NameInSentence(text) is { } name && text.IndexOf(name, StringComparison.Ordinal) is >= 0 and var at)
            spans.Add((at, at + name.Length, "NAME", name));
        // Digits the extractor did not take (a number written oddly) are still never sent.
        // Dossier codes, dates and times are what the question is about, not who asks it.
        var kept = entities.Where(e => e.Type is EntityTypes.DossierCode or EntityTypes.Date or EntityTypes.Time).Select(e => (e.Start, e.End)).ToList();
        foreach (Match m in LongNumber().Matches(text))
            if (!spans.Select(s => (s.Start, s.End)).Concat(kept).Any(s => m.Index < s.End && s.Start < m.Index + m.Length))
                spans.Add((m.Index, m.Index + m.Length, "NUMBER", m.Value));

        foreach (var s in spans.OrderByDescending(s => s.Start).DistinctBy(s => s.Start))
        {
            FoundPersonalData = true;
            text = text[..s.Start] + TokenFor(s.Kind, s.Value) + text[s.End..];
        }
        return MaskKnown(text);
    }

    /// <summary>Values already given earlier in the conversation, wherever they appear (a tool's result, say).</summary>
    public string MaskKnown(string text)
    {
        foreach (var (token, value) in state.Placeholders)
            if (value.Length >= 3) text = text.Replace(value, token, StringComparison.Ordinal);
        return text;
    }

    /// <summary>The value behind a placeholder, for our own services; text without placeholders comes back as it is.</summary>
    public string Unmask(string? text)
    {
        text ??= "";
        foreach (var (token, value) in state.Placeholders) text = text.Replace(token, value, StringComparison.Ordinal);
        return text;
    }

    /// <summary>What the citizen reads: their name in full, phone and ID numbers masked as in every other reply.</summary>
    public string Display(string text)
    {
        foreach (var (token, value) in state.Placeholders)
        {
            var shown = token.StartsWith("[PHONE", StringComparison.Ordinal) ? VietnamesePhone.Mask(value)
                : token.StartsWith("[ID", StringComparison.Ordinal) || token.StartsWith("[NUMBER", StringComparison.Ordinal) ? CitizenId.Mask(value)
                : token.StartsWith("[EMAIL", StringComparison.Ordinal) ? value[0] + "***@" + value.Split('@')[^1]
                : value;
            text = text.Replace(token, shown, StringComparison.Ordinal);
        }
        return text;
    }

    private string TokenFor(string kind, string value)
    {
        var existing = state.Placeholders.FirstOrDefault(p => p.Value == value).Key;
        if (existing is not null) return existing;
        var token = $"[{kind}_{state.Placeholders.Keys.Count(k => k.StartsWith("[" + kind + "_", StringComparison.Ordinal)) + 1}]";
        state.Placeholders[token] = value;
        return token;
    }

    [GeneratedRegex(@"[\w.+-]+@[\w-]+(\.[\w-]+)+")]
    private static partial Regex Email();

    [GeneratedRegex(@"(?<![\w.])\+?\d[\d .-]{7,}\d(?![\w])")]
    private static partial Regex LongNumber();
}
