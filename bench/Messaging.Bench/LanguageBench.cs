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
        return LanguageModel.Build(IntentData.LoadTraining(Path.Combine(RepoPaths.Dialogs, "intents")),
            KnowledgeGazetteers.Procedures(catalog), KnowledgeGazetteers.Offices(DemoData.Offices()));
    }

    public static void Evaluate()
    {
        var model = BuildModel();
        var set = IntentData.LoadTest(Path.Combine(RepoPaths.Dialogs, "intents"));
        Console.Write(Evaluation.Run(model, set).ToText());
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
            foreach (var e in r.Entities) Console.WriteLine($"  {e.Type} = {e.Value} [{text[e.Start..e.End]}] {e.Detail}");
            foreach (var (f, w) in model.Explain(text, r.Ranking[0].Name, now).Take(8)) Console.WriteLine($"    {f}: {w:F2}");
        }
    }
}
