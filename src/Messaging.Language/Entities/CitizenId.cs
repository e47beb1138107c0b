namespace Messaging.Language.Entities;

/// <summary>
/// Vietnamese personal identification numbers: 12 digits whose first three are the province of birth
/// registration (the 63 pre-2025 province codes), and the legacy 9-digit identity-card (CMND) numbers.
/// </summary>
public static class CitizenId
{
    private static readonly HashSet<string> ProvinceCodes =
    [
        "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020", "022", "024",
        "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038", "040", "042", "044", "045",
        "046", "048", "049", "051", "052", "054", "056", "058", "060", "062", "064", "066", "067", "068", "070",
        "072", "074", "075", "077", "079", "080", "082", "083", "084", "086", "087", "089", "091", "092", "093",
        "094", "095", "096",
    ];

    /// <summary>True for a well-formed 12-digit number with a known province code.</summary>
    public static bool IsValid(string? value) =>
        value is { Length: 12 } && value.All(char.IsAsciiDigit) && ProvinceCodes.Contains(value[..3]);

    /// <summary>True for a 9-digit legacy identity-card number.</summary>
    public static bool IsLegacy(string? value) => value is { Length: 9 } && value.All(char.IsAsciiDigit);

    /// <summary>Removes spaces and dots people put in; returns null when nothing digit-like remains.</summary>
    public static string? Clean(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var digits = new string(value.Where(c => !char.IsWhiteSpace(c) && c != '.' && c != '-').ToArray());
        return digits.Length == 0 ? null : digits;
    }

    /// <summary>001******789: the last three digits only, enough for an officer to match a paper.</summary>
    public static string Mask(string? value) =>
        string.IsNullOrEmpty(value) ? string.Empty
        : value.Length <= 6 ? new string('*', value.Length)
        : value[..3] + new string('*', value.Length - 6) + value[^3..];
}
