using System.Collections.Concurrent;
using Messaging.Core.FrontDesk;
using Microsoft.Extensions.Options;

namespace Messaging.Server.Api;

/// <summary>
/// The boards this node's display streams send: one database read per office shared by every television watching it,
/// instead of one per stream at each change and each poll. A read is reused while no change was signalled on this
/// node since it began and it is younger than <see cref="MaxAge"/> (changes made on other nodes show within that and
/// the poll interval). At most <see cref="StreamsPerClient"/> streams stay open per client address.
/// </summary>
public sealed class DisplayBoards(IServiceScopeFactory scopes, QueueSignals signals, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);
    /// <summary>A waiting room has a television or two; a few offices may share one address behind a NAT.</summary>
    public const int StreamsPerClient = 8;

    private sealed record Read(long Epoch, DateTimeOffset StartedAt, Lazy<Task<QueueBoard?>> Board);

    private readonly ConcurrentDictionary<string, Read> _reads = new();
    private readonly Security.ConcurrentSlots _streams = new();

    public async Task<QueueBoard?> GetAsync(string officeId, CancellationToken ct)
    {
        while (true)
        {
            var epoch = signals.Epoch(officeId);
            var now = time.GetUtcNow();
            var current = _reads.GetValueOrDefault(officeId);
            if (current is not null && current.Epoch == epoch && now - current.StartedAt < MaxAge && !current.Board.Value.IsFaulted)
                return await current.Board.Value.WaitAsync(ct);
            // The read is shared, so no one stream's cancellation may end it.
            var mine = new Read(epoch, now, new Lazy<Task<QueueBoard?>>(() => ReadAsync(officeId)));
            var won = current is null ? _reads.TryAdd(officeId, mine) : _reads.TryUpdate(officeId, mine, current);
            if (!won) continue;
            var board = await mine.Board.Value.WaitAsync(ct);
            // No office, nothing to keep: ids made up by a caller must not pile up here.
            if (board is null) _reads.TryRemove(new(officeId, mine));
            return board;
        }
    }

    /// <summary>Holds one of the client's stream slots until disposed; null when all are taken.</summary>
    public IDisposable? TryHoldStream(string clientKey) => _streams.TryHold(clientKey, StreamsPerClient);

    private async Task<QueueBoard?> ReadAsync(string officeId)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DeskService>().BoardAsync(officeId, CancellationToken.None);
    }
}
