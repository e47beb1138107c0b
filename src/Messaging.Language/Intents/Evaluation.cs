using System.Text;
using Messaging.Language.Entities;

namespace Messaging.Language.Intents;

/// <summary>Intent accuracy, per-intent precision and recall, confusions and per-type entity accuracy on a held-out set.</summary>
public sealed record EvaluationReport(
    int Cases,
    double IntentAccuracy,
    IReadOnlyDictionary<string, (double Precision, double Recall, int Support)> PerIntent,
    IReadOnlyList<(string Expected, string Actual, string Text)> Confusions,
    IReadOnlyDictionary<string, (int Correct, int Total)> EntityAccuracy,
    IReadOnlyList<(string Type, string Text, string Expected, string Actual)> EntityErrors)
{
    public double OverallEntityAccuracy =>
        EntityAccuracy.Values.Sum(v => v.Total) == 0 ? 1
        : (double)EntityAccuracy.Values.Sum(v => v.Correct) / EntityAccuracy.Values.Sum(v => v.Total);

    public string ToText()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"cases: {Cases}");
        sb.AppendLine($"intent accuracy: {IntentAccuracy:P1}");
        sb.AppendLine("intent | precision | recall | support");
        foreach (var (intent, (p, r, n)) in PerIntent.OrderBy(x => x.Key, StringComparer.Ordinal))
            sb.AppendLine($"{intent} | {p:P1} | {r:P1} | {n}");
        sb.AppendLine($"confusions ({Confusions.Count}):");
        foreach (var (e, a, t) in Confusions) sb.AppendLine($"  {e} -> {a}: {t}");
        sb.AppendLine($"entity accuracy: {OverallEntityAccuracy:P1}");
        sb.AppendLine("entity | correct | total | accuracy");
        foreach (var (type, (c, n)) in EntityAccuracy.OrderBy(x => x.Key, StringComparer.Ordinal))
            sb.AppendLine($"{type} | {c} | {n} | {(n == 0 ? 1 : (double)c / n):P1}");
        sb.AppendLine($"entity errors ({EntityErrors.Count}):");
        foreach (var (type, text, e, a) in EntityErrors) sb.AppendLine($"  {type}: expected [{e}] got [{a}]: {text}");
        return sb.ToString();
    }
}

public static class Evaluation
{
    /// <summary>
    /// An entity type counts once per case where either side has it: correct when the found values equal the expected
    /// ones exactly, so a spurious entity costs as much as a missed one.
    /// </summary>
    public static EvaluationReport Run(LanguageModel model, EvaluationSet set)
    {
        var confusions = new List<(string, string, string)>();
        var entityStats = new Dictionary<string, (int Correct, int Total)>();
        var entityErrors = new List<(string, string, string, string)>();
        var predicted = new List<(string Expected, string Actual)>();
        foreach (var c in set.Cases)
        {
            var result = model.Parse(c.Text, set.ReferenceTime);
            predicted.Add((c.Intent, result.Intent.Name));
            if (result.Intent.Name != c.Intent) confusions.Add((c.Intent, result.Intent.Name, c.Text));

            // Sets, as the summary says: a procedure named twice in one message is still one procedure.
            var found = result.Entities.GroupBy(e => e.Type).ToDictionary(g => g.Key, g => g.Select(e => e.Value).Distinct().Order(StringComparer.Ordinal).ToList());
            foreach (var type in found.Keys.Union(c.Entities.Keys).Where(EntityTypes.All.Contains))
            {
                var expected = c.Entities.TryGetValue(type, out var ev) ? ev.Distinct().Order(StringComparer.Ordinal).ToList() : [];
                var actual = found.TryGetValue(type, out var av) ? av : [];
                var ok = expected.SequenceEqual(actual);
                entityStats.TryGetValue(type, out var s);
                entityStats[type] = (s.Correct + (ok ? 1 : 0), s.Total + 1);
                if (!ok) entityErrors.Add((type, c.Text, string.Join(", ", expected), string.Join(", ", actual)));
            }
        }
        var perIntent = predicted.Select(p => p.Expected).Union(predicted.Select(p => p.Actual)).Distinct().ToDictionary(i => i, i =>
        {
            var tp = predicted.Count(p => p.Expected == i && p.Actual == i);
            var predictedAs = predicted.Count(p => p.Actual == i);
            var support = predicted.Count(p => p.Expected == i);
            return (predictedAs == 0 ? 0 : (double)tp / predictedAs, support == 0 ? 0 : (double)tp / support, support);
        });
        var accuracy = set.Cases.Count == 0 ? 0 : (double)predicted.Count(p => p.Expected == p.Actual) / set.Cases.Count;
        return new EvaluationReport(set.Cases.Count, accuracy, perIntent, confusions, entityStats, entityErrors);
    }
}
