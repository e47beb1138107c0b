using System.Diagnostics.Metrics;

namespace Messaging.Core.Telemetry;

/// <summary>
/// The product's own instruments, in one meter ("Messaging"): exported by OpenTelemetry as `messaging_*` (Prometheus
/// at /metrics, OTLP when configured). Tags carry no personal data: channels, intents, outcomes, reasons.
/// </summary>
public static class MessagingMetrics
{
    public const string MeterName = "Messaging";
    private static readonly Meter Meter = new(MeterName, "1.0");

    /// <summary>Chat turns by channel and intent.</summary>
    public static readonly Counter<long> Turns = Meter.CreateCounter<long>("messaging.turns", "{turn}", "Chat turns handled");

    /// <summary>The classifier's confidence in the intent it chose.</summary>
    public static readonly Histogram<double> NluConfidence = Meter.CreateHistogram<double>("messaging.nlu.confidence", null, "Confidence of the chosen intent");

    /// <summary>Bookings made, refused (with the reason) and cancelled.</summary>
    public static readonly Counter<long> Bookings = Meter.CreateCounter<long>("messaging.bookings", "{booking}", "Bookings by outcome");

    /// <summary>Notifications handled by the worker, by outcome (sent, retrying, poisoned, obsolete…).</summary>
    public static readonly Counter<long> Notifications = Meter.CreateCounter<long>("messaging.notifications", "{notification}", "Notifications by outcome");

    /// <summary>How long a send to a channel took, by channel and success.</summary>
    public static readonly Histogram<double> SendDuration = Meter.CreateHistogram<double>("messaging.send.duration", "s", "Duration of one send to a channel");

    public static KeyValuePair<string, object?> Tag(string name, object? value) => new(name, value);
}
