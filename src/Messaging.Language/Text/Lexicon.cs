using System.Text.RegularExpressions;

namespace Messaging.Language.Text;

/// <summary>
/// The words of the training examples and the knowledge base, with how often each was seen: what a run of syllables
/// typed without spaces ("datlichlamcancuoc") is split by. Built with the model; read-only afterwards.
/// </summary>
public sealed partial class Lexicon
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    /// <summary>Words as typed with marks (one tone convention), for the words typed with marks.</summary>
    private readonly Dictionary<string, int> _toned = new(StringComparer.Ordinal);
    /// <summary>Pairs of folded words side by side ("lam can"): the context a swapped consonant is judged in.</summary>
    private readonly Dictionary<(string, string), int> _pairs = new();
    private readonly double _logTotal;

    /// <summary>
    /// Runs shorter than this are left alone. A message typed without spaces is long ("hosocuatoidendauroi"); short
    /// English words are often strings of valid syllables ("remove", "camera") and must stay whole.
    /// </summary>
    public const int MinRun = 9;

    /// <summary>No Vietnamese syllable is longer than 7 letters ("nghiêng"); a frequent word like "passport" may be 8.</summary>
    private const int MaxPiece = 8;

    /// <summary>A word seen this often is a piece whatever its shape: "online", "vneid", "zalo".</summary>
    private const int Frequent = 5;

    public Lexicon(IEnumerable<string> texts)
    {
        foreach (var text in texts)
        {
            var n = Normalizer.Normalize(text);
            for (var i = 0; i < n.Tokens.Count; i++)
            {
                var token = n.Tokens[i];
                _counts[token.Folded] = _counts.GetValueOrDefault(token.Folded) + 1;
                if (token.HasDiacritics) _toned[n.Toned(i)] = _toned.GetValueOrDefault(n.Toned(i)) + 1;
                if (i > 0) _pairs[(n.Tokens[i - 1].Folded, token.Folded)] = _pairs.GetValueOrDefault((n.Tokens[i - 1].Folded, token.Folded)) + 1;
            }
        }
        _logTotal = Math.Log(Math.Max(1, _counts.Values.Sum()));
    }

    /// <summary>
    /// Where a folded run of letters (and digits) splits into words the lexicon knows, as lengths of the pieces, or
    /// null to keep it whole: a known word, an abbreviation, or a run with no split into known syllables. Of all splits
    /// the likeliest wins (the product of the words' frequencies), so "congan" is "cong an", not "co ngan".
    /// </summary>
    public int[]? Split(string run)
    {
        // A word seen even once (in a procedure's English name, say: "deregister") is a word, not a run to split.
        if (run.Length < MinRun || _counts.ContainsKey(run) || Abbreviations.Map.ContainsKey(run)) return null;
        var n = run.Length;
        var best = new double[n + 1];
        var from = new int[n + 1];
        Array.Fill(best, double.NegativeInfinity);
        best[0] = 0;
        var digitsFrom = 0;
        for (var end = 1; end <= n; end++)
        {
            // A run of digits is one piece of its own ("thu6" → "thu", "6"), at the cost of a rare word. Where the run
            // began is carried along, so a long run of digits stays linear.
            if (char.IsAsciiDigit(run[end - 1]))
            {
                if (end == 1 || !char.IsAsciiDigit(run[end - 2])) digitsFrom = end - 1;
                if (end < n && char.IsAsciiDigit(run[end])) continue;
                Consider(digitsFrom, end, -_logTotal);
                continue;
            }
            for (var start = Math.Max(0, end - MaxPiece); start < end; start++)
            {
                var piece = run.AsSpan(start, end - start);
                if (piece.ContainsAny(Digits)) continue;
                var count = Count(piece);
                // Abbreviations of three letters or more ("cccd", "sdt") are words here; "r", "e", "cc" would cut anything.
                if (count >= Frequent && piece.Length >= 4
                    || count >= 2 && (IsSyllable(piece) || piece.Length >= 3 && Abbreviations.Map.ContainsKey(piece.ToString())))
                    Consider(start, end, Math.Log(count) - _logTotal);
            }
        }
        if (double.IsNegativeInfinity(best[n])) return null;
        var lengths = new List<int>();
        for (var at = n; at > 0; at = from[at]) lengths.Add(at - from[at]);
        if (lengths.Count < 2) return null;
        lengths.Reverse();
        return [.. lengths];

        void Consider(int start, int end, double score)
        {
            if (double.IsNegativeInfinity(best[start]) || best[start] + score <= best[end]) return;
            best[end] = best[start] + score;
            from[end] = start;
        }
    }

    /// <summary>A word the swapped spelling must have been seen this often to be read instead.</summary>
    private const int Established = 10;

    /// <summary>How much more common a swap must be than a common word typed as it stands.</summary>
    private const int FarMoreCommon = 4;

    /// <summary>
    /// The word meant by a northern swap of the first consonant (l/n, s/x, tr/ch), or null to keep the word. Typed with
    /// marks: a form the lexicon never saw whose swap it knows well ("nàm", "xáng", "nịch"). Typed without: a word never
    /// seen beside its neighbours whose swap is ("bang nai xe" → "lai"), or an unknown word whose swap is common.
    /// </summary>
    public (string Folded, string? Toned)? Respell(string folded, string? toned, string? previous, string? next)
    {
        if (!MaySwap(folded)) return null;
        if (toned is null && Abbreviations.Map.ContainsKey(folded)) return null;
        if (toned is not null && _toned.GetValueOrDefault(toned) > 0) return null;
        var count = _counts.GetValueOrDefault(folded);
        var support = toned is null && count >= 2 ? Support(folded, previous, next) : 0;
        if (support > 0) return null;
        (string, string?)? best = null;
        var bestScore = 0;
        foreach (var (from, to) in Swaps)
        {
            if (!Starts(folded, from)) continue;
            var swapped = to + folded[from.Length..];
            var swappedToned = toned is null ? null : to + toned[from.Length..];
            var swappedSupport = Support(swapped, previous, next);
            var known = toned is null ? _counts.GetValueOrDefault(swapped) : _toned.GetValueOrDefault(swappedToned!);
            // Typed with marks, a form never seen: its swap must also fit beside a neighbour ("nàm căn cước"). Typed without,
            // the swap must fit beside every neighbour there is ("ly nich tu phap"), and a common word ("nam" is also
            // "năm") must have two neighbours, neither ever seen beside it, and be far rarer than its swap: "sai" is
            // never read as "xài".
            var meant = known >= Established && (toned is not null
                ? swappedSupport > 0
                : FitsBetween(swapped, previous, next) && (count < 2
                    || support == 0 && previous is not null && next is not null && known >= FarMoreCommon * count));
            if (meant && known > bestScore) (best, bestScore) = ((swapped, swappedToned), known);
        }
        return best;
    }

    /// <summary>Whether a word starts with a consonant northern speakers swap: the cheap test before any lookup.</summary>
    public static bool MaySwap(string folded) => folded.Length >= 2 && Array.Exists(Swaps, s => Starts(folded, s.From));

    /// <summary>Whether a word begins with a swapped consonant: "n" is not the start of "ng", "nh".</summary>
    private static bool Starts(string folded, string consonant) =>
        folded.StartsWith(consonant, StringComparison.Ordinal) && !(consonant == "n" && folded[1] is 'g' or 'h');

    private bool FitsBetween(string word, string? previous, string? next) =>
        (previous is not null || next is not null)
        && (previous is null || _pairs.GetValueOrDefault((previous, word)) > 0)
        && (next is null || _pairs.GetValueOrDefault((word, next)) > 0);

    /// <summary>How often a word was seen after the previous word and before the next.</summary>
    private int Support(string word, string? previous, string? next) =>
        (previous is null ? 0 : _pairs.GetValueOrDefault((previous, word))) + (next is null ? 0 : _pairs.GetValueOrDefault((word, next)));

    /// <summary>First consonants northern speakers swap, each swap keeping the word's length.</summary>
    private static readonly (string From, string To)[] Swaps = [("l", "n"), ("n", "l"), ("s", "x"), ("x", "s"), ("tr", "ch"), ("ch", "tr")];

    private static readonly System.Buffers.SearchValues<char> Digits = System.Buffers.SearchValues.Create("0123456789");

    private int Count(ReadOnlySpan<char> piece) =>
        _counts.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(piece, out var c) ? c : 0;

    /// <summary>
    /// A folded Vietnamese syllable: an initial consonant, one to three vowels and a final consonant, each optional but
    /// the vowels. It keeps English words and slips ("tment", "rth") from being read as syllables.
    /// </summary>
    private static bool IsSyllable(ReadOnlySpan<char> piece) => SyllableShape().IsMatch(piece);

    [GeneratedRegex("^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?$")]
    private static partial Regex SyllableShape();
}
