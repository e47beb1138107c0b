using Messaging.Language.Text;

namespace Messaging.Language.Entities;

/// <summary>
/// A procedure that narrows a generic one: "căn cước" names the card (first issue) until the message also says "đổi",
/// "hết hạn", "CMND" (renewal) or "mất", "làm lại" (reissue). Cues come from the knowledge base.
/// </summary>
public sealed record ProcedureRefinement(string GenericId, string Id, IReadOnlyList<string> Cues);

/// <summary>Replaces a generic procedure by the narrower one whose cues the message contains, the most cues winning.</summary>
public sealed class ProcedureRefiner
{
    private readonly Dictionary<string, List<(string Id, string[][] Cues)>> _byGeneric = new();

    public ProcedureRefiner(IEnumerable<ProcedureRefinement> refinements)
    {
        foreach (var r in refinements)
        {
            var cues = r.Cues.Select(c => Normalizer.Normalize(c).Words.Select(w => w.Text).ToArray()).Where(c => c.Length > 0).ToArray();
            if (!_byGeneric.TryGetValue(r.GenericId, out var list)) _byGeneric[r.GenericId] = list = [];
            list.Add((r.Id, cues));
        }
    }

    public void Refine(NormalizedText text, List<Entity> entities)
    {
        // The cues are counted over the whole message, so every mention of one generic procedure refines the same way:
        // decided once per generic id, a message repeating "căn cước" stays linear instead of mentions × words.
        Dictionary<string, string?>? decided = null;
        for (var e = 0; e < entities.Count; e++)
        {
            var entity = entities[e];
            if (entity.Type != EntityTypes.Procedure || !_byGeneric.TryGetValue(entity.Value, out var narrower)) continue;
            decided ??= [];
            if (!decided.TryGetValue(entity.Value, out var best)) decided[entity.Value] = best = Narrowest(text, narrower);
            if (best is not null) entities[e] = entity with { Value = best, Detail = "refined from " + entity.Value };
        }
    }

    private static string? Narrowest(NormalizedText text, List<(string Id, string[][] Cues)> narrower)
    {
        string? best = null;
        var bestHits = 0;
        foreach (var (id, cues) in narrower)
        {
            var hits = cues.Count(c => Contains(text.Words, c));
            if (hits > bestHits) (best, bestHits) = (id, hits);
        }
        return best;
    }

    private static bool Contains(IReadOnlyList<CanonicalWord> words, string[] phrase)
    {
        for (var i = 0; i + phrase.Length <= words.Count; i++)
        {
            var k = 0;
            while (k < phrase.Length && words[i + k].Text == phrase[k]) k++;
            if (k == phrase.Length) return true;
        }
        return false;
    }
}
