using Messaging.Testing;

namespace Messaging.Bench;

/// <summary>
/// `chaos`: PostgreSQL, Azurite, an eSMS-style gateway, two web and three worker processes of the real server; bookings,
/// moves, cancellations, a broadcast and reminders falling due while a random worker is killed (SIGKILL) every few
/// seconds and started again. Prints `N notifications, L lost, D duplicated, S stale` and fails unless all three are 0.
/// </summary>
public static class ChaosBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new ChaosOptions(
            Bookings: BenchArgs.Int(args, "--bookings") ?? 150,
            WebNodes: BenchArgs.Int(args, "--web") ?? 2,
            Workers: BenchArgs.Int(args, "--workers") ?? 3,
            Chaos: TimeSpan.FromSeconds(BenchArgs.Int(args, "--seconds") ?? 60),
            KillEvery: TimeSpan.FromSeconds(BenchArgs.Int(args, "--kill-every") ?? 3),
            Seed: BenchArgs.Int(args, "--seed") ?? 2026);
        Console.WriteLine($"chaos: {options.Bookings} bookings, {options.WebNodes} web and {options.Workers} worker processes, " +
            $"{options.ChaosTime.TotalSeconds:F0} s with a worker killed every {options.KillInterval.TotalSeconds:F0} s; " +
            $"{Environment.ProcessorCount} cores");
        var report = await ChaosRun.RunAsync(options, line => Console.WriteLine("  " + line));
        foreach (var p in report.Problems.Take(20)) Console.WriteLine("  ! " + p);
        Console.WriteLine(report);
        return report.Clean ? 0 : 1;
    }
}
