using System.Text.Json;
using Messaging.Core.Templates;
using Messaging.Testing;
using Microsoft.Extensions.Options;

namespace Messaging.Core.Tests.Templates;

/// <summary>
/// Every shipped template variant, rendered against its sample model, must equal its checked-in output under
/// `tests/golden/templates/{key}/{variant}.txt`. Adding a template adds files, not code. After an intended wording
/// change, regenerate with UPDATE_GOLDEN=1 and review the diff.
/// </summary>
public sealed class GoldenTemplateTests
{
    private static readonly IReadOnlyList<TemplateDefinition> Shipped = TemplateFiles.LoadDirectory(RepoPaths.Templates);
    private static readonly TemplateValidator Validator = new(new TemplateRenderer(), Options.Create(new TemplateChannelOptions()));
    private static readonly string GoldenRoot = Path.Combine(RepoPaths.Root, "tests", "golden", "templates");

    public static TheoryData<string> Keys()
    {
        var data = new TheoryData<string>();
        foreach (var t in Shipped) data.Add(t.Key);
        return data;
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task Shipped_template_is_valid_and_renders_to_its_golden_output(string key)
    {
        var definition = Shipped.Single(t => t.Key == key);
        var report = await Validator.ValidateAsync(definition, default);
        Assert.True(report.IsValid, string.Join("\n", report.Errors));
        Assert.Equal(definition.Variants.Count, report.Previews.Count);

        var update = Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1";
        foreach (var preview in report.Previews)
        {
            var path = Path.Combine(GoldenRoot, key, preview.Variant + ".txt");
            var actual = preview.Text + (preview.Sms is { } sms ? $"\n---\n{sms.Encoding}, {sms.Units} units, {sms.Segments} part(s)\n" : "\n");
            if (update)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, actual);
            }
            Assert.True(File.Exists(path), $"no golden file {path}: run with UPDATE_GOLDEN=1 and review it");
            Assert.Equal(await File.ReadAllTextAsync(path), actual);
        }
    }

    [Fact]
    public void Every_notification_the_notifier_sends_has_a_vietnamese_and_an_english_variant()
    {
        string[] required =
        [
            "notify/booking.confirmed", "notify/booking.reminder-day-before", "notify/booking.reminder-soon",
            "notify/booking.cancelled", "notify/booking.rescheduled", "notify/session.changed", "notify/session.cancelled",
            "notify/dossier.received", "notify/dossier.processing", "notify/dossier.needs-supplement",
            "notify/dossier.ready-for-pickup", "notify/dossier.returned", "notify/dossier.rejected", "notify/broadcast",
            "notify/queue.turn-near",
        ];
        foreach (var key in required)
        {
            var t = Shipped.SingleOrDefault(x => x.Key == key);
            Assert.True(t is not null, key);
            foreach (var channel in new[] { "sms", "zalo", "email.subject", "email.html", "email.text" })
            {
                Assert.Contains($"vi.{channel}", t.Variants.Keys);
                Assert.Contains($"en.{channel}", t.Variants.Keys);
            }
            Assert.Contains("vi.zns", t.Variants.Keys);
            JsonDocument.Parse(t.SampleModelJson);
        }
    }
}
