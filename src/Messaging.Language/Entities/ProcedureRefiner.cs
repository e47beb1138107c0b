using Messaging.Language.Text;

namespace Messaging.Language.Entities;

/// <summary>
/// A procedure that narrows a generic one: "căn cước" names the card (first issue) until the message also says "đổi",
/// "hết hạn", "CMND" (renewal) or "mất", "làm lại" (reissue). Cues come from the knowledge base.
/// </summary>
/// <remarks>
/// With <paramref name="InClause"/>, the cues must stand in the mention's own clause, not negated ("chưa", "không",
/// "never"), with no other procedure named there: "làm lại thẻ vì hết hạn" is a renewal, "cấp lại căn cước, hộ chiếu cũng
/// hết hạn" and "thẻ chưa hết hạn mà bị mất" are not.
/// </remarks>
public sealed record ProcedureRefinement(string GenericId, string Id, IReadOnlyList<string> Cues, bool InClause = false);

/// <summary>Replaces a generic procedure by the narrower one whose cues the message contains, the most cues winning.</summary>
public sealed class ProcedureRefiner
{
    private readonly Dictionary<string, List<(string Id, string[][] Cues)>> _byGeneric = new();
    private readonly Dictionary<string, List<(string Id, string[][] Cues)>> _inClause = new();
    /// <summary>Every procedure a refinement names (the card's family): the others in a clause may own its cue.</summary>
    private readonly HashSet<string> _family = new(StringComparer.Ordinal);
    private static readonly HashSet<string> Negators = new(StringComparer.Ordinal) { "chua", "khong", "chang", "not", "never" };
    /// <summary>"hết hạn nộp hồ sơ" is a filing deadline, not the card's.</summary>
    private static readonly HashSet<string> DeadlineOf = new(StringComparer.Ordinal) { "nop", "dang", "dong", "tiep" };

