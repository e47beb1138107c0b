using Messaging.Language.Text;

namespace Messaging.Language.Entities;

/// <summary>
/// Where each canonical word starts in the original text, for finding the words of a span by binary search: the rules
/// that look beside a mention stay linear however many mentions a message repeats.
/// </summary>
internal sealed class WordPositions
{
    private readonly NormalizedText _text;
    private readonly int[] _starts;

    public WordPositions(NormalizedText text)
    {
        _text = text;
        _starts = new int[text.Words.Count];
        for (var w = 0; w < _starts.Length; w++) _starts[w] = text.Tokens[text.Words[w].Source].Start;
    }

    public int Count => _starts.Length;

    public int StartOf(int word) => _starts[word];

    /// <summary>The first word starting at or after <paramref name="position"/> (Count if none). Starts never decrease.</summary>
    public int FirstAtOrAfter(int position)
    {
        int lo = 0, hi = _starts.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_starts[mid] < position) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>The first and last word lying wholly inside [start, end), or (-1, -1).</summary>
    public (int First, int Last) Inside(int start, int end)
    {
        var first = FirstAtOrAfter(start);
        var last = FirstAtOrAfter(end) - 1;
        while (last >= first && _text.Tokens[_text.Words[last].Source].End > end) last--;
        return last >= first ? (first, last) : (-1, -1);
    }

    /// <summary>Where one clause of a message ends and the next begins: a comma, full stop, semicolon, question or exclamation mark, or line break.</summary>
    public static bool IsClauseBreak(char c) => c is ',' or '.' or ';' or '!' or '?' or '\n';

    /// <summary>The smallest value in an ascending list at or after <paramref name="position"/>, or null.</summary>
    public static int? NextIn(List<int> ascending, int position)
    {
        var i = ascending.BinarySearch(position);
        if (i < 0) i = ~i;
        return i < ascending.Count ? ascending[i] : null;
    }

    /// <summary>The largest value in an ascending list before <paramref name="position"/>, or null.</summary>
    public static int? PreviousIn(List<int> ascending, int position)
    {
        var i = ascending.BinarySearch(position);
        if (i < 0) i = ~i;
        return i > 0 ? ascending[i - 1] : null;
    }
}
