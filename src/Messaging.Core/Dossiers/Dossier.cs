namespace Messaging.Core.Dossiers;

public enum DossierStatus { Received, Processing, NeedsSupplement, ReadyForPickup, Returned, Rejected }

/// <summary>An application filed at an office, identified by its national public-service portal code.</summary>
public sealed class Dossier
{
    /// <summary>Portal-style code, upper case, e.g. 000.00.12.H55-240930-0101.</summary>
    public required string Code { get; set; }
    public string ProcedureId { get; set; } = "";
    public string OfficeId { get; set; } = "";
    public required string ApplicantName { get; set; }
    public required string Phone { get; set; }
    public string? CitizenId { get; set; }
    public DossierStatus Status { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public DateOnly? ExpectedResultDate { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
    public List<DossierEvent> History { get; set; } = [];
}

/// <summary>One status the dossier passed through, with the officer's note.</summary>
public sealed class DossierEvent
{
    public long Id { get; set; }
    public string DossierCode { get; set; } = "";
    public DossierStatus Status { get; set; }
    public DateTimeOffset At { get; set; }
    public string? Note { get; set; }
    public string? By { get; set; }
}