    public ProcedureRefiner(IEnumerable<ProcedureRefinement> refinements)
    {
        foreach (var r in refinements)
        {
            var cues = r.Cues.Select(c => Normalizer.Normalize(c).Words.Select(w => w.Text).ToArray()).Where(c => c.Length > 0).ToArray();
            var map = r.InClause ? _inClause : _byGeneric;
            if (!map.TryGetValue(r.GenericId, out var list)) map[r.GenericId] = list = [];
            list.Add((r.Id, cues));
            _family.Add(r.GenericId);
            _family.Add(r.Id);
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
        // "đổi cccd sang thẻ căn cước mới": the renewal is named once and the card once more, in one clause; both mean the
        // renewal. "con em làm cccd lần đầu, còn em đổi căn cước" names two procedures in two clauses and keeps both.
        Dictionary<int, HashSet<string>>? byClause = null;
        int[]? clauses = null;
        for (var e = 0; e < entities.Count; e++)
        {
            var entity = entities[e];
            if (entity.Type != EntityTypes.Procedure || !_byGeneric.TryGetValue(entity.Value, out var narrower)) continue;
            if (byClause is null)
            {
                clauses = ClauseIndex(text.Original);
                byClause = [];
                foreach (var x in entities.Where(x => x.Type == EntityTypes.Procedure))
                {
                    var c = ClauseOf(clauses, x.Start);
                    if (!byClause.TryGetValue(c, out var values)) byClause[c] = values = new HashSet<string>(StringComparer.Ordinal);
                    values.Add(x.Value);
                }
            }
            var present = byClause[ClauseOf(clauses!, entity.Start)];
            var named = narrower.Select(n => n.Id).Where(present.Contains).Distinct().ToList();
            if (named is [var only]) entities[e] = entity with { Value = only, Detail = "one with " + only };
        }
        if (_inClause.Count > 0) TakeOver(text, entities);
    }

    /// <summary>
    /// Each clause's procedures are taken before any is changed, and each taker's cues are found once per message, so
    /// a message repeating "cấp lại căn cước hết hạn" stays linear.
    /// </summary>
    private void TakeOver(NormalizedText text, List<Entity> entities)
    {
        int[]? clauses = null;
        Dictionary<int, HashSet<string>>? named = null;
        Dictionary<string, HashSet<int>>? cueClauses = null;
        for (var e = 0; e < entities.Count; e++)
        {
            var entity = entities[e];
            if (entity.Type != EntityTypes.Procedure || !_inClause.TryGetValue(entity.Value, out var takers)) continue;
            clauses ??= ClauseIndex(text.Original);
            named ??= entities.Where(x => x.Type == EntityTypes.Procedure)
                .GroupBy(x => ClauseOf(clauses, x.Start)).ToDictionary(g => g.Key, g => g.Select(x => x.Value).ToHashSet(StringComparer.Ordinal));
            var here = named[ClauseOf(clauses, entity.Start)];
            // Another procedure in the clause may be what expired ("cấp lại căn cước còn bằng lái thì hết hạn").
            if (here.Any(v => !_family.Contains(v))) continue;
            foreach (var (id, cues) in takers)
            {
                // "cấp lại căn cước bị mất và mẹ tôi đổi căn cước vì hết hạn": the renewal named beside it owns the expiry.
                if (here.Contains(id)) continue;
                cueClauses ??= [];
                if (!cueClauses.TryGetValue(id, out var where)) cueClauses[id] = where = UnnegatedCueClauses(text, cues, clauses);
                if (!where.Contains(ClauseOf(clauses, entity.Start))) continue;
                entities[e] = entity with { Value = id, Detail = "taken over from " + entity.Value };
                break;
            }
        }
    }

    private static int ClauseOf(int[] clauses, int at) => clauses[Math.Min(at, clauses.Length - 1)];

    /// <summary>The clauses where a cue stands, not negated ("chưa hết hạn") nor a filing deadline ("hết hạn nộp").</summary>
    private static HashSet<int> UnnegatedCueClauses(NormalizedText text, string[][] cues, int[] clauses)
    {
        var words = text.Words;
        var found = new HashSet<int>();
        foreach (var cue in cues)
            for (var i = 0; i + cue.Length <= words.Count; i++)
            {
                if (!Phrases.At(words, i, cue)) continue;
                if (i > 0 && Negators.Contains(words[i - 1].Text)) continue;
                if (i + cue.Length < words.Count && DeadlineOf.Contains(words[i + cue.Length].Text)) continue;
                found.Add(ClauseOf(clauses, text.WordSpan(i, i + cue.Length - 1).Start));
            }
        return found;
    }

    /// <summary>For each position, how many clause breaks (comma, full stop, question or exclamation mark, line break) come before it.</summary>
    private static int[] ClauseIndex(string original)
    {
        var index = new int[original.Length + 1];
        for (var i = 0; i < original.Length; i++)
            index[i + 1] = index[i] + (WordPositions.IsClauseBreak(original[i]) ? 1 : 0);
        return index;
    }

    private static string? Narrowest(NormalizedText text, List<(string Id, string[][] Cues)> narrower)
    {
        string? best = null;
        var bestHits = 0;
        foreach (var (id, cues) in narrower)
        {
            var hits = cues.Count(c => IsCue(text.Words, c));
            if (hits > bestHits) (best, bestHits) = (id, hits);
        }
        return best;
    }

    private static bool Contains(IReadOnlyList<CanonicalWord> words, string[] phrase) => Phrases.IndexIn(words, phrase) >= 0;

    /// <summary>
    /// A cue found, unless it is a move of an appointment: "đổi sang thẻ mới" renews the card, "xin đổi sang chiều mốt"
    /// moves a booking to another time.
    /// </summary>
    private static bool IsCue(IReadOnlyList<CanonicalWord> words, string[] phrase)
    {
        var at = Phrases.IndexIn(words, phrase);
        if (at < 0) return false;
        if (phrase[^1] is not ("sang" or "qua")) return true;
        var next = at + phrase.Length < words.Count ? words[at + phrase.Length].Text : "";
        var after = at + phrase.Length + 1 < words.Count ? words[at + phrase.Length + 1].Text : "";
        // "đổi sang 12 số" is the twelve-digit card; "đổi sang 10h", "đổi qua 25/12" are times.
        return !(next is "sang" or "chieu" or "toi" or "trua" or "mai" or "mot" or "thu" or "chu" or "ngay" or "hom" or "bua" or "tuan"
            or "buoi" or "gio" || next.Length > 0 && char.IsAsciiDigit(next[0]) && after is not ("so" or "chu" or "tuoi"));
    }
}

/// <summary>
/// A procedure told by what the citizen wants done rather than named: "trên hệ thống cư trú ghi sai ngày sinh" is a
/// correction of residence data though no alias appears. Each description is groups of alternative phrases; all groups
/// must appear (in any order). From the knowledge base's <c>described_by</c> lines ("a | b + c | d").
/// </summary>
public sealed record ProcedureDescription(string Id, string Description);

/// <summary>Adds a procedure for a message that names none but matches a description; the first description that matches wins.</summary>
public sealed class ProcedureDescriber
{
    private readonly List<(string Id, string[][][] Groups)> _descriptions = [];

