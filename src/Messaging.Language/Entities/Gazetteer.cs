using Messaging.Language.Text;

namespace Messaging.Language.Entities;

/// <summary>A name for something the bot knows (a procedure, an office) and the id it stands for.</summary>
public sealed record GazetteerEntry(string Id, string Phrase);

/// <summary>
/// Finds known names in the canonical words, longest match first, with and without diacritics and abbreviations
/// alike (phrases go through the same normalizer as the input). A phrase shared by several ids yields the first id and
/// lists the others in <see cref="Entity.Detail"/> so a dialog can ask which one.
/// </summary>
public sealed class Gazetteer
{
    private readonly string _type;
    private readonly Dictionary<string, List<Phrase>> _byFirstWord = new();
    // Phrases of two or more words by the first letter of their first word: the candidates of the typo-tolerant pass.
    private readonly Dictionary<char, List<Phrase>> _byInitial = new();

    /// <param name="marksDecide">
    /// Whether marks typed against a name's marks make it another word: so for procedures, named with common words
    /// ("tách hộ" against "tách hồ sơ"); not for offices, proper names whose tones citizens slip on ("tỉnh ha").
    /// </param>
    public Gazetteer(string type, IEnumerable<GazetteerEntry> entries, bool marksDecide = false)
    {
        _type = type;
        var phrases = new Dictionary<string, Phrase>();
        foreach (var e in entries)
        {
            var normalized = Normalizer.Normalize(e.Phrase);
            var words = normalized.Words.Select(w => w.Text).ToArray();
            if (words.Length == 0) continue;
            var key = string.Join(' ', words);
            if (!phrases.TryGetValue(key, out var p)) phrases[key] = p = new Phrase(words, [], []);
            if (!p.Ids.Contains(e.Id)) p.Ids.Add(e.Id);
            // The phrase as written with its marks, word for word (a short form that became two words has no marks to compare).
            if (marksDecide && normalized.Tokens.Count == words.Length && normalized.Tokens.Any(t => t.HasDiacritics))
            {
                var toned = words.Select((w, i) => normalized.Words[i].Source == i && normalized.Tokens[i].HasDiacritics && normalized.Tokens[i].Folded == w
                    ? normalized.Toned(i) : null).ToArray();
                if (!p.Toned.Any(t => t.SequenceEqual(toned))) p.Toned.Add(toned);
            }
        }
        foreach (var p in phrases.Values)
        {
            if (!_byFirstWord.TryGetValue(p.Words[0], out var list)) _byFirstWord[p.Words[0]] = list = [];
            list.Add(p);
        }
        foreach (var list in _byFirstWord.Values) list.Sort((a, b) => b.Words.Length.CompareTo(a.Words.Length));
        foreach (var p in phrases.Values.Where(p => p.Words.Length >= 2))
        {
            if (!_byInitial.TryGetValue(p.Words[0][0], out var list)) _byInitial[p.Words[0][0]] = list = [];
            list.Add(p);
        }
        foreach (var list in _byInitial.Values) list.Sort((a, b) => b.Words.Length.CompareTo(a.Words.Length));
    }

    public void Recognize(RecognitionContext ctx)
    {
        var words = ctx.Text.Words;
        for (var i = 0; i < words.Count; i++)
        {
            if (!_byFirstWord.TryGetValue(words[i].Text, out var candidates)) continue;
            foreach (var (phrase, ids, toned) in candidates)
            {
                if (i + phrase.Length > words.Count || !Matches(words, i, phrase)) continue;
                // "tách hồ sơ" folds like "tách hộ" but says otherwise: marks typed against the name's make it no match here.
                if (Contradictions(ctx.Text, i, toned) > 0) continue;
                if (!TryAdd(ctx, i, phrase.Length, ids, 1.0)) continue;
                i += phrase.Length - 1;
                break;
            }
        }
        // Then, where nothing matched exactly, names typed with a slip: every word equal or one edit away (a letter
        // missing, added, changed or two swapped), words of four letters or more only, and phrases of two words or more,
        // so "can cuco" and "thuong tru" typed "thuog tru" are found while short words never turn into other words.
        for (var i = 0; i < words.Count; i++)
        {
            if (words[i].Text.Length == 0 || !_byInitial.TryGetValue(words[i].Text[0], out var candidates)) continue;
            foreach (var candidate in candidates)
            {
                var phrase = candidate.Words;
                if (i + phrase.Length > words.Count || !Resembles(ctx.Text, i, candidate)) continue;
                if (!TryAdd(ctx, i, phrase.Length, candidate.Ids, 0.8)) continue;
                i += phrase.Length - 1;
                break;
            }
        }
    }

