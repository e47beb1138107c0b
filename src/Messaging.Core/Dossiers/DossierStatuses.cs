namespace Messaging.Core.Dossiers;

/// <summary>The wire names of dossier statuses (received, needs-supplement, ...), used by the import API and CSV.</summary>
public static class DossierStatuses
{
    private static readonly Dictionary<DossierStatus, string> Names = new()
    {
        [DossierStatus.Received] = "received",
        [DossierStatus.Processing] = "processing",
        [DossierStatus.NeedsSupplement] = "needs-supplement",
        [DossierStatus.ReadyForPickup] = "ready-for-pickup",
        [DossierStatus.Returned] = "returned",
        [DossierStatus.Rejected] = "rejected",
    };

    public static string ToWire(this DossierStatus status) => Names[status];

    public static bool TryParse(string? value, out DossierStatus status)
    {
        foreach (var (s, name) in Names)
        {
            if (string.Equals(name, value?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                status = s;
                return true;
            }
        }
        status = default;
        return false;
    }

    public static string AllNames => string.Join(", ", Names.Values);
}
