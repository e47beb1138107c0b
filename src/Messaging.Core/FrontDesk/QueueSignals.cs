using System.Collections.Concurrent;

namespace Messaging.Core.FrontDesk;

/// <summary>
/// Wakes this node's display streams of an office when its queue changed here, so a call shows at once. Changes made
/// on another node are not seen here: the streams also read the database every few seconds for those.
/// </summary>
public sealed class QueueSignals(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiting = new();
    private readonly ConcurrentDictionary<string, long> _epochs = new();

    public void Notify(string officeId)
    {
        _epochs.AddOrUpdate(officeId, 1, (_, n) => n + 1);
        if (_waiting.TryRemove(officeId, out var waiter)) waiter.TrySetResult();
    }

    /// <summary>How many changes this node has signalled for the office: a board read before the last one is out of date.</summary>
    public long Epoch(string officeId) => _epochs.GetValueOrDefault(officeId);

    /// <summary>Completes at the next <see cref="Notify"/> for the office, or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(string officeId, TimeSpan timeout, CancellationToken ct)
    {
        var waiter = _waiting.GetOrAdd(officeId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await waiter.Task.WaitAsync(timeout, time, ct);
        }
        catch (TimeoutException)
        {
        }
    }
}
