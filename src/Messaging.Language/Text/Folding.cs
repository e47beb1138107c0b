using System.Globalization;
using System.Text;

namespace Messaging.Language.Text;

/// <summary>Diacritic folding for matching: "Đăng ký thường trú" and "dang ky thuong tru" compare equal.</summary>
public static class Folding
{
    /// <summary>Lower case, diacritics removed, đ → d. Use only for matching, never for display.</summary>
    public static string Fold(string? text) => DeAccent(text).ToLowerInvariant();

    /// <summary>Strips diacritics but keeps case: the SMS "không dấu" form of a text. đ does not decompose, so it is mapped.</summary>
    public static string DeAccent(string? text)
    {
        if (string.IsNullOrEmpty(text)) return string.Empty;
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            sb.Append(c switch { 'đ' => 'd', 'Đ' => 'D', _ => c });
        }
        return sb.ToString().Normalize(NormalizationForm.FormC);
    }
}
