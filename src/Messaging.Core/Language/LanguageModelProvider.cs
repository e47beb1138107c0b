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
/// background and swaps it in only when it does as well, within retraining noise, on every held-out set together (test.yml and
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
            // The model in use is scored once, not on every retrain: its figures cannot change.
            if (!ReferenceEquals(_scored.Model, current)) _scored = (current, Scores(current));
            var candidateScores = Scores(candidate);
            var perSet = HeldOutSets().Select((s, i) => (s.Name, _scored.Scores[i], candidateScores[i])).ToList();
            var before = Weighted(_scored.Scores);
            var after = Weighted(candidateScores);
            var swap = after >= before - language.Value.RetrainTolerance;
            if (swap)
            {
                _model = candidate;
                _scored = (candidate, candidateScores);
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

    private (LanguageModel? Model, double[] Scores) _scored = (null, []);

    private double[] Scores(LanguageModel model) => HeldOutSets().Select(s => Evaluation.Run(model, s.Set).IntentAccuracy).ToArray();

    /// <summary>Intent accuracy over all held-out cases together (each set weighted by its size).</summary>
    private double Weighted(double[] scores)
    {
        var sets = HeldOutSets();
        var cases = sets.Sum(s => s.Set.Cases.Count);
        return cases == 0 ? 0 : sets.Select((s, i) => scores[i] * s.Set.Cases.Count).Sum() / cases;
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
