using Messaging.Core.Procedures;

namespace Messaging.Server.Pages.Staff.Admin;

/// <summary>The knowledge base's figures still to be checked against the official texts, and when each entry was last checked.</summary>
public sealed class KnowledgeModel(ProcedureCatalog catalog) : StaffPage
{
    public IReadOnlyList<Procedure> Procedures { get; private set; } = [];

    public void OnGet() =>
        // Unchecked first, then the longest unchecked.
        Procedures = catalog.All.OrderByDescending(p => p.Verify.Count).ThenBy(p => p.LastChecked ?? "", StringComparer.Ordinal)
            .ThenBy(p => p.Title, StringComparer.Ordinal).ToList();
}
