using Messaging.Core.Language;
using Messaging.Core.Procedures;
using Messaging.Core.Seeding;
using Messaging.Language.Intents;
using Messaging.Testing;

namespace Messaging.Language.Tests;

internal static class LanguageModelFactoryForTests
{
    /// <summary>A second model built from the same files the way every host builds it (gazetteers, refinements, descriptions).</summary>
    public static LanguageModel Build() => KnowledgeGazetteers.BuildModel(
        IntentData.LoadTraining(Path.Combine(RepoPaths.Dialogs, "intents")),
        ProcedureCatalog.LoadDirectory(Path.Combine(RepoPaths.Dialogs, "procedures")), DemoData.Offices());
}
