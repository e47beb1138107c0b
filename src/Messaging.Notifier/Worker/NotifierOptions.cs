namespace Messaging.Notifier.Worker;

public sealed class NotifierOptions
{
    public const string Section = "Notifier";
    /// <summary>Attempts on transient failures before a message goes to the poison queue.</summary>
    public int MaxAttempts { get; set; } = 5;
    /// <summary>Messages handled at once by one worker.</summary>
    public int MaxInFlight { get; set; } = 16;
    public TimeSpan Visibility { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>
    /// How long a worker's claim on a delivery lasts: longer than any provider call takes (their timeouts are shorter),
    /// short enough that a worker killed mid-send delays the message by little. By default the message's visibility:
    /// when a dead worker's message shows again, its claim has lapsed too.
    /// </summary>
    public TimeSpan? ClaimLease { get; set; }

    public TimeSpan Lease => ClaimLease ?? Visibility;
    /// <summary>Receipts of one message without an outcome (each hold and retry is one) before it goes to poison.</summary>
    public int MaxDequeues { get; set; } = 20;
    public TimeSpan BaseBackoff { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(30);
    public TimeSpan IdleDelay { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>Non-critical messages wait while the office time is between these (default 21:00–07:00).</summary>
    public TimeOnly QuietFrom { get; set; } = new(21, 0);
    public TimeOnly QuietUntil { get; set; } = new(7, 0);
    /// <summary>
    /// Messages per second each channel may send from this worker (token bucket, bursts up to one second's worth);
    /// absent means unlimited. Set below the gateway's limit divided by the number of workers.
    /// </summary>
    public Dictionary<string, double> RatePerSecond { get; set; } = [];

    /// <summary>Channel order for recipients with no preference; empty means web chat, Zalo, ZNS, SMS, email.</summary>
    public List<string> DefaultChannelOrder { get; set; } = [];

    // Configuration binding appends to a list that has items, so the built-in order is applied here, not above.
    public IReadOnlyList<string> ChannelOrder => DefaultChannelOrder.Count > 0 ? DefaultChannelOrder : ["webchat", "zalo", "zns", "sms", "email"];
}
