using Messaging.Core.Language;
using Messaging.Core.Procedures;
using Messaging.Core.Seeding;
using Messaging.Language;
using Messaging.Language.Intents;
using Messaging.Testing;

namespace Messaging.Bench;

/// <summary>The language model built exactly as the server builds it, from the repository's files.</summary>
public static class LanguageBench
{
    public static LanguageModel BuildModel()
    {
        var catalog = ProcedureCatalog.LoadDirectory(Path.Combine(RepoPaths.Dialogs, "procedures"));
        return KnowledgeGazetteers.BuildModel(IntentData.LoadTraining(Path.Combine(RepoPaths.Dialogs, "intents")), catalog, DemoData.Offices());
    }

    /// <summary>The held-out sets: the project's own test set and the three realistic sets nobody trained on.</summary>
    public static IReadOnlyList<(string Name, string Path)> HeldOutSets =>
    [
        ("test.yml (project held-out)", Path.Combine(RepoPaths.Dialogs, "intents", IntentData.TestFile)),
        ("realistic-a (Zalo chat style)", Path.Combine(RepoPaths.Dialogs, "eval", "realistic-a.yml")),
        ("realistic-b (portal Q&A style)", Path.Combine(RepoPaths.Dialogs, "eval", "realistic-b.yml")),
        ("realistic-c (mixed, written after the model)", Path.Combine(RepoPaths.Dialogs, "eval", "realistic-c.yml")),
        ("realistic-d (mixed, written 2026-12-03)", Path.Combine(RepoPaths.Dialogs, "eval", "realistic-d.yml")),
        ("realistic-e (mixed, written after the last change)", Path.Combine(RepoPaths.Dialogs, "eval", "realistic-e.yml")),
        ("realistic-f (entity-heavy, development set)", Path.Combine(RepoPaths.Dialogs, "eval", "realistic-f.yml")),
        ("realistic-g (new styles, development set after its first score)", Path.Combine(RepoPaths.Dialogs, "eval", "realistic-g.yml")),
        ("realistic-h (an ordinary week's inbox)", Path.Combine(RepoPaths.Dialogs, "eval", "realistic-h.yml")),
        ("realistic-i (a month after a mobile campaign, development set after its first score)", Path.Combine(RepoPaths.Dialogs, "eval", "realistic-i.yml")),
        ("realistic-j (the weeks before Tết, development set after its first score)", Path.Combine(RepoPaths.Dialogs, "eval", "realistic-j.yml")),
        ("realistic-k (mid-summer 2027, development set after its first score)", Path.Combine(RepoPaths.Dialogs, "eval", "realistic-k.yml")),
        ("realistic-l (the week after the October 2027 flood, development set after its first score)", Path.Combine(RepoPaths.Dialogs, "eval", "realistic-l.yml")),
        ("realistic-m (the weeks after Tết 2028, errors unread)", Path.Combine(RepoPaths.Dialogs, "eval", "realistic-m.yml")),
    ];

    /// <summary>A summary row per held-out set, then (with --verbose) every confusion and entity error.</summary>
    public static void Evaluate(bool verbose)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var model = BuildModel();
        Console.WriteLine($"model built in {clock.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine("| set | cases | intent accuracy | entity accuracy |\n|---|---:|---:|---:|");
        var reports = HeldOutSets.Select(s => (s.Name, Report: Evaluation.Run(model, IntentData.LoadSet(s.Path)))).ToList();
        foreach (var (name, r) in reports) Console.WriteLine($"| {name} | {r.Cases} | {r.IntentAccuracy:P1} | {r.OverallEntityAccuracy:P1} |");
        if (!verbose) return;
        foreach (var (name, r) in reports) Console.Write($"\n== {name}\n" + r.ToText());
    }

