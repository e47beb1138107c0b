using Messaging.Language.Text;

namespace Messaging.Language.Entities;

/// <summary>
/// One recognition pass over one text. Recognizers run in a fixed order and claim the characters they use, so a
/// dossier code's digits are never read again as a date or a phone number.
/// </summary>
public sealed class RecognitionContext
{
    private readonly bool[] _claimed;

    public RecognitionContext(NormalizedText text, DateTimeOffset referenceLocal)
    {
        Text = text;
        ReferenceLocal = referenceLocal;
        Today = DateOnly.FromDateTime(referenceLocal.DateTime);
        _claimed = new bool[text.Original.Length + 1];
    }

    public NormalizedText Text { get; }
    /// <summary>The reference time in the office time zone.</summary>
    public DateTimeOffset ReferenceLocal { get; }
    public DateOnly Today { get; }
    public List<Entity> Entities { get; } = [];

    /// <summary>Where each word starts and ends, built once for all recognizers (the text does not change).</summary>
    internal WordPositions Positions => _positions ??= new WordPositions(Text);

    private WordPositions? _positions;

    /// <summary>Whether a comma, full stop or other clause break stands in the text between two words.</summary>
    public bool BreakBetween(int before, int after)
    {
        var (from, to) = (Text.Tokens[Text.Words[before].Source].End, Text.Tokens[Text.Words[after].Source].Start);
        for (var k = from; k < to && k < Text.Original.Length; k++)
            if (WordPositions.IsClauseBreak(Text.Original[k])) return true;
        return false;
    }

    public static bool IsDigits(string word) => word.Length > 0 && word.All(char.IsAsciiDigit);

    public bool IsFree(int start, int end)
    {
        for (var i = start; i < end; i++) if (_claimed[i]) return false;
        return true;
    }

    public bool IsWordFree(int word) => IsFree(Text.WordSpan(word, word).Start, Text.WordSpan(word, word).End);

    public void Add(Entity entity)
    {
        for (var i = entity.Start; i < entity.End; i++) _claimed[i] = true;
        Entities.Add(entity);
    }

    /// <summary>Drops entities a later rule has ruled out and frees their characters for the recognizers after it.</summary>
    public void Release(IReadOnlyCollection<Entity> gone)
    {
        if (gone.Count == 0) return;
        var set = new HashSet<Entity>(gone, ReferenceEqualityComparer.Instance);
        Entities.RemoveAll(set.Contains);
        foreach (var e in gone) for (var i = e.Start; i < e.End; i++) _claimed[i] = false;
    }

    /// <summary>The index of the first canonical word whose token ends after <paramref name="start"/> (a binary search).</summary>
    public int FirstWordEndingAfter(int start)
    {
        int lo = 0, hi = Text.Words.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (Text.Tokens[Text.Words[mid].Source].End > start) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }

    /// <summary>The canonical word at <paramref name="i"/>, or "" past either end.</summary>
    public string Word(int i) => i >= 0 && i < Text.Words.Count ? Text.Words[i].Text : "";
}
