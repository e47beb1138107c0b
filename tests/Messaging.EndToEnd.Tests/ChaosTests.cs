using Messaging.Testing;
using Xunit.Abstractions;

namespace Messaging.EndToEnd.Tests;

/// <summary>
/// The chaos run, short: real server processes on PostgreSQL and Azurite, workers killed with SIGKILL while citizens
/// book, move and cancel, a broadcast goes out and reminders fall due. Nothing may be lost, doubled or stale. The full
/// run is `dotnet run -c Release --project bench/Messaging.Bench -- chaos` (docs/BENCHMARKS.md).
/// </summary>
public sealed class ChaosTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Workers_killed_mid_flight_lose_no_notification_send_none_twice_and_none_stale()
    {
        var report = await ChaosRun.RunAsync(new ChaosOptions(Bookings: 40, WebNodes: 1, Workers: 2, Chaos: TimeSpan.FromSeconds(25),
            KillEvery: TimeSpan.FromSeconds(4)), output.WriteLine);
        output.WriteLine(report.ToString());

        Assert.True(report.Clean, report + "\n" + string.Join("\n", report.Problems));
        // On a loaded CI machine a restart can take longer than the kill interval; one kill mid-flight is the point.
        Assert.True(report.Kills >= 2, $"{report.Kills} kills");
        Assert.True(report.Sent >= 40, report.ToString());
    }
}
