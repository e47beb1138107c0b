using Messaging.Language.Text;

namespace Messaging.Language.Entities;

/// <summary>
/// Words that, right before or right after a procedure's name, give the name another meaning: "nhập khẩu hàng hóa" is
/// an import of goods, "học bằng lái" a driving school, "thường trú ở Mỹ" a green card. From the knowledge base
/// (<c>unless_beside</c>): "… hàng hóa" only after the name, "thuế …" only before it, a phrase without "…" on either side.
/// </summary>
public sealed record ProcedureExclusion(string Id, IReadOnlyList<string> Beside);

/// <summary>Drops a procedure mention that one of its procedure's exclusions touches.</summary>
public sealed class ProcedureExcluder
{
    private readonly Dictionary<string, (string[] Words, bool Before, bool After)[]> _byId = new(StringComparer.Ordinal);

    public ProcedureExcluder(IEnumerable<ProcedureExclusion> exclusions)
    {
        foreach (var x in exclusions)
        {
            var phrases = x.Beside.Select(b => b.Trim()).Select(b =>
            {
                var after = b.StartsWith('…') || b.StartsWith("...", StringComparison.Ordinal);
                var before = b.EndsWith('…') || b.EndsWith("...", StringComparison.Ordinal);
                var words = Normalizer.Normalize(b.Trim('…', '.', ' ')).Words.Select(w => w.Text).ToArray();
                return (words, Before: before || !after, After: after || !before);
            }).Where(p => p.words.Length > 0);
            _byId[x.Id] = [.. _byId.GetValueOrDefault(x.Id, []), .. phrases];
        }
    }

    public void Exclude(RecognitionContext ctx)
    {
        if (_byId.Count == 0) return;
        var words = ctx.Text.Words;
        ctx.Entities.RemoveAll(e =>
        {
            if (e.Type != EntityTypes.Procedure || !_byId.TryGetValue(e.Value, out var phrases)) return false;
            // The words the mention covers, by their tokens' positions in the original text.
            int first = -1, last = -1;
            for (var i = 0; i < words.Count; i++)
            {
                var token = ctx.Text.Tokens[words[i].Source];
                if (token.Start >= e.Start && token.End <= e.End) { if (first < 0) first = i; last = i; }
                else if (token.Start >= e.End) break;
            }
            return first >= 0 && phrases.Any(p =>
                p.After && Matches(words, last + 1, p.Words) || p.Before && Matches(words, first - p.Words.Length, p.Words));
        });
    }

    private static bool Matches(IReadOnlyList<CanonicalWord> words, int at, string[] phrase)
    {
        if (at < 0 || at + phrase.Length > words.Count) return false;
        for (var k = 0; k < phrase.Length; k++)
            if (words[at + k].Text != phrase[k]) return false;
        return true;
    }
}
