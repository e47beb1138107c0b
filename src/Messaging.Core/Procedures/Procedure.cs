namespace Messaging.Core.Procedures;

/// <summary>One administrative procedure of the knowledge base, as loaded from `dialogs/procedures/{id}.md`.</summary>
public sealed class Procedure
{
    public string Id { get; set; } = "";
    /// <summary>Code in the national procedure database, when known (e.g. 1.004222).</summary>
    public string? NationalCode { get; set; }
    public string Title { get; set; } = "";
    public string TitleEn { get; set; } = "";
    public List<string> Aliases { get; set; } = [];
    public List<string> Keywords { get; set; } = [];
    /// <summary>The generic procedure this one narrows ("căn cước" means first issue until the message says "đổi").</summary>
    public string? Refines { get; set; }
    /// <summary>Words that, beside a mention of <see cref="Refines"/>, mean this procedure ("hết hạn", "làm lại").</summary>
    public List<string> Cues { get; set; } = [];
    /// <summary>
    /// A narrower procedure that, beside one of <see cref="TakesOverOn"/>, means this one: "làm lại thẻ vì hết hạn" names
    /// the reissue, but a card re-made at the ages of Art. 21 is a cấp đổi (Luật Căn cước Art. 24(1)(a)).
    /// </summary>
    public string? TakesOver { get; set; }
    public List<string> TakesOverOn { get; set; } = [];
    /// <summary>
    /// How citizens describe the procedure without naming it: groups of alternatives that must all appear ("sửa | sai
    /// + cư trú | dân cư + ngày sinh | tên"), the first group being what the procedure is about.
    /// </summary>
    public List<string> DescribedBy { get; set; } = [];
    /// <summary>
    /// The intent whose messages are about this procedure whatever card procedure they name (with <see cref="Covers"/>):
    /// "đổi căn cước tại nhà cho bà" asks for the home visit, not the renewal.
    /// </summary>
    public string? AskedAs { get; set; }
    /// <summary>The procedures a message of <see cref="AskedAs"/> may name that mean this one ("đổi căn cước" in a home-visit request).</summary>
    public List<string> Covers { get; set; } = [];
    /// <summary>
    /// Words that, right before or after one of the names, make it something else: "… hàng hóa" after the name
    /// ("nhập khẩu hàng hóa"), "thuế …" before it, a phrase without "…" on either side, "[thường trú] tại thôn" only
    /// after that name as written (an address in a letter).
    /// </summary>
    public List<string> UnlessBeside { get; set; } = [];
    public string Audience { get; set; } = "";
    public string? AudienceEn { get; set; }
    public List<ProcedureDocument>? Documents { get; set; }
    public ProcedureFee? Fee { get; set; }
    public ProcessingTime? ProcessingTime { get; set; }
    public SubmissionPlace? Where { get; set; }
    public List<string> LegalBasis { get; set; } = [];
    /// <summary>Figures an admin must check against the official text before relying on them.</summary>
    public List<VerifyNote> Verify { get; set; } = [];
    /// <summary>Short notes and caveats shown with every answer about the procedure (CMND no longer valid, no sổ hộ khẩu needed…).</summary>
    public List<ProcedureNote> Tips { get; set; } = [];
    /// <summary>When an admin last checked the entry against its sources (yyyy-MM-dd).</summary>
    public string? LastChecked { get; set; }
    /// <summary>Where the facts come from: official pages and texts, one line each.</summary>
    public List<string> Sources { get; set; } = [];
    /// <summary>Free Markdown after the front matter: practical notes for citizens.</summary>
    public string Notes { get; set; } = "";
}

public sealed class ProcedureNote
{
    public string Text { get; set; } = "";
    public string? TextEn { get; set; }
}

public sealed class ProcedureDocument
{
    public string Name { get; set; } = "";
    public string? NameEn { get; set; }
    public string? Note { get; set; }
    public string? NoteEn { get; set; }
    /// <summary>Only some applicants bring it ("nếu …"): shown as a condition, never as required for everyone.</summary>
    public string? Condition { get; set; }
    public string? ConditionEn { get; set; }
    /// <summary>A form the officer prints and the citizen signs at the desk (CC01): not something to bring.</summary>
    public bool StaffForm { get; set; }
}

public sealed class ProcedureFee
{
    public string Text { get; set; } = "";
    public string? TextEn { get; set; }
    /// <summary>The standard amount for an in-person application, in đồng; null when it varies.</summary>
    public int? AmountVnd { get; set; }
}

public sealed class ProcessingTime
{
    public string Text { get; set; } = "";
    public string? TextEn { get; set; }
    public int? WorkingDays { get; set; }
}

public sealed class SubmissionPlace
{
    public string Offices { get; set; } = "";
    public string? OfficesEn { get; set; }
    public string? Online { get; set; }
    public string? OnlineEn { get; set; }
    public string? OnlineUrl { get; set; }
    public string? Hours { get; set; }
    public string? HoursEn { get; set; }
}

public sealed class VerifyNote
{
    public string Field { get; set; } = "";
    public string Note { get; set; } = "";
}
