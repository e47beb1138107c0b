using Messaging.Language.Text;

namespace Messaging.Language.Entities;

/// <summary>
/// Words that, right before or right after a procedure's name, give the name another meaning: "nhập khẩu hàng hóa" is
/// an import of goods, "học bằng lái" a driving school, "thường trú ở Mỹ" a green card. From the knowledge base
/// (<c>unless_beside</c>): "… hàng hóa" only after the name, "thuế …" only before it, a phrase without "…" on either
/// side; a name in brackets limits the phrase to that name as written ("[thường trú] tại": an address in a letter,
/// while "đăng ký thường trú tại xã" stays the procedure).
/// </summary>
public sealed record ProcedureExclusion(string Id, IReadOnlyList<string> Beside);

/// <summary>Drops a procedure mention that one of its procedure's exclusions touches.</summary>
public sealed class ProcedureExcluder
{
    private sealed record Rule(Word[] Phrase, bool Before, bool After, string[]? Mention);

    /// <summary>A word folded for matching, and its marks when the phrase was written with them.</summary>
    private readonly record struct Word(string Folded, string? Toned);

    private readonly Dictionary<string, Rule[]> _byId = new(StringComparer.Ordinal);

    public ProcedureExcluder(IEnumerable<ProcedureExclusion> exclusions)
    {
        foreach (var x in exclusions)
            _byId[x.Id] = [.. _byId.GetValueOrDefault(x.Id, []), .. x.Beside.Select(Parse).OfType<Rule>()];
    }

    private static Rule? Parse(string text)
    {
        text = text.Trim().Replace("...", "…", StringComparison.Ordinal);
        string[]? mention = null;
        bool before, after;
        var open = text.IndexOf('[');
        var close = text.IndexOf(']');
        if (open >= 0 && close > open)
        {
            mention = Normalizer.Normalize(text[(open + 1)..close]).Words.Select(w => w.Text).ToArray();
            // "[thường trú] tại": the phrase follows the name; "cần [cccd]": it comes before.
            after = open == 0;
            before = !after;
            text = open == 0 ? text[(close + 1)..] : text[..open];
        }
        else
        {
            after = text.StartsWith('…');
            before = text.EndsWith('…');
            if (!after && !before) after = before = true;
            text = text.Trim('…', ' ');
        }
        var normalized = Normalizer.Normalize(text);
        var words = normalized.Words.Select(w =>
        {
            var toned = normalized.Toned(w.Source);
            return new Word(w.Text, normalized.Tokens[w.Source].HasDiacritics ? toned : null);
        }).ToArray();
        return words.Length == 0 ? null : new Rule(words, before, after, mention);
    }

    public void Exclude(RecognitionContext ctx)
    {
        if (_byId.Count == 0) return;
        var text = ctx.Text;
        // Freed, the words of "thường trú tại thôn …" stay open to the recognizers that run later.
        ctx.Release(ctx.Entities.Where(Excluded).ToList());

        bool Excluded(Entity e)
        {
            if (e.Type != EntityTypes.Procedure || !_byId.TryGetValue(e.Value, out var rules)) return false;
            var (first, last) = ctx.Positions.Inside(e.Start, e.End);
            return first >= 0 && rules.Any(r => (r.Mention is null || IsMention(text, first, last, r.Mention) && !AfterAnAct(text, first))
                && (r.After && Matches(text, last + 1, r.Phrase) && Adjacent(text, last, last + 1) && !NameGoesOn(text, last + r.Phrase.Length)
                    || r.Before && Matches(text, first - r.Phrase.Length, r.Phrase) && Adjacent(text, first - 1, first)));
        }
    }

    /// <summary>"em muốn nhập khẩu, hàng xóm nói …": a comma or a full stop between the name and the phrase parts them.</summary>
    private static bool Adjacent(NormalizedText text, int left, int right)
    {
        if (text.Words[left].Source == text.Words[right].Source) return true;
        var a = text.Tokens[text.Words[left].Source];
        var b = text.Tokens[text.Words[right].Source];
        if (a.End > b.Start) return true;
        return text.Original.AsSpan(a.End, b.Start - a.End).IsWhiteSpace();
    }

    /// <summary>"thường trú ở Đức Phổ", "ở Mỹ Tho": a capitalised place name that goes on past the phrase is somewhere else.</summary>
    private static bool NameGoesOn(NormalizedText text, int lastOfPhrase) =>
        lastOfPhrase + 1 < text.Words.Count
        && text.Tokens[text.Words[lastOfPhrase].Source].Capitalized
        && text.Tokens[text.Words[lastOfPhrase + 1].Source].Capitalized
        && text.Words[lastOfPhrase + 1].Source != text.Words[lastOfPhrase].Source;

    /// <summary>
    /// "nộp hồ sơ thường trú tại Cẩm Thành", "đăng ký thường trú tại": after a word that applies for something, a bare
    /// name is the procedure again, whatever follows it.
    /// </summary>
    private static bool AfterAnAct(NormalizedText text, int first) =>
        first > 0 && text.Words[first - 1].Text is "ky" or "so" or "tuc" or "lam" or "nhap" or "nop" or "xin" or "khai" or "xoa";

    private static bool IsMention(NormalizedText text, int first, int last, string[] mention)
    {
        if (last - first + 1 != mention.Length) return false;
        for (var k = 0; k < mention.Length; k++)
            if (text.Words[first + k].Text != mention[k]) return false;
        return true;
    }

    /// <summary>
    /// Folded words must match; a word typed with marks must also carry the phrase's marks, so "mấy bữa" is not "máy"
    /// and "ở tổ" is not "ô tô". Without marks the folded word decides.
    /// </summary>
    private static bool Matches(NormalizedText text, int at, Word[] phrase)
    {
        if (at < 0 || at + phrase.Length > text.Words.Count) return false;
        for (var k = 0; k < phrase.Length; k++)
        {
            var word = text.Words[at + k];
            if (word.Text != phrase[k].Folded) return false;
            if (phrase[k].Toned is { } toned && text.Tokens[word.Source].HasDiacritics && text.Toned(word.Source) != toned) return false;
        }
        return true;
    }
}
