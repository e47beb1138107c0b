using Messaging.Core.Language;
using Messaging.Core.Persistence;

namespace Messaging.Server.Learning;

/// <summary>
/// Retrains the language model in the background when an admin labels a message (at once) or another node did (found
/// within a minute), and swaps it in without a restart when it scores no worse on the held-out sets.
/// </summary>
public sealed class LanguageRetrainer(IServiceScopeFactory scopes, LanguageModelProvider provider, ILogger<LanguageRetrainer> log) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _signal = new(0, 1);
    // The labelled count last trained on, kept or refused: a refused model is not rebuilt every minute.
    private int _lastTried = -1;

    public void Request()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already requested.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        _lastTried = provider.LabelledInModel;
        while (!ct.IsCancellationRequested)
        {
            bool asked;
            try
            {
                asked = await _signal.WaitAsync(Poll, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
                var labelled = await scope.ServiceProvider.GetRequiredService<LanguageReviews>().LabelledCountAsync(ct);
                if (!asked && labelled == _lastTried) continue;
                _lastTried = labelled;
                var result = await provider.RetrainAsync(db, ct);
                log.LanguageModelRetrained(result.LabelledExamples, result.CurrentAccuracy, result.CandidateAccuracy,
                    result.Swapped ? "swapped in" : "kept the old model");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.RetrainingFailed(e);
            }
        }
    }
}
