using System.Diagnostics;

namespace Messaging.Core.Telemetry;

/// <summary>
/// The product's spans, in one source ("Messaging"): a chat turn, a booking, the dispatch of an outbox event and the
/// send of each notification it planned. The trace context travels with the work: stored on the outbox row in the
/// transaction of the change, then carried in the queue message, so one trace runs from the citizen's request to the
/// provider's answer, across processes. Tags carry no personal data.
/// </summary>
public static class MessagingTraces
{
    public const string SourceName = "Messaging";
    public static readonly ActivitySource Source = new(SourceName, "1.0");

    /// <summary>The current span as a W3C traceparent, to store with work that another process finishes.</summary>
    public static string? CurrentParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } a ? a.Id : null;

    /// <summary>A span whose parent is a stored traceparent (none, or a malformed one, starts a new trace).</summary>
    public static Activity? StartFrom(string name, ActivityKind kind, string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, out var parent)
            ? Source.StartActivity(name, kind, parent)
            : Source.StartActivity(name, kind);
}
