using System.Text.RegularExpressions;

namespace Messaging.Language.Entities;

/// <summary>
/// National public-service portal dossier codes: agency code, received date (yyMMdd) and a daily sequence,
/// e.g. 000.00.12.H55-240930-0101.
/// </summary>
public static partial class DossierCode
{
    /// <summary>Upper-cases and removes stray spaces; true when the result is a well-formed code with a real date.</summary>
    public static bool TryNormalize(string? input, out string code)
    {
        code = string.Empty;
        if (string.IsNullOrWhiteSpace(input) || input.Length > 64) return false;
        var compact = new string(input.Where(c => !char.IsWhiteSpace(c)).Select(char.ToUpperInvariant).ToArray());
        var m = Pattern().Match(compact);
        if (!m.Success) return false;
        if (!DateOnly.TryParseExact(m.Groups["date"].Value, "yyMMdd", out _)) return false;
        code = compact;
        return true;
    }

    [GeneratedRegex(@"^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}-(?<date>[0-9]{6})-[0-9]{4}$")]
    private static partial Regex Pattern();
}
