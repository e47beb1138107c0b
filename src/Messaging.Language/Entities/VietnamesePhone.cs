namespace Messaging.Language.Entities;

/// <summary>Carrier of a Vietnamese mobile number, from its three-digit national prefix.</summary>
public enum MobileCarrier { Viettel, MobiFone, VinaPhone, Vietnamobile, Gmobile, Itel, Reddi }

/// <summary>
/// Normalizes Vietnamese mobile numbers as people write them to the national form 0XXXXXXXXX.
/// Landlines (02x) and unknown prefixes are rejected: they cannot receive SMS, ZNS or Zalo.
/// </summary>
public static class VietnamesePhone
{
    private static readonly Dictionary<string, MobileCarrier> Prefixes = BuildPrefixes();

    // The 2018 switch from 11 to 10 digits: old four-digit prefix to new three-digit prefix.
    private static readonly Dictionary<string, string> LegacyPrefixes = new()
    {
        ["0120"] = "070", ["0121"] = "079", ["0122"] = "077", ["0126"] = "076", ["0128"] = "078",
        ["0123"] = "083", ["0124"] = "084", ["0125"] = "085", ["0127"] = "081", ["0129"] = "082",
        ["0162"] = "032", ["0163"] = "033", ["0164"] = "034", ["0165"] = "035", ["0166"] = "036",
        ["0167"] = "037", ["0168"] = "038", ["0169"] = "039",
        ["0186"] = "056", ["0188"] = "058",
        ["0199"] = "059",
    };

    private static Dictionary<string, MobileCarrier> BuildPrefixes()
    {
        var map = new Dictionary<string, MobileCarrier>();
        void Add(MobileCarrier carrier, params string[] prefixes)
        {
            foreach (var p in prefixes) map[p] = carrier;
        }
        Add(MobileCarrier.Viettel, "032", "033", "034", "035", "036", "037", "038", "039", "086", "096", "097", "098");
        Add(MobileCarrier.MobiFone, "070", "076", "077", "078", "079", "089", "090", "093");
        Add(MobileCarrier.VinaPhone, "081", "082", "083", "084", "085", "088", "091", "094");
        Add(MobileCarrier.Vietnamobile, "052", "056", "058", "092");
        Add(MobileCarrier.Gmobile, "059", "099");
        Add(MobileCarrier.Itel, "087");
        Add(MobileCarrier.Reddi, "055");
        return map;
    }

    /// <summary>Tries to normalize <paramref name="input"/> to 0XXXXXXXXX.</summary>
    public static bool TryNormalize(string? input, out string national)
    {
        national = string.Empty;
        if (string.IsNullOrWhiteSpace(input) || input.Length > 32) return false;

        Span<char> digits = stackalloc char[32];
        var n = 0;
        var plus = false;
        foreach (var c in input.AsSpan().Trim())
        {
            if (c is >= '0' and <= '9') digits[n++] = c;
            else if (c == '+' && n == 0 && !plus) plus = true;
            else if (c is ' ' or '.' or '-' or '(' or ')' or '\u00A0') continue;
            else return false;
        }

        var s = new string(digits[..n]);
        if (plus && !s.StartsWith("84", StringComparison.Ordinal)) return false;
        if (s.StartsWith("0084", StringComparison.Ordinal)) s = s[2..];

        if (s.Length == 11 && s.StartsWith("84", StringComparison.Ordinal)) s = "0" + s[2..];
        else if (s.Length == 9 && s[0] != '0') s = "0" + s;
        else if (s.Length == 12 && s.StartsWith("84", StringComparison.Ordinal) && s[2] == '1') s = "0" + s[2..];

        if (s.Length == 11 && s.StartsWith("01", StringComparison.Ordinal))
        {
            if (!LegacyPrefixes.TryGetValue(s[..4], out var modern)) return false;
            s = modern + s[4..];
        }

        if (s.Length != 10 || s[0] != '0' || !Prefixes.ContainsKey(s[..3])) return false;
        national = s;
        return true;
    }

    /// <summary>The carrier of an already normalized number.</summary>
    public static MobileCarrier? CarrierOf(string national) =>
        national.Length == 10 && Prefixes.TryGetValue(national[..3], out var c) ? c : null;

    /// <summary>84XXXXXXXXX, the form ZNS and several SMS gateways want.</summary>
    public static string ToInternational(string national) => "84" + national[1..];

    /// <summary>0912***678: enough for a person to recognise their number, useless to anyone else.</summary>
    public static string Mask(string? phone)
    {
        if (string.IsNullOrEmpty(phone)) return string.Empty;
        return phone.Length < 7 ? new string('*', phone.Length) : phone[..4] + "***" + phone[^3..];
    }
}
