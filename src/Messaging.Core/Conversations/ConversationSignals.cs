using System.Collections.Concurrent;

namespace Messaging.Core.Conversations;

/// <summary>
/// Wakes the streams waiting on a conversation when this process writes to it (a turn's replies, a proactive
/// message). Other processes' writes are found by the streams' own periodic read; this only makes the common case
/// immediate.
/// </summary>
public sealed class ConversationSignals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiting = new();

    public void Notify(string conversationId)
    {
        if (_waiting.TryRemove(conversationId, out var waiter)) waiter.TrySetResult();
    }

    /// <summary>Completes at the next <see cref="Notify"/> for the conversation, or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(string conversationId, TimeSpan timeout, CancellationToken ct)
    {
        var waiter = _waiting.GetOrAdd(conversationId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await waiter.Task.WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
        }
    }
}
