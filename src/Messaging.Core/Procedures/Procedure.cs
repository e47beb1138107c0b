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
    public string Audience { get; set; } = "";
    public string? AudienceEn { get; set; }
    public List<ProcedureDocument>? Documents { get; set; }
    public ProcedureFee? Fee { get; set; }
    public ProcessingTime? ProcessingTime { get; set; }
    public SubmissionPlace? Where { get; set; }
    public List<string> LegalBasis { get; set; } = [];
    /// <summary>Figures an admin must check against the official text before relying on them.</summary>
    public List<VerifyNote> Verify { get; set; } = [];
    /// <summary>Free Markdown after the front matter: practical notes for citizens.</summary>
    public string Notes { get; set; } = "";
}

public sealed class ProcedureDocument
{
    public string Name { get; set; } = "";
    public string? Note { get; set; }
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
    public string? Online { get; set; }
    public string? OnlineUrl { get; set; }
    public string? Hours { get; set; }
}

public sealed class VerifyNote
{
    public string Field { get; set; } = "";
    public string Note { get; set; } = "";
}