    public ProcedureDescriber(IEnumerable<ProcedureDescription> descriptions)
    {
        foreach (var d in descriptions)
        {
            var groups = d.Description.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(g => g.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(a => Normalizer.Normalize(a).Words.Select(w => w.Text).ToArray()).Where(a => a.Length > 0).ToArray())
                .Where(g => g.Length > 0).ToArray();
            if (groups.Length >= 2) _descriptions.Add((d.Id, groups));
        }
    }

    public void Describe(RecognitionContext ctx)
    {
        if (ctx.Entities.Exists(e => e.Type == EntityTypes.Procedure)) return;
        var words = ctx.Text.Words;
        foreach (var (id, groups) in _descriptions)
        {
            // The entity covers where the first group (the thing the procedure is about) was found.
            (int Start, int Length)? subject = null;
            var all = true;
            for (var g = 0; g < groups.Length && all; g++)
            {
                var found = Find(words, groups[g]);
                all = found is not null;
                if (g == 0) subject = found;
            }
            if (!all || subject is not { } s) continue;
            var (start, end) = ctx.Text.WordSpan(s.Start, s.Start + s.Length - 1);
            if (!ctx.IsFree(start, end)) continue;
            ctx.Add(new Entity(EntityTypes.Procedure, id, start, end, 0.7) { Detail = "described" });
            return;
        }
    }

    /// <summary>The earliest place one of the phrases appears (the first listed wins a tie).</summary>
    private static (int Start, int Length)? Find(IReadOnlyList<CanonicalWord> words, string[][] phrases)
    {
        (int Start, int Length)? best = null;
        foreach (var phrase in phrases)
        {
            var at = Phrases.IndexIn(words, phrase);
            if (at >= 0 && (best is null || at < best.Value.Start)) best = (at, phrase.Length);
        }
        return best;
    }
}

/// <summary>Phrases of canonical words found in a message's words.</summary>
internal static class Phrases
{
    /// <summary>Where <paramref name="phrase"/> first appears in <paramref name="words"/>, or -1.</summary>
    public static int IndexIn(IReadOnlyList<CanonicalWord> words, string[] phrase)
    {
        for (var i = 0; i + phrase.Length <= words.Count; i++)
            if (At(words, i, phrase)) return i;
        return -1;
    }

    /// <summary>Whether <paramref name="phrase"/> starts at word <paramref name="i"/> (which leaves room for it).</summary>
    public static bool At(IReadOnlyList<CanonicalWord> words, int i, string[] phrase)
    {
        var k = 0;
        while (k < phrase.Length && words[i + k].Text == phrase[k]) k++;
        return k == phrase.Length;
    }
}
