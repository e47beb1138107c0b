namespace Messaging.Server.Api;

/// <summary>
/// Dates a client may send: from 2000 to 2100. Anything outside is a typing error or a probe, and DateOnly arithmetic
/// near year 1 or 9999 throws: refused with 400 before it reaches the domain.
/// </summary>
public static class SaneRange
{
    public static readonly DateOnly First = new(2000, 1, 1);
    public static readonly DateOnly Last = new(2100, 12, 31);

    public static bool Contains(DateOnly d) => d >= First && d <= Last;

    public static bool Contains(DateTimeOffset t) => t.Year is >= 2000 and <= 2100;

    public static IResult Problem(string field) =>
        Results.Problem($"'{field}' must be a date between {First:yyyy-MM-dd} and {Last:yyyy-MM-dd}.", statusCode: 400, title: "Date out of range");
}
