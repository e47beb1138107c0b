using Messaging.Core.Language;
using Messaging.Core.Procedures;
using Messaging.Core.Seeding;
using Messaging.Language.Intents;
using Messaging.Testing;

namespace Messaging.Language.Tests;

internal static class LanguageModelFactoryForTests
{
    public static LanguageModel Build() => LanguageModel.Build(
        IntentData.LoadTraining(Path.Combine(RepoPaths.Dialogs, "intents")),
        KnowledgeGazetteers.Procedures(ProcedureCatalog.LoadDirectory(Path.Combine(RepoPaths.Dialogs, "procedures"))),
        KnowledgeGazetteers.Offices(DemoData.Offices()));
}
