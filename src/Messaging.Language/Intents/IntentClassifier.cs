namespace Messaging.Language.Intents;

/// <summary>
/// Multinomial logistic regression over sparse binary features (words, word pairs, entity placeholders), trained
/// by full-batch gradient descent in a fixed order: the same files always give the same weights. Every decision can
/// be explained as a sum of feature weights (<see cref="Explain"/>).
/// </summary>
public sealed class IntentClassifier
{
    private readonly string[] _intents;
    private readonly Dictionary<string, int> _vocabulary;
    private readonly float[] _weights; // [feature * classes + class]
    private readonly float[] _bias;

    private IntentClassifier(string[] intents, Dictionary<string, int> vocabulary, float[] weights, float[] bias)
    {
        _intents = intents;
        _vocabulary = vocabulary;
        _weights = weights;
        _bias = bias;
    }

    public IReadOnlyList<string> Intents => _intents;
    public int FeatureCount => _vocabulary.Count;

    public sealed record Options(int Epochs = 40, float LearningRate = 0.2f, float L2 = 0.00002f, int Seed = 20261124);

    public static IntentClassifier Train(IReadOnlyList<(IReadOnlyList<string> Features, string Intent)> examples,
        Options? options = null)
    {
        options ??= new Options();
        var intents = examples.Select(e => e.Intent).Distinct().Order(StringComparer.Ordinal).ToArray();
        var classIndex = intents.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i);
        var vocabulary = new Dictionary<string, int>();
        var rows = new int[examples.Count][];
        for (var e = 0; e < examples.Count; e++)
        {
            rows[e] = examples[e].Features.Distinct().Select(f =>
            {
                if (!vocabulary.TryGetValue(f, out var id)) vocabulary[f] = id = vocabulary.Count;
                return id;
            }).ToArray();
        }

        // Stochastic gradient descent in an order fixed by the seed, with a decaying rate: deterministic, and rare
        // words (most words here are rare) still get their weight, which full-batch averaging starved.
        var k = intents.Length;
        var w = new float[vocabulary.Count * k];
        var b = new float[k];
        var p = new float[k];
        var order = Enumerable.Range(0, examples.Count).ToArray();
        var random = new Random(options.Seed);
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            random.Shuffle(order);
            var rate = options.LearningRate / (1 + 0.1f * epoch);
            foreach (var e in order)
            {
                Scores(rows[e], w, b, k, p);
                Softmax(p);
                p[classIndex[examples[e].Intent]] -= 1f;
                for (var c = 0; c < k; c++) b[c] -= rate * p[c];
                foreach (var f in rows[e])
                {
                    var o = f * k;
                    for (var c = 0; c < k; c++) w[o + c] -= rate * (p[c] + options.L2 * w[o + c]);
                }
            }
        }
        return new IntentClassifier(intents, vocabulary, w, b);
    }

    /// <summary>Every intent with its probability, best first.</summary>
    public IntentScore[] Rank(IReadOnlyList<string> features)
    {
        var k = _intents.Length;
        var p = new float[k];
        Span<int> ids = features.Count <= 256 ? stackalloc int[features.Count] : new int[features.Count];
        var count = 0;
        foreach (var f in features)
        {
            if (_vocabulary.TryGetValue(f, out var id) && ids[..count].IndexOf(id) < 0) ids[count++] = id;
        }
        Scores(ids[..count], _weights, _bias, k, p);
        Softmax(p);
        var ranking = new IntentScore[k];
        for (var c = 0; c < k; c++) ranking[c] = new IntentScore(_intents[c], p[c]);
        Array.Sort(ranking, (a, b) => b.Confidence.CompareTo(a.Confidence));
        return ranking;
    }

    /// <summary>The known features of an input and their weight towards <paramref name="intent"/>, largest first.</summary>
    public IReadOnlyList<(string Feature, double Weight)> Explain(IReadOnlyList<string> features, string intent)
    {
        var c = Array.IndexOf(_intents, intent);
        if (c < 0) return [];
        return features.Distinct()
            .Where(_vocabulary.ContainsKey)
            .Select(f => (f, (double)_weights[_vocabulary[f] * _intents.Length + c]))
            .OrderByDescending(x => Math.Abs(x.Item2))
            .ToList();
    }

    private static void Scores(ReadOnlySpan<int> features, float[] w, float[] b, int k, float[] output)
    {
        Array.Copy(b, output, k);
        foreach (var f in features)
        {
            var o = f * k;
            for (var c = 0; c < k; c++) output[c] += w[o + c];
        }
    }

    private static void Softmax(float[] v)
    {
        var max = v.Max();
        var sum = 0f;
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = MathF.Exp(v[i] - max);
            sum += v[i];
        }
        for (var i = 0; i < v.Length; i++) v[i] /= sum;
    }
}
