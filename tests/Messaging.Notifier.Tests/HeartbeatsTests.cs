using Messaging.Notifier.Worker;
using Microsoft.Extensions.Time.Testing;

namespace Messaging.Notifier.Tests;

public sealed class HeartbeatsTests
{
    [Fact]
    public void A_loop_that_stops_going_round_turns_stale_and_a_quiet_one_does_not()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 2, 0, 0, TimeSpan.Zero));
        var beats = new Heartbeats(time);
        beats.Beat("quiet", TimeSpan.FromSeconds(15));
        beats.Beat("stuck", TimeSpan.FromSeconds(15));
        // Three idle rounds and the grace: still fine.
        time.Advance(TimeSpan.FromSeconds(3 * 15 + 30));
        Assert.All(beats.Read(), b => Assert.False(b.Stale));
        beats.Beat("quiet", TimeSpan.FromSeconds(15));
        time.Advance(TimeSpan.FromSeconds(1));
        var read = beats.Read().ToDictionary(b => b.Loop, b => b.Stale);
        Assert.False(read["quiet"]);
        Assert.True(read["stuck"]);
    }
}
