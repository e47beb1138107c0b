using Messaging.Core.Language;
using Messaging.Core.Procedures;
using Messaging.Core.Seeding;
using Messaging.Language.Entities;
using Messaging.Language.Intents;
using Messaging.Testing;

namespace Messaging.Language.Tests;

/// <summary>The model as the server builds it, from the repository's training files and gazetteers; built once.</summary>
public static class Model
{
    /// <summary>Monday 23 November 2026, 09:00 in Vietnam.</summary>
    public static readonly DateTimeOffset Monday = new(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(7));

    private static readonly Lazy<LanguageModel> Shared = new(() =>
    {
        var catalog = ProcedureCatalog.LoadDirectory(Path.Combine(RepoPaths.Dialogs, "procedures"));
        return KnowledgeGazetteers.BuildModel(IntentData.LoadTraining(Path.Combine(RepoPaths.Dialogs, "intents")), catalog, DemoData.Offices());
    });

    public static LanguageModel Instance => Shared.Value;

    public static ParseResult Parse(string text, DateTimeOffset? at = null) => Instance.Parse(text, at ?? Monday);

    public static IReadOnlyList<string> Values(string text, string type, DateTimeOffset? at = null) =>
        Parse(text, at).Entities.Where(e => e.Type == type).Select(e => e.Value).ToList();

    public static string? Single(string text, string type, DateTimeOffset? at = null) =>
        Values(text, type, at) is [var v] ? v : null;

    public static Entity Entity(string text, string type) => Parse(text).Entities.Single(e => e.Type == type);
}
