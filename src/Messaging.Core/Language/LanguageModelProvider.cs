using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Messaging.Language;
using Messaging.Language.Intents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Messaging.Core.Language;

/// <summary>What one retraining did: the held-out intent accuracy before and after, and whether the new model went in.</summary>
public sealed record RetrainResult(DateTimeOffset At, int LabelledExamples, double CurrentAccuracy, double CandidateAccuracy, bool Swapped,
    IReadOnlyList<(string Set, double Current, double Candidate)> PerSet);

/// <summary>
/// Holds the language model, trained at start from `dialogs/intents` plus the examples admins labelled, with the
/// knowledge base and the office directory as gazetteers. <see cref="RetrainAsync"/> builds a candidate in the
/// background and swaps it in only when it does at least as well on every held-out set together (test.yml and
/// dialogs/eval): a careless label cannot make the bot worse.
/// </summary>
public sealed class LanguageModelProvider(IOptions<MessagingOptions> messaging, IOptions<LanguageOptions> language,
    ProcedureCatalog catalog, TimeProvider time)
{
    private volatile LanguageModel? _model;
    private readonly SemaphoreSlim _training = new(1, 1);

    public LanguageModel Model => _model ?? throw new InvalidOperationException("The language model is built at start; call RebuildAsync first.");

    public LanguageOptions Options => language.Value;

    /// <summary>How many labelled examples the model in use was trained with.</summary>
    public int LabelledInModel { get; private set; }

    public RetrainResult? LastRetrain { get; private set; }

    public async Task RebuildAsync(MessagingDbContext db, CancellationToken ct)
    {
        var (model, labelled) = await BuildAsync(db, ct);
        _model = model;
        LabelledInModel = labelled;
    }

    public async Task<RetrainResult> RetrainAsync(MessagingDbContext db, CancellationToken ct)
    {
        await _training.WaitAsync(ct);
        try
        {
            var (candidate, labelled) = await BuildAsync(db, ct);
            var current = Model;
            var perSet = HeldOutSets().Select(s => (s.Name,
                Evaluation.Run(current, s.Set).IntentAccuracy, Evaluation.Run(candidate, s.Set).IntentAccuracy)).ToList();
            var cases = HeldOutSets().Sum(s => s.Set.Cases.Count);
            double Weighted(Func<(string, double Current, double Candidate), double> pick) =>
                cases == 0 ? 0 : perSet.Zip(HeldOutSets()).Sum(x => pick(x.First) * x.Second.Set.Cases.Count) / cases;
            var before = Weighted(x => x.Current);
            var after = Weighted(x => x.Candidate);
            var swap = after >= before;
            if (swap)
            {
                _model = candidate;
                LabelledInModel = labelled;
            }
            return LastRetrain = new RetrainResult(time.GetUtcNow(), labelled, before, after, swap, perSet);
        }
        finally
        {
            _training.Release();
        }
    }

    private async Task<(LanguageModel Model, int Labelled)> BuildAsync(MessagingDbContext db, CancellationToken ct)
    {
        var offices = await db.Offices.AsNoTracking().ToListAsync(ct);
        var labelled = await new LanguageReviews(db, time, catalog).LabelledExamplesAsync(ct);
        var examples = IntentData.LoadTraining(Path.Combine(messaging.Value.ResolveDialogs(), "intents")).Concat(labelled).ToList();
        // Training is CPU work of about a second: off the request thread.
        var model = await Task.Run(() => KnowledgeGazetteers.BuildModel(examples, catalog, offices, language.Value), ct);
        return (model, labelled.Count);
    }

    private List<(string Name, EvaluationSet Set)>? _heldOut;

    /// <summary>The held-out sets shipped with the dialogs: never trained on, the yardstick for a new model.</summary>
    public IReadOnlyList<(string Name, EvaluationSet Set)> HeldOutSets()
    {
        if (_heldOut is not null) return _heldOut;
        var dialogs = messaging.Value.ResolveDialogs();
        var files = new[] { Path.Combine(dialogs, "intents", IntentData.TestFile) }
            .Concat(Directory.Exists(Path.Combine(dialogs, "eval")) ? Directory.EnumerateFiles(Path.Combine(dialogs, "eval"), "*.yml").Order(StringComparer.Ordinal) : [])
            .Where(File.Exists);
        return _heldOut = files.Select(f => (Path.GetFileNameWithoutExtension(f), IntentData.LoadSet(f))).ToList();
    }
}
