using System.Collections.Concurrent;

namespace Messaging.Core;

/// <summary>
/// Wakes whoever waits on a key (a conversation, an office's queue) when this process changes what it stands for.
/// Other processes' changes are found by the waiters' own periodic read; a signal only makes the common case immediate.
/// </summary>
public abstract class KeyedSignals(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiting = new();
    private readonly ConcurrentDictionary<string, long> _epochs = new();

    public void Notify(string key)
    {
        _epochs.AddOrUpdate(key, 1, (_, n) => n + 1);
        if (_waiting.TryRemove(key, out var waiter)) waiter.TrySetResult();
    }

    /// <summary>How many changes this process has signalled for the key: something read before the last one is out of date.</summary>
    public long Epoch(string key) => _epochs.GetValueOrDefault(key);

    /// <summary>Completes at the next <see cref="Notify"/> for the key, or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(string key, TimeSpan timeout, CancellationToken ct)
    {
        var waiter = _waiting.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await waiter.Task.WaitAsync(timeout, time, ct);
        }
        catch (TimeoutException)
        {
        }
    }
}
