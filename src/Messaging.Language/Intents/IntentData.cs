using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Messaging.Language.Intents;

/// <summary>A held-out evaluation case: the text, its intent, and the entities a careful reader finds in it.</summary>
public sealed record EvaluationCase(string Text, string Intent, IReadOnlyDictionary<string, IReadOnlyList<string>> Entities);

public sealed record EvaluationSet(DateTimeOffset ReferenceTime, IReadOnlyList<EvaluationCase> Cases);

/// <summary>Loads `dialogs/intents/*.yml` (one intent per file) and the held-out `test.yml`.</summary>
public static class IntentData
{
    public const string TestFile = "test.yml";

    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance).Build();

    private sealed class IntentFile
    {
        public string Intent { get; set; } = "";
        public List<string> Examples { get; set; } = [];
    }

    private sealed class TestFileModel
    {
        public string ReferenceTime { get; set; } = "";
        public List<TestCaseModel> Cases { get; set; } = [];
    }

    private sealed class TestCaseModel
    {
        public string Text { get; set; } = "";
        public string Intent { get; set; } = "";
        public Dictionary<string, object>? Entities { get; set; }
    }

    /// <summary>Every training example; the test file is never read here.</summary>
    public static IReadOnlyList<IntentExample> LoadTraining(string directory)
    {
        var examples = new List<IntentExample>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.yml").Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(file) == TestFile) continue;
            var model = Read<IntentFile>(file);
            if (!IntentNames.All.Contains(model.Intent))
                throw new InvalidDataException($"{Path.GetFileName(file)}: intent: '{model.Intent}' is not one of {string.Join(", ", IntentNames.All)}.");
            if (model.Examples.Count == 0)
                throw new InvalidDataException($"{Path.GetFileName(file)}: examples: at least one example is required.");
            examples.AddRange(model.Examples.Select(e => new IntentExample(e, model.Intent)));
        }
        return examples;
    }

    public static EvaluationSet LoadTest(string directory) => LoadSet(Path.Combine(directory, TestFile));

    /// <summary>A held-out set in the test file's shape (reference_time, cases): test.yml or a realistic set under dialogs/eval.</summary>
    public static EvaluationSet LoadSet(string path)
    {
        var model = Read<TestFileModel>(path);
        var reference = DateTimeOffset.Parse(model.ReferenceTime, System.Globalization.CultureInfo.InvariantCulture);
        var cases = model.Cases.Select(c => new EvaluationCase(c.Text, c.Intent,
            (c.Entities ?? []).ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)(kv.Value is List<object> list
                ? list.Select(x => x.ToString()!).ToList()
                : [kv.Value.ToString()!])))).ToList();
        return new EvaluationSet(reference, cases);
    }

    private static T Read<T>(string path)
    {
        try
        {
            return Yaml.Deserialize<T>(File.ReadAllText(path));
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: line {e.Start.Line}, column {e.Start.Column}: {e.InnerException?.Message ?? e.Message}", e);
        }
    }
}
