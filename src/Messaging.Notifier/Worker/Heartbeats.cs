using System.Collections.Concurrent;

namespace Messaging.Notifier.Worker;

/// <summary>
/// When each background loop of this process last went round: readiness fails when one has stopped (a loop that
/// waits its idle delay still beats once per round, so a quiet system stays ready).
/// </summary>
public sealed class Heartbeats(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, TimeSpan Expected)> _beats = new();

    /// <summary>A round began; <paramref name="expected"/> is the longest a healthy loop waits between rounds.</summary>
    public void Beat(string loop, TimeSpan expected) => _beats[loop] = (time.GetUtcNow(), expected);

    /// <summary>Every loop of this process, when it last beat, and whether that is too long ago (three rounds missed).</summary>
    public IReadOnlyList<(string Loop, DateTimeOffset At, bool Stale)> Read()
    {
        var now = time.GetUtcNow();
        return _beats.OrderBy(b => b.Key, StringComparer.Ordinal)
            .Select(b => (b.Key, b.Value.At, now - b.Value.At > 3 * b.Value.Expected + TimeSpan.FromSeconds(30))).ToList();
    }
}
