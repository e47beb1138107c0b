using Messaging.Bench;

// dotnet run -c Release --project bench/Messaging.Bench -- bookings [--provider sqlite|postgres|both] [--attempts N] [--concurrency N]
// dotnet run -c Release --project bench/Messaging.Bench -- chaos [--bookings N] [--web N] [--workers N] [--seconds N] [--kill-every N]
var command = args.FirstOrDefault() ?? "help";
var opts = BenchArgs.Parse(args.Skip(1).ToArray());
switch (command)
{
    case "bookings":
        await BookingBench.RunAsync(opts);
        break;
    case "eval":
        LanguageBench.Evaluate(args.Contains("--verbose"));
        break;
    case "parse-bench":
        LanguageBench.Throughput(opts.Attempts);
        break;
    case "templates":
        await TemplateBench.RunAsync(opts.Attempts);
        break;
    case "turns":
        await TurnBench.RunAsync(opts.Attempts, BenchArgs.List(args, "--conversations"));
        break;
    case "notify":
        await NotifierBench.RunAsync(opts.Attempts, opts.Concurrency);
        break;
    case "email":
        await EmailBench.RunAsync(opts.Attempts, opts.Concurrency);
        break;
    case "chaos":
        return await ChaosBench.RunAsync(args.Skip(1).ToArray());
    case "splits":
        LanguageBench.Splits(args.Skip(1).ToArray());
        break;
    case "parse":
        LanguageBench.Explain(args.Skip(1).ToArray());
        break;
    default:
        Console.WriteLine("usage: Messaging.Bench bookings [--provider sqlite|postgres|both] [--attempts N] [--concurrency N]");
        return 2;
}
return 0;
