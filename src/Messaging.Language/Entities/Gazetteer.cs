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
    private readonly Dictionary<string, List<(string[] Words, List<string> Ids)>> _byFirstWord = new();

    public Gazetteer(string type, IEnumerable<GazetteerEntry> entries)
    {
        _type = type;
        var phrases = new Dictionary<string, (string[] Words, List<string> Ids)>();
        foreach (var e in entries)
        {
            var words = Normalizer.Normalize(e.Phrase).Words.Select(w => w.Text).ToArray();
            if (words.Length == 0) continue;
            var key = string.Join(' ', words);
            if (!phrases.TryGetValue(key, out var p)) phrases[key] = p = (words, []);
            if (!p.Ids.Contains(e.Id)) p.Ids.Add(e.Id);
        }
        foreach (var p in phrases.Values)
        {
            if (!_byFirstWord.TryGetValue(p.Words[0], out var list)) _byFirstWord[p.Words[0]] = list = [];
            list.Add(p);
        }
        foreach (var list in _byFirstWord.Values) list.Sort((a, b) => b.Words.Length.CompareTo(a.Words.Length));
    }

    public void Recognize(RecognitionContext ctx)
    {
        var words = ctx.Text.Words;
        for (var i = 0; i < words.Count; i++)
        {
            if (!_byFirstWord.TryGetValue(words[i].Text, out var candidates)) continue;
            foreach (var (phrase, ids) in candidates)
            {
                if (i + phrase.Length > words.Count || !Matches(words, i, phrase)) continue;
                var (start, end) = ctx.Text.WordSpan(i, i + phrase.Length - 1);
                if (!ctx.IsFree(start, end)) continue;
                ctx.Add(new Entity(_type, ids[0], start, end, ids.Count == 1 ? 1.0 : 0.5)
                {
                    Detail = ids.Count == 1 ? null : "also " + string.Join(',', ids.Skip(1)),
                });
                i += phrase.Length - 1;
                break;
            }
        }
    }

    private static bool Matches(IReadOnlyList<CanonicalWord> words, int at, string[] phrase)
    {
        for (var k = 0; k < phrase.Length; k++) if (words[at + k].Text != phrase[k]) return false;
        return true;
    }
}
