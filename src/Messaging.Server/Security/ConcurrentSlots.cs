using System.Collections.Concurrent;

namespace Messaging.Server.Security;

/// <summary>Counts the long-lived requests open per key (a conversation, a client address) and refuses one past a limit.</summary>
public sealed class ConcurrentSlots
{
    private readonly ConcurrentDictionary<string, int> _held = new();

    /// <summary>Holds one of the key's slots until disposed; null when all <paramref name="max"/> are taken.</summary>
    public IDisposable? TryHold(string key, int max)
    {
        if (_held.AddOrUpdate(key, 1, (_, n) => n + 1) <= max) return new Slot(this, key);
        Release(key);
        return null;
    }

    private void Release(string key)
    {
        if (_held.AddOrUpdate(key, 0, (_, n) => n - 1) <= 0) _held.TryRemove(new(key, 0));
    }

    private sealed class Slot(ConcurrentSlots slots, string key) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) slots.Release(key);
        }
    }
}
