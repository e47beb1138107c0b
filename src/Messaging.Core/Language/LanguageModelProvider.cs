using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Messaging.Language;
using Messaging.Language.Intents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Messaging.Core.Language;

/// <summary>
/// Holds the language model, trained at start from `dialogs/intents` with the knowledge base and the office
/// directory as gazetteers. <see cref="RebuildAsync"/> swaps in a new model when offices change.
/// </summary>
public sealed class LanguageModelProvider(IOptions<MessagingOptions> messaging, IOptions<LanguageOptions> language,
    ProcedureCatalog catalog)
{
    private volatile LanguageModel? _model;

    public LanguageModel Model => _model ?? throw new InvalidOperationException("The language model is built at start; call RebuildAsync first.");

    public LanguageOptions Options => language.Value;

    public async Task RebuildAsync(MessagingDbContext db, CancellationToken ct)
    {
        var offices = await db.Offices.AsNoTracking().ToListAsync(ct);
        var examples = IntentData.LoadTraining(Path.Combine(messaging.Value.ResolveDialogs(), "intents"));
        _model = LanguageModel.Build(examples, KnowledgeGazetteers.Procedures(catalog), KnowledgeGazetteers.Offices(offices),
            language.Value);
    }
}
