using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Messaging.Core.Templates;
using Messaging.Testing;

namespace Messaging.Bench;

/// <summary>
/// Cached renders per second of a typical reminder (the Vietnamese Zalo variant of the day-before reminder) on one
/// thread, the cost of a first render (parse and compile included), and string.Format of the same text as baseline.
/// </summary>
public static class TemplateBench
{
    public static async Task RunAsync(int iterations)
    {
        const string key = "notify/booking.reminder-day-before";
        var definition = TemplateFiles.LoadDirectory(RepoPaths.Templates).Single(t => t.Key == key);
        var source = definition.Variants["vi.zalo"];
        var model = JsonDocument.Parse(definition.SampleModelJson).RootElement;
        var renderer = new TemplateRenderer();
        var expected = renderer.Render("vi.zalo", source, model, "vi").TrimEnd();

        // The same text with string.Format: the floor any template engine is compared with.
        const string format = "⏰ Nhắc lịch hẹn ngày mai\n{0} lúc {1}, {2}\n📍 {3} – {4}\nMã lịch hẹn: {5} · Số thứ tự: {6}\nNếu không đến được, vui lòng nhắn \"hủy lịch\" để nhường chỗ cho người khác.";
        var b = model.GetProperty("booking");
        var o = model.GetProperty("office");
        // The baseline does the same work per message: read the values and format the date and time.
        string Format()
        {
            var start = DateTimeOffset.Parse(b.GetProperty("start").GetString()!, CultureInfo.InvariantCulture).ToOffset(TimeSpan.FromHours(7));
            return string.Format(CultureInfo.InvariantCulture, format, b.GetProperty("procedure").GetString(),
                start.ToString("HH:mm", CultureInfo.InvariantCulture), TemplateRenderer.LongDate(b.GetProperty("start").GetString(), "vi"),
                o.GetProperty("name").GetString(), o.GetProperty("address").GetString(), b.GetProperty("code").GetString(),
                b.GetProperty("queue_number").GetInt64());
        }
        if (Format() != expected) throw new InvalidOperationException("the baseline does not produce the same text:\n" + Format() + "\n---\n" + expected);

        Console.WriteLine("| what | calls | calls/s | p50 µs | p99 µs |\n|---|---:|---:|---:|---:|");
        Run("string.Format of the same text (baseline)", iterations, () => Format());
        Run("cached template render (model from JSON, helpers)", iterations, () => renderer.Render("vi.zalo", source, model, "vi"));
        var first = 200;
        Run("first render: parse + compile + render", first, () => new TemplateRenderer().Render("vi.zalo", source, model, "vi"));
        await Task.CompletedTask;
    }

    private static void Run(string name, int iterations, Func<string> op)
    {
        // Warm up for a second so tiered compilation has settled before anything is timed.
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < TimeSpan.FromSeconds(1)) op();
        var latencies = new double[iterations];
        var total = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            op();
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        total.Stop();
        Array.Sort(latencies);
        Console.WriteLine($"| {name} | {iterations} | {iterations / total.Elapsed.TotalSeconds:F0} | {latencies[iterations / 2]:F1} | {latencies[Math.Min(iterations - 1, (int)(iterations * 0.99))]:F1} |");
    }
}
