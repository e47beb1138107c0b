using System.Security.Cryptography;

namespace Messaging.Core.Appointments;

/// <summary>
/// Short booking codes a citizen can read out over the phone: six characters from an alphabet without
/// look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B), plus a check character that catches one wrong or swapped character.
/// </summary>
public static class BookingCode
{
    public const string Alphabet = "ACDEFGHJKMNPQRTUVWXY34679";
    private const int Body = 6;

    public static string New()
    {
        Span<char> chars = stackalloc char[Body + 1];
        for (var i = 0; i < Body; i++) chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        chars[Body] = Check(chars[..Body]);
        return new string(chars);
    }

    /// <summary>Upper-cases, drops spaces and dashes, and checks the check character.</summary>
    public static bool TryNormalize(string? input, out string code)
    {
        code = string.Empty;
        if (string.IsNullOrWhiteSpace(input)) return false;
        var cleaned = new string(input.Where(c => c is not (' ' or '-' or '.')).Select(char.ToUpperInvariant).ToArray());
        if (cleaned.Length != Body + 1 || cleaned.Any(c => !Alphabet.Contains(c))) return false;
        if (Check(cleaned.AsSpan(0, Body)) != cleaned[Body]) return false;
        code = cleaned;
        return true;
    }

    // Weights are coprime with 25 and adjacent weights differ by 1 or 2, so any single substitution and any
    // adjacent transposition changes the sum modulo 25.
    private static readonly int[] Weights = [1, 2, 3, 4, 6, 7];

    private static char Check(ReadOnlySpan<char> body)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++) sum += Weights[i] * Alphabet.IndexOf(body[i]);
        return Alphabet[sum % Alphabet.Length];
    }
}

/// <summary>Where booking codes come from: random in production, a fixed sequence in transcript tests.</summary>
public interface IBookingCodes
{
    string Next();
}

public sealed class RandomBookingCodes : IBookingCodes
{
    public string Next() => BookingCode.New();
}