    private bool TryAdd(RecognitionContext ctx, int first, int length, List<string> ids, double confidence)
    {
        var (start, end) = ctx.Text.WordSpan(first, first + length - 1);
        if (!ctx.IsFree(start, end)) return false;
        ctx.Add(new Entity(_type, ids[0], start, end, ids.Count == 1 ? confidence : confidence / 2)
        {
            Detail = ids.Count == 1 ? null : "also " + string.Join(',', ids.Skip(1)),
        });
        return true;
    }

    private static bool Resembles(NormalizedText text, int at, Phrase candidate)
    {
        var (phrase, toned) = (candidate.Words, candidate.Toned);
        var words = text.Words;
        // Short phrases ("tách hộ") take only a tone key left behind; a letter slip there would make other words.
        var anySlip = candidate.AnySlip;
        var edits = 0;
        for (var k = 0; k < phrase.Length; k++)
        {
            var w = words[at + k].Text;
            if (w == phrase[k]) continue;
            var slip = ToneKeyLeft(w, phrase[k])
                || (anySlip && phrase[k].Length >= 4 && w.Length >= 3 && OneEditApart(w, phrase[k]));
            if (!slip || ++edits > 1) return false;
        }
        // A mark typed against the name's counts as the phrase's one slip, and only where slips are allowed at all. Read
        // last: most candidates fail on their letters, and reading the marks was a tenth of a parse.
        var contradictions = Contradictions(text, at, toned);
        return contradictions <= (anySlip ? 1 : 0) && edits + contradictions <= 1;
    }

    /// <summary>
    /// How many words, at the fewest over the ways the name is written with marks, carry marks that say another word:
    /// only words typed with marks count, so text typed without them (half of all messages) is never held against a name.
    /// </summary>
    private static int Contradictions(NormalizedText text, int at, List<string?[]> toned)
    {
        if (toned.Count == 0) return 0;
        var fewest = int.MaxValue;
        foreach (var variant in toned)
        {
            var count = 0;
            for (var k = 0; k < variant.Length; k++)
            {
                if (variant[k] is not { } written) continue;
                var source = text.Words[at + k].Source;
                var token = text.Tokens[source];
                if (!token.HasDiacritics || token.Folded != text.Words[at + k].Text) continue;
                if (text.Toned(source) != written) count++;
            }
            fewest = Math.Min(fewest, count);
        }
        return fewest;
    }

    /// <summary>
    /// "hoj", "tachs": a Telex key for the tone typed with the keyboard in plain mode, left at the end of the word
    /// (s sắc, f huyền, r hỏi, x ngã, j nặng).
    /// </summary>
    internal static bool ToneKeyLeft(string typed, string word) =>
        word.Length >= 2 && typed.Length == word.Length + 1 && typed.StartsWith(word, StringComparison.Ordinal)
        && typed[^1] is 's' or 'f' or 'r' or 'x' or 'j';

    /// <summary>Optimal string alignment distance ≤ 1, in one pass without a matrix.</summary>
    internal static bool OneEditApart(string a, string b)
    {
        return a.Length == b.Length ? Differ(a, b) : Gap(a, b);

        static bool Differ(string x, string y)
        {
            var i = 0;
            while (i < x.Length && x[i] == y[i]) i++;
            if (i == x.Length) return true;
            // One substitution, or two neighbours swapped.
            if (x.AsSpan(i + 1).SequenceEqual(y.AsSpan(i + 1))) return true;
            return i + 1 < x.Length && x[i] == y[i + 1] && x[i + 1] == y[i] && x.AsSpan(i + 2).SequenceEqual(y.AsSpan(i + 2));
        }

        static bool Gap(string x, string y)
        {
            if (Math.Abs(x.Length - y.Length) != 1) return false;
            var (longer, shorter) = x.Length > y.Length ? (x, y) : (y, x);
            var i = 0;
            while (i < shorter.Length && longer[i] == shorter[i]) i++;
            return longer.AsSpan(i + 1).SequenceEqual(shorter.AsSpan(i));
        }
    }

    private sealed record Phrase(string[] Words, List<string> Ids, List<string?[]> Toned)
    {
        /// <summary>Long enough (eight letters or more) for a slip of any letter to leave it recognisable.</summary>
        public bool AnySlip { get; } = Words.Sum(w => w.Length) >= 8;
    }

    private static bool Matches(IReadOnlyList<CanonicalWord> words, int at, string[] phrase)
    {
        for (var k = 0; k < phrase.Length; k++) if (words[at + k].Text != phrase[k]) return false;
        return true;
    }
}
