using System.Text;

namespace Messaging.Language.Text;

/// <summary>A word of the input: its folded form (a stretched "chàoooo" as "chao"), and where it sits in the original text.</summary>
public readonly record struct Token(string Folded, int Start, int End, bool HasDiacritics, bool Capitalized)
{
    /// <summary>The word as meant when its first consonant was swapped as northern speakers do ("nàm" → "làm"), marks kept.</summary>
    public string? Respelled { get; init; }

    public bool IsNumber => Folded.Length > 0 && char.IsAsciiDigit(Folded[0]) && Folded.All(char.IsAsciiDigit);
}

/// <summary>
/// A canonical word after abbreviations are expanded ("dk" → "dang", "ky"); <see cref="Source"/> is the index of
/// the token it came from, so any match on canonical words maps back to a span of the original text.
/// </summary>
public readonly record struct CanonicalWord(string Text, int Source);

/// <summary>The input in every form the recognizers need, with maps back to the original characters.</summary>
public sealed class NormalizedText
{
    public required string Original { get; init; }
    /// <summary>Lower case, no diacritics, one char per original base character.</summary>
    public required string Folded { get; init; }
    /// <summary>For each char of <see cref="Folded"/>, its index in <see cref="Original"/>.</summary>
    public required int[] FoldedToOriginal { get; init; }
    public required IReadOnlyList<Token> Tokens { get; init; }
    public required IReadOnlyList<CanonicalWord> Words { get; init; }

    /// <summary>The original span covering folded chars [start, end).</summary>
    public (int Start, int End) OriginalSpan(int foldedStart, int foldedEnd) =>
        (FoldedToOriginal[foldedStart], foldedEnd >= Folded.Length ? Original.Length : FoldedToOriginal[foldedEnd]);

    /// <summary>The original span covering canonical words [first, last].</summary>
    public (int Start, int End) WordSpan(int first, int last) =>
        (Tokens[Words[first].Source].Start, Tokens[Words[last].Source].End);

    /// <summary>The lower-case text of a token as typed, tone marks in one convention (for diacritic-aware checks).</summary>
    /// <summary>
    /// Whether a token can be one of <paramref name="toned"/>: typed without marks it may be any word that folds like it;
    /// typed with marks it must be one of them ("tới" is not "tối", "quá" is not "qua").
    /// </summary>
    public bool MayBe(int token, params ReadOnlySpan<string> toned) => !Tokens[token].HasDiacritics || toned.Contains(Toned(token));

    public string Toned(int token) => Tokens[token].Respelled ?? Normalizer.TonedAsTyped(Original, Tokens[token]);

    /// <summary>The token that starts at an index of the original text, or -1 (binary search: tokens are in order).</summary>
    public int TokenAt(int originalStart)
    {
        int lo = 0, hi = Tokens.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (Tokens[mid].Start == originalStart) return mid;
            if (Tokens[mid].Start < originalStart) lo = mid + 1; else hi = mid - 1;
        }
        return -1;
    }
}

/// <summary>
/// Vietnamese text normalization: diacritics folded for matching (the original kept for display), whitespace and
/// punctuation collapsed into word boundaries, chat abbreviations expanded. Accepts NFC and NFD input alike.
/// </summary>
public static class Normalizer
{
    /// <param name="lexicon">When given, a long run of syllables typed without spaces that the lexicon does not know as
    /// one word is split into the words it does know ("datlichlamcancuoc"), each piece keeping its own span.</param>
    public static NormalizedText Normalize(string? text, Lexicon? lexicon = null)
    {
        text ??= string.Empty;
        var folded = new StringBuilder(text.Length);
        var map = new int[text.Length + 1];
        var n = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (CharFolding.IsMark(c)) continue;
            if (char.IsControl(c) || char.IsSurrogate(c)) c = ' ';
            folded.Append(CharFolding.Fold(c));
            map[n++] = i;
        }
        map[n] = text.Length;
        var f = folded.ToString();

        var tokens = new List<Token>();
        // Where each token sits in the folded text, and whether its folded form is exactly those chars (not unstretched).
        var foldedAt = new List<(int Start, bool Exact)>();
        var start = -1;
        for (var i = 0; i <= f.Length; i++)
        {
            var inWord = i < f.Length && char.IsLetterOrDigit(f[i]);
            if (inWord && start < 0) start = i;
            else if (!inWord && start >= 0)
            {
                var os = map[start];
                var oe = i < f.Length ? map[i] : text.Length;
                var word = f[start..i];
                // "cccd" is an abbreviation, not a stretched word.
                var plain = Abbreviations.Map.ContainsKey(word) ? word : Unstretched(word);
                if (plain == word && lexicon?.Split(word) is { } lengths)
                {
                    for (int p = 0, at = start; p < lengths.Length; at += lengths[p++])
                    {
                        var (ps, pe) = (map[at], at + lengths[p] < f.Length ? map[at + lengths[p]] : text.Length);
                        var piece = word.Substring(at - start, lengths[p]);
                        tokens.Add(new Token(piece, ps, pe, HasDiacritics(text, ps, pe, piece), char.IsUpper(text[ps])));
                        foldedAt.Add((at, true));
                    }
                }
                else
                {
                    tokens.Add(new Token(plain, os, oe, HasDiacritics(text, os, oe, word), char.IsUpper(text[os])));
                    foldedAt.Add((start, plain == word));
                }
                start = -1;
            }
        }

