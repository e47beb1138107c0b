namespace Messaging.Language.Entities;

/// <summary>Entity type names, exactly as /model/parse reports them.</summary>
public static class EntityTypes
{
    public const string Date = "date";
    public const string Time = "time";
    public const string PartOfDay = "part_of_day";
    public const string Phone = "phone";
    public const string CitizenId = "citizen_id";
    public const string DossierCode = "dossier_code";
    public const string Procedure = "procedure";
    public const string Office = "office";
    /// <summary>A matter another body handles ("đăng ký kết hôn", "sổ đỏ"): its value is the referral's id.</summary>
    public const string Referral = "referral";
    /// <summary>
    /// A week named without a day ("tuần sau", "next week"): a range to offer days from, not a day. Its value is the
    /// range's first day still ahead, its detail "until" the last. Not scored: the sets label only days.
    /// </summary>
    public const string Week = "week";

    /// <summary>The types the evaluation sets label and score.</summary>
    public static readonly string[] All = [Date, Time, PartOfDay, Phone, CitizenId, DossierCode, Procedure, Office];
}

/// <summary>
/// A value found in the text, with its span [Start, End) in the original string. <see cref="Detail"/> carries what
/// the value alone cannot: "legacy" for a 9-digit ID, the end date of a week, other candidate ids.
/// </summary>
public sealed record Entity(string Type, string Value, int Start, int End, double Confidence = 1.0)
{
    public string? Detail { get; init; }
}
