using System.Diagnostics;

namespace Messaging.Bench;

public sealed record BenchArgs(string Provider, int Attempts, int Concurrency)
{
    /// <summary>A comma-separated list of numbers after the flag ("--conversations 1,16,64"), or null when absent.</summary>
    public static IReadOnlyList<int>? List(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1].Split(',').Select(int.Parse).ToList() : null;
    }

    /// <summary>One number after the flag, or null when absent.</summary>
    public static int? Int(string[] args, string name) => List(args, name)?.FirstOrDefault();

    public static BenchArgs Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        return new BenchArgs(Get("--provider", "both"), int.Parse(Get("--attempts", "2000")), int.Parse(Get("--concurrency", "16")));
    }
}

/// <summary>Throughput and latency percentiles of a batch of timed operations run by N concurrent workers.</summary>
public static class Measure
{
    public sealed record Result(string Name, int Operations, int Succeeded, double Seconds, double P50Ms, double P99Ms)
    {
        public double PerSecond => Operations / Seconds;
        public override string ToString() =>
            $"| {Name} | {Operations} | {Succeeded} | {PerSecond:F0} | {P50Ms:F2} | {P99Ms:F2} |";
    }

    public static async Task<Result> RunAsync(string name, int operations, int concurrency, Func<int, Task<bool>> op)
    {
        var latencies = new double[operations];
        var succeeded = 0;
        var next = -1;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < operations)
            {
                var sw = Stopwatch.StartNew();
                if (await op(i)) Interlocked.Increment(ref succeeded);
                latencies[i] = sw.Elapsed.TotalMilliseconds;
            }
        })));
        total.Stop();
        Array.Sort(latencies);
        return new Result(name, operations, succeeded, total.Elapsed.TotalSeconds,
            latencies[(int)(operations * 0.50)], latencies[Math.Min(operations - 1, (int)(operations * 0.99))]);
    }

    public const string Header = "| scenario | operations | succeeded | ops/s | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|---:|";
}
