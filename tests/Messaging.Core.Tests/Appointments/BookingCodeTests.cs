using Messaging.Core.Appointments;

namespace Messaging.Core.Tests.Appointments;

public sealed class BookingCodeTests
{
    [Fact]
    public void New_codes_are_seven_unambiguous_characters_that_validate()
    {
        for (var i = 0; i < 1000; i++)
        {
            var code = BookingCode.New();
            Assert.Equal(7, code.Length);
            Assert.DoesNotContain(code, c => "0O1IL2Z5S8B".Contains(c));
            Assert.True(BookingCode.TryNormalize(code, out var n));
            Assert.Equal(code, n);
        }
    }

    [Fact]
    public void Typed_forms_normalize()
    {
        var code = BookingCode.New();
        Assert.True(BookingCode.TryNormalize($" {code[..3].ToLowerInvariant()}-{code[3..]} ", out var n));
        Assert.Equal(code, n);
    }

    [Fact]
    public void Every_single_substitution_and_adjacent_swap_is_caught()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var code = BookingCode.New();
            for (var i = 0; i < code.Length; i++)
            {
                foreach (var c in BookingCode.Alphabet.Where(c => c != code[i]))
                {
                    var typo = code[..i] + c + code[(i + 1)..];
                    Assert.False(BookingCode.TryNormalize(typo, out _), $"{code} → {typo}");
                }
                if (i + 1 < code.Length && code[i] != code[i + 1])
                {
                    var swapped = code[..i] + code[i + 1] + code[i] + code[(i + 2)..];
                    Assert.False(BookingCode.TryNormalize(swapped, out _), $"{code} → {swapped}");
                }
            }
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("ABC")]
    [InlineData("ACDEFG00")]
    [InlineData("ACDE0GH")]
    public void Malformed_codes_are_refused(string input) => Assert.False(BookingCode.TryNormalize(input, out _));
}
