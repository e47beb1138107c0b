namespace Messaging.Core.Templates;

public enum SmsEncoding { Gsm7, Ucs2 }

/// <summary>How an SMS text will travel: its encoding, the characters it counts for, and the parts it is cut into.</summary>
public sealed record SmsInfo(SmsEncoding Encoding, int Units, int Segments)
{
    /// <summary>
    /// GSM 03.38: 160 septets in one part, 153 per part when concatenated; extension characters (^{}\[~]|€ and form
    /// feed) take two septets. Anything outside the GSM alphabet (any Vietnamese diacritic) forces UCS-2: 70 characters
    /// in one part, 67 per part, counted in UTF-16 units.
    /// </summary>
    public static SmsInfo Measure(string text)
    {
        var septets = 0;
        foreach (var c in text)
        {
            if (Basic.Contains(c)) septets += 1;
            else if (Extension.Contains(c)) septets += 2;
            else return Count(SmsEncoding.Ucs2, text.Length, 70, 67);
        }
        return Count(SmsEncoding.Gsm7, septets, 160, 153);
    }

    private static SmsInfo Count(SmsEncoding encoding, int units, int single, int multi) =>
        new(encoding, units, units == 0 ? 0 : units <= single ? 1 : (units + multi - 1) / multi);

    private const string BasicChars =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private static readonly HashSet<char> Basic = [.. BasicChars];
    private static readonly HashSet<char> Extension = ['^', '{', '}', '\\', '[', '~', ']', '|', '€', '\f'];
}