        if (lexicon is not null) f = Respell(text, f, tokens, foldedAt, lexicon);

        var words = new List<CanonicalWord>(tokens.Count + 4);
        for (var t = 0; t < tokens.Count; t++)
        {
            var previous = words.Count > 0 ? words[^1].Text : null;
            if (Dialect.Expand(text, tokens, t, previous) is { } meant)
            {
                foreach (var w in meant) words.Add(new CanonicalWord(w, t));
            }
            else if (Abbreviations.Map.TryGetValue(tokens[t].Folded, out var expansion) && !tokens[t].HasDiacritics)
            {
                foreach (var w in expansion) words.Add(new CanonicalWord(w, t));
            }
            else
            {
                words.Add(new CanonicalWord(tokens[t].Folded, t));
            }
        }
        return new NormalizedText { Original = text, Folded = f, FoldedToOriginal = map, Tokens = tokens, Words = words };
    }

    /// <summary>
    /// Northern speakers swap l/n, s/x and tr/ch when they type ("nàm" for "làm", "xổ" for "sổ", "chú" for "trú"). A word
    /// the lexicon says is meant otherwise is read as meant, in the tokens and in the folded text alike (the swaps keep
    /// the length, so every map back to the original still holds).
    /// </summary>
    private static string Respell(string text, string folded, List<Token> tokens, List<(int Start, bool Exact)> foldedAt, Lexicon lexicon)
    {
        char[]? chars = null;
        for (var i = 0; i < tokens.Count; i++)
        {
            // A capital inside a sentence is a name ("đi Lào", "anh Nam"), spelled as its owner spells it.
            if (!foldedAt[i].Exact || !Lexicon.MaySwap(tokens[i].Folded) || tokens[i].Capitalized && i > 0) continue;
            var toned = tokens[i].HasDiacritics ? TonedAsTyped(text, tokens[i]) : null;
            if (lexicon.Respell(tokens[i].Folded, toned, i > 0 ? tokens[i - 1].Folded : null,
                    i + 1 < tokens.Count ? tokens[i + 1].Folded : null) is not { } meant) continue;
            tokens[i] = tokens[i] with { Folded = meant.Folded, Respelled = meant.Toned };
            chars ??= folded.ToCharArray();
            meant.Folded.CopyTo(chars.AsSpan(foldedAt[i].Start));
        }
        return chars is null ? folded : new string(chars);
    }

    /// <summary>A token as typed, lower case, tone marks in one convention.</summary>
    internal static string TonedAsTyped(string original, Token token) =>
        ToneMarks.Canonicalize(original[token.Start..token.End].ToLowerInvariant());

    /// <summary>The canonical words joined by single spaces: what phrase lists and training examples are compared in.</summary>
    public static string Canonical(string? text) => string.Join(' ', Normalize(text).Words.Select(w => w.Text));

    private const string DoubledLast = "aioycmnptgh";

    /// <summary>
    /// A word stretched for tone of voice ("chàoooo", "ơiii", "dạaa", "khongg") is the word: a run of three or more of
    /// one letter is one letter, and so is a doubled last letter that can end a Vietnamese syllable (a, i, o, y and the
    /// final consonants): none ends in two. "uu" (lưu, cứu) is a syllable, and English doubles (fee, all, address) and
    /// "too" are left as typed.
    /// </summary>
    internal static string Unstretched(string word)
    {
        if (word.Length < 3 || !NeedsSqueeze(word)) return word;
        var b = new StringBuilder(word.Length);
        for (var i = 0; i < word.Length;)
        {
            var j = i;
            while (j < word.Length && word[j] == word[i]) j++;
            var run = j - i;
            var letter = char.IsAsciiLetter(word[i]);
            var squeeze = letter && (run >= 3 || (run == 2 && j == word.Length && DoubledLast.Contains(word[i])));
            b.Append(word[i], squeeze ? 1 : run);
            i = j;
        }
        return b.ToString();

        static bool NeedsSqueeze(string w)
        {
            if (w == "too") return false;
            if (w[^1] == w[^2] && DoubledLast.Contains(w[^1])) return true;
            for (var i = 2; i < w.Length; i++) if (w[i] == w[i - 1] && w[i] == w[i - 2] && char.IsAsciiLetter(w[i])) return true;
            return false;
        }
    }

    private static bool HasDiacritics(string original, int start, int end, string folded)
    {
        // Any original char that differs from its folded form other than by case carries a mark. đ does not count:
        // people type "đk", "sđt" as abbreviations, and đ never tells two words apart the way a tone does.
        if (end - start != folded.Length) return true;
        for (var i = 0; i < folded.Length; i++)
        {
            var c = char.ToLowerInvariant(original[start + i]);
            if (c != folded[i] && c != 'đ') return true;
        }
        return false;
    }
}