    /// <summary>
    /// Every word typed without spaces that the model would split or respell, in the training examples and in the sets named (paths):
    /// how a change to the lexicon is reviewed. Name only sets whose messages may be read.
    /// </summary>
    public static void Splits(string[] setPaths)
    {
        var model = BuildModel();
        var texts = IntentData.LoadTraining(Path.Combine(RepoPaths.Dialogs, "intents")).Select(e => ("training", e.Text))
            .Concat(setPaths.SelectMany(p => IntentData.LoadSet(p).Cases.Select(c => (Path.GetFileName(p), c.Text))));
        foreach (var (source, text) in texts)
        {
            var plain = Messaging.Language.Text.Normalizer.Normalize(text).Tokens;
            var read = Messaging.Language.Text.Normalizer.Normalize(text, model.Lexicon).Tokens;
            foreach (var t in plain)
            {
                var pieces = read.Where(x => x.Start >= t.Start && x.End <= t.End).Select(x => x.Folded).ToList();
                if (pieces is not [var one] || one != t.Folded) Console.WriteLine($"{source}: {t.Folded} -> {string.Join(' ', pieces)}  | {text}");
            }
        }
    }

    /// <summary>Prints the ranking, entities and the features behind the top intent for each text.</summary>
    public static void Explain(string[] texts)
    {
        var model = BuildModel();
        var now = DateTimeOffset.Now;
        foreach (var text in texts)
        {
            var r = model.Parse(text, now);
            Console.WriteLine($"{text}\n  {string.Join(", ", r.Ranking.Take(4).Select(x => $"{x.Name} {x.Confidence:F2}"))}");
            if (r.Doubts.Count > 0) Console.WriteLine($"  doubts (the bot asks): {string.Join(" or ", r.Doubts.Select(d => d.Name))}");
            foreach (var e in r.Entities) Console.WriteLine($"  {e.Type} = {e.Value} [{text[e.Start..e.End]}] {e.Detail}");
            foreach (var (f, w) in model.Explain(text, r.Ranking[0].Name, now).Take(8)) Console.WriteLine($"    {f}: {w:F2}");
        }
    }

    // Twenty-word messages of the kinds citizens send, with and without diacritics.
    private static readonly string[] Messages =
    [
        "chào anh chị, cho em đặt lịch làm căn cước ở xã Tịnh Hà vào sáng thứ 6 tuần sau lúc 8h30 nhé",
        "dat lich doi cccd o phuong cam thanh chieu mai 2h, ten Nguyen Van An, so dien thoai 0912 345 678 a",
        "hồ sơ 000.00.12.H55-240930-0101 của tôi nộp hôm thứ 2 tuần trước đến giờ đã xong chưa vậy các anh chị",
        "toi muon hoi lam ho chieu gan chip can mang nhung giay to gi va phi het bao nhieu tien vay a",
    ];

    /// <summary>Parses per second on one thread and latency percentiles, with the normalizer alone as the baseline.</summary>
    public static void Throughput(int iterations)
    {
        var model = BuildModel();
        var now = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(7));
        Console.WriteLine($"words per message: {string.Join(", ", Messages.Select(m => Messaging.Language.Text.Normalizer.Normalize(m).Tokens.Count))}");
        Console.WriteLine("| stage | calls | calls/s | p50 µs | p99 µs | max µs |\n|---|---:|---:|---:|---:|---:|");
        Run("normalizer alone (baseline)", iterations, i => Messaging.Language.Text.Normalizer.Normalize(Messages[i % Messages.Length]));
        Run("normalizer with the lexicon", iterations, i => Messaging.Language.Text.Normalizer.Normalize(Messages[i % Messages.Length], model.Lexicon));
        Run("full parse (normalize, entities, intent)", iterations, i => model.Parse(Messages[i % Messages.Length], now));
    }

    private static void Run(string name, int iterations, Func<int, object> op)
    {
        // Warm up for a second so tiered compilation has settled before anything is timed.
        var warm = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; warm.Elapsed < TimeSpan.FromSeconds(1); i++) op(i);
        var latencies = new double[iterations];
        var total = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            op(i);
            latencies[i] = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        total.Stop();
        Array.Sort(latencies);
        Console.WriteLine($"| {name} | {iterations} | {iterations / total.Elapsed.TotalSeconds:F0} | {latencies[iterations / 2]:F1} | {latencies[(int)(iterations * 0.99)]:F1} | {latencies[^1]:F1} |");
    }
}
