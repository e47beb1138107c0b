namespace Messaging.Notifier.Channels.Zalo;

/// <summary>
/// Which notifications may go out as ZNS: each needs a template that Zalo reviewed and approved for this OA, named by
/// its id, e.g. <c>Zns:Templates:booking.confirmed = 301234</c> (the notification's template key, with or without
/// <c>notify/</c>). A notification with no approved template here skips ZNS and goes to the next channel: Zalo refuses
/// ZNS without one, and free text cannot be sent as ZNS at all.
/// </summary>
public sealed class ZnsOptions
{
    public const string Section = "Zns";

    public Dictionary<string, string> Templates { get; set; } = [];

    public string? TemplateIdFor(string templateKey)
    {
        var shortKey = templateKey.StartsWith("notify/", StringComparison.Ordinal) ? templateKey["notify/".Length..] : templateKey;
        foreach (var key in new[] { templateKey, shortKey })
            if (Templates.TryGetValue(key, out var id) && !string.IsNullOrWhiteSpace(id)) return id.Trim();
        return null;
    }
}
