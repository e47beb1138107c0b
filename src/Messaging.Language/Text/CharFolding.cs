using System.Globalization;
using System.Text;

namespace Messaging.Language.Text;

/// <summary>Per-character folding through a precomputed table: lower case, no diacritics, đ → d, digits to ASCII.</summary>
internal static class CharFolding
{
    // Vietnamese letters live below U+1F00; everything above folds by plain lower-casing.
    private const int TableSize = 0x1F00;
    private static readonly char[] Table = BuildTable();

    private static char[] BuildTable()
    {
        var table = new char[TableSize];
        for (var i = 0; i < TableSize; i++)
        {
            var c = (char)i;
            if (char.IsSurrogate(c)) { table[i] = c; continue; }
            if (char.IsDigit(c)) { table[i] = AsciiDigit(c); continue; }
            var d = c.ToString().Normalize(NormalizationForm.FormD);
            var b = d.Length > 0 && !IsMark(d[0]) ? d[0] : c;
            table[i] = char.ToLowerInvariant(b) switch { 'đ' => 'd', var x => x };
        }
        table['Đ'] = 'd';
        table['đ'] = 'd';
        return table;
    }

    public static bool IsMark(char c) =>
        CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
            or UnicodeCategory.EnclosingMark;

    /// <summary>
    /// Any decimal digit (full-width ０-９ from a phone keyboard, Arabic-Indic, …) folds to its ASCII digit, so the
    /// recognizers' patterns and number parsing see only 0-9.
    /// </summary>
    public static char Fold(char c) => c < TableSize ? Table[c] : char.IsDigit(c) ? AsciiDigit(c) : char.ToLowerInvariant(c);

    private static char AsciiDigit(char c) => (char)('0' + (int)char.GetNumericValue(c));
}
