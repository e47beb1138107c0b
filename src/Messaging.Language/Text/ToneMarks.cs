using System.Text;

namespace Messaging.Language.Text;

/// <summary>
/// Vietnamese has two conventions for where the tone mark sits in "oa", "oe", "uy": old style "hòa, thúy, khỏe"
/// and new style "hoà, thuý, khoẻ". Both are in daily use; this puts every syllable in the old style so the two
/// compare equal. Syllables with a final consonant ("hoàng", "thuyết") are unambiguous and untouched.
/// </summary>
public static class ToneMarks
{
    private static readonly char[] Tones = ['\u0300', '\u0301', '\u0309', '\u0303', '\u0323'];

    public static string Canonicalize(string syllable)
    {
        var d = syllable.Normalize(NormalizationForm.FormD);
        // Find the tone mark and the bare letters.
        var letters = new StringBuilder(d.Length);
        var marksAfter = new List<(int LetterIndex, char Mark)>();
        char? tone = null;
        foreach (var c in d)
        {
            if (Array.IndexOf(Tones, c) >= 0) tone = c;
            else if (CharFolding.IsMark(c)) marksAfter.Add((letters.Length - 1, c));
            else letters.Append(c);
        }
        if (tone is null) return syllable.Normalize(NormalizationForm.FormC);

        var bare = letters.ToString();
        var lower = bare.ToLowerInvariant();
        var pos = TonePosition(lower, marksAfter);
        var sb = new StringBuilder(d.Length);
        for (var i = 0; i < bare.Length; i++)
        {
            sb.Append(bare[i]);
            foreach (var (index, mark) in marksAfter) if (index == i) sb.Append(mark);
            if (i == pos) sb.Append(tone.Value);
        }
        return sb.ToString().Normalize(NormalizationForm.FormC);
    }

    private static int TonePosition(string lower, List<(int LetterIndex, char Mark)> qualityMarks)
    {
        // A vowel carrying a quality mark (â, ê, ô, ơ, ư, ă) takes the tone; in "ươ" it is the second one.
        var marked = -1;
        foreach (var (index, _) in qualityMarks) if (index >= 0 && IsVowel(lower[index])) marked = index;
        if (marked >= 0) return marked;
        var first = -1;
        var last = -1;
        for (var i = 0; i < lower.Length; i++)
        {
            if (!IsVowel(lower[i]) || (i > 0 && lower[i] == 'u' && lower[i - 1] == 'q')
                || (i > 0 && lower[i] == 'i' && lower[i - 1] == 'g' && i + 1 < lower.Length && IsVowel(lower[i + 1]))) continue;
            if (first < 0) first = i;
            last = i;
        }
        if (first < 0) return lower.Length - 1;
        var endsInVowel = last == lower.Length - 1;
        var count = last - first + 1;
        if (count == 1) return first;
        if (count >= 3) return first + 1;             // "oai", "uyê", "oay": the middle vowel
        return endsInVowel ? first : last;             // old style for open "oa", "oe", "uy"; "oan" → a
    }

    private static bool IsVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u' or 'y';
}
