namespace Messaging.Core.Procedures;

/// <summary>
/// A matter another body handles (births and marriages, land, banks…), as loaded from `dialogs/procedures/referrals.yml`:
/// recognized by name so the bot can say "not ours" with confidence and where to go instead.
/// </summary>
public sealed class Referral
{
    public string Id { get; set; } = "";
    public string Title { get; set; } = "";
    public string TitleEn { get; set; } = "";
    public string Where { get; set; } = "";
    public string WhereEn { get; set; } = "";
    public string Source { get; set; } = "";
    public List<string> Aliases { get; set; } = [];
    /// <summary>
    /// Names of papers as well as of the matter ("giấy khai sinh", "công chứng"): in a conversation about one of our
    /// procedures they ask about that procedure's papers, and are not referred elsewhere.
    /// </summary>
    public List<string> Papers { get; set; } = [];
}

internal sealed class ReferralFile
{
    public List<Referral> Referrals { get; set; } = [];
}
