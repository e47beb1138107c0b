using System.Text.RegularExpressions;
using Messaging.Language.Text;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Messaging.Core.Procedures;

/// <summary>The knowledge base failed validation; the message names every file and field at fault.</summary>
public sealed class ProcedureCatalogException(IReadOnlyList<string> errors)
    : Exception("The procedures knowledge base is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>The procedures knowledge base: loaded and validated once, then read-only.</summary>
public sealed partial class ProcedureCatalog
{
    private static readonly string[] VerifiableFields =
        ["national_code", "audience", "documents", "fee", "processing_time", "where", "legal_basis", "notes", "tips"];

    private readonly Dictionary<string, Procedure> _byId;
    private readonly Dictionary<string, Referral> _referrals;

    public ProcedureCatalog(IEnumerable<Procedure> procedures, IEnumerable<Referral>? referrals = null)
    {
        _byId = procedures.ToDictionary(p => p.Id, StringComparer.Ordinal);
        _referrals = (referrals ?? []).ToDictionary(r => r.Id, StringComparer.Ordinal);
    }

    public IReadOnlyCollection<Procedure> All => _byId.Values;

    /// <summary>Matters another body handles, with where to go (<c>referrals.yml</c> beside the procedures).</summary>
    public IReadOnlyCollection<Referral> Referrals => _referrals.Values;

    public Referral? FindReferral(string? id) => id is not null && _referrals.TryGetValue(id, out var r) ? r : null;

    public Procedure? Find(string? id) => id is not null && _byId.TryGetValue(id, out var p) ? p : null;

    /// <summary>
    /// Procedures ranked by how many of the query's words appear in their titles, aliases and keywords,
    /// compared without diacritics. The bot's recognizer does better; this serves plain search boxes.
    /// </summary>
    public IReadOnlyList<Procedure> Search(string query, int limit = 5)
    {
        var words = Folding.Fold(query).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0) return [];
        return _byId.Values
            .Select(p => (p, score: Score(p, words)))
            .Where(x => x.score > 0)
            .OrderByDescending(x => x.score).ThenBy(x => x.p.Id, StringComparer.Ordinal)
            .Take(limit).Select(x => x.p).ToList();
    }

    private static int Score(Procedure p, string[] words)
    {
        var haystack = Folding.Fold(string.Join(' ', [p.Title, p.TitleEn, .. p.Aliases, .. p.Keywords]));
        var tokens = haystack.Split([' ', ',', '-', '(', ')'], StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        return words.Count(tokens.Contains);
    }

    public static ProcedureCatalog LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
            throw new ProcedureCatalogException([$"{directory}: the procedures folder does not exist."]);
        var errors = new List<string>();
        var procedures = new List<Procedure>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.md").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            var p = Parse(name, File.ReadAllText(file), errors);
            if (p is null) continue;
            if (procedures.Any(x => x.Id == p.Id)) errors.Add($"{name}: id: '{p.Id}' is used by another file.");
            procedures.Add(p);
        }
        if (procedures.Count == 0 && errors.Count == 0) errors.Add($"{directory}: no procedure files (*.md) found.");
        foreach (var p in procedures)
        {
            if ((p.AskedAs is null) != (p.Covers.Count == 0))
                errors.Add($"{p.Id}.md: asked_as and covers: give both (the intent, and the procedures its messages may name) or neither.");
            foreach (var covered in p.Covers.Where(c => procedures.All(x => x.Id != c)))
                errors.Add($"{p.Id}.md: covers: '{covered}' is not a procedure of the knowledge base.");
            if (p.Covers.Contains(p.Id)) errors.Add($"{p.Id}.md: covers: a procedure does not cover itself.");
            if (p.TakesOver is { } taken && (taken == p.Id || procedures.All(x => x.Id != taken)))
                errors.Add($"{p.Id}.md: takes_over: '{taken}' is not another procedure of the knowledge base.");
            if (p.AskedAs is not null && !Messaging.Language.Intents.IntentNames.All.Contains(p.AskedAs))
                errors.Add($"{p.Id}.md: asked_as: '{p.AskedAs}' is not an intent (one of: {string.Join(", ", Messaging.Language.Intents.IntentNames.All)}).");
        }
        var referrals = LoadReferrals(Path.Combine(directory, ReferralsFile), procedures, errors);
        if (errors.Count > 0) throw new ProcedureCatalogException(errors);
        return new ProcedureCatalog(procedures, referrals);
    }

    public const string ReferralsFile = "referrals.yml";

    /// <summary>The optional referrals file; each entry complete, ids unique, and no name that also names one of our procedures.</summary>
    private static List<Referral> LoadReferrals(string path, List<Procedure> procedures, List<string> errors)
    {
        if (!File.Exists(path)) return [];
        List<Referral> referrals;
        try
        {
            referrals = Deserializer.Deserialize<ReferralFile?>(File.ReadAllText(path))?.Referrals ?? [];
            if (referrals.Any(r => r is null))
            {
                errors.Add($"{ReferralsFile}: referrals: an entry is empty.");
                return [];
            }
            foreach (var r in referrals)
            {
                // YAML's "~" or a key without a value reads as null; the checks below then name the field.
                r.Id ??= ""; r.Title ??= ""; r.TitleEn ??= ""; r.Where ??= ""; r.WhereEn ??= ""; r.Source ??= ""; r.Aliases ??= []; r.Papers ??= [];
            }
        }
        catch (YamlException e)
        {
            errors.Add($"{ReferralsFile}: line {e.Start.Line}, column {e.Start.Column}: {e.InnerException?.Message ?? e.Message}");
            return [];
        }
        var ours = procedures.SelectMany(p => new[] { p.Title }.Concat(p.Aliases))
            .Select(Normalizer.Canonical).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < referrals.Count; i++)
        {
            var r = referrals[i];
            var at = $"{ReferralsFile}: referrals[{i}]";
            if (!IdPattern().IsMatch(r.Id)) errors.Add($"{at}.id: is required: lower-case letters, digits and dashes.");
            else if (!seen.Add(r.Id)) errors.Add($"{at}.id: '{r.Id}' is used twice.");
            foreach (var (value, field) in new[] { (r.Title, "title"), (r.TitleEn, "title_en"), (r.Where, "where"), (r.WhereEn, "where_en"), (r.Source, "source") })
                if (string.IsNullOrWhiteSpace(value)) errors.Add($"{at}.{field}: is required.");
            if (r.Aliases.Count == 0 || r.Aliases.Any(a => string.IsNullOrWhiteSpace(a) || Normalizer.Canonical(a).Length == 0))
                errors.Add($"{at}.aliases: needs names, none empty.");
            foreach (var paper in r.Papers.Where(x => !r.Aliases.Any(a => Normalizer.Canonical(a) == Normalizer.Canonical(x))))
                errors.Add($"{at}.papers: '{paper}' is not one of the aliases.");
            foreach (var alias in r.Aliases.Where(a => !string.IsNullOrWhiteSpace(a)))
                if (!names.TryAdd(Normalizer.Canonical(alias), r.Id) && names[Normalizer.Canonical(alias)] != r.Id)
                    errors.Add($"{at}.aliases: '{alias}' also names '{names[Normalizer.Canonical(alias)]}'.");
            foreach (var alias in r.Aliases.Where(a => !string.IsNullOrWhiteSpace(a) && ours.Contains(Normalizer.Canonical(a))))
                errors.Add($"{at}.aliases: '{alias}' also names one of our procedures.");
        }
        return referrals;
    }

    /// <summary>Parses one file; adds "file: field: problem" lines to <paramref name="errors"/>.</summary>
    public static Procedure? Parse(string fileName, string text, List<string> errors)
    {
        var match = FrontMatter().Match(text.Replace("\r\n", "\n"));
        if (!match.Success)
        {
            errors.Add($"{fileName}: the file must start with YAML front matter between two '---' lines.");
            return null;
        }
        Procedure p;
        try
        {
            p = Deserializer.Deserialize<Procedure?>(match.Groups["yaml"].Value) ?? new Procedure();
        }
        catch (YamlException e)
        {
            var inner = e.InnerException?.Message ?? e.Message;
            errors.Add($"{fileName}: line {e.Start.Line}, column {e.Start.Column}: {inner}");
            return null;
        }
        p.Notes = match.Groups["body"].Value.Trim();
        var before = errors.Count;
        Validate(fileName, p, errors);
        return errors.Count == before ? p : null;
    }

    private static void Validate(string file, Procedure p, List<string> errors)
    {
        void Need(bool ok, string field, string problem)
        {
            if (!ok) errors.Add($"{file}: {field}: {problem}");
        }
        var expectedId = Path.GetFileNameWithoutExtension(file);
        Need(IdPattern().IsMatch(p.Id), "id", "is required: lower-case letters, digits and dashes.");
        Need(p.Id.Length == 0 || p.Id == expectedId, "id", $"must equal the file name '{expectedId}'.");
        Need(!string.IsNullOrWhiteSpace(p.Title), "title", "is required.");
        Need(!string.IsNullOrWhiteSpace(p.TitleEn), "title_en", "is required.");
        Need(p.Aliases.Count > 0, "aliases", "needs at least one alias.");
        Need(p.Aliases.All(a => !string.IsNullOrWhiteSpace(a)), "aliases", "has an empty entry.");
        Need(!string.IsNullOrWhiteSpace(p.Audience), "audience", "is required.");
        Need(p.Documents is not null, "documents", "is required (an empty list when nothing is needed).");
        for (var i = 0; i < (p.Documents?.Count ?? 0); i++)
            Need(!string.IsNullOrWhiteSpace(p.Documents![i].Name), $"documents[{i}].name", "is required.");
        Need(!string.IsNullOrWhiteSpace(p.Fee?.Text), "fee.text", "is required.");
        Need(p.Fee?.AmountVnd is null or >= 0, "fee.amount_vnd", "must not be negative.");
        Need(!string.IsNullOrWhiteSpace(p.ProcessingTime?.Text), "processing_time.text", "is required.");
        Need(p.ProcessingTime?.WorkingDays is null or >= 0, "processing_time.working_days", "must not be negative.");
        Need(!string.IsNullOrWhiteSpace(p.Where?.Offices), "where.offices", "is required.");
        Need(p.Where?.OnlineUrl is null || Uri.TryCreate(p.Where.OnlineUrl, UriKind.Absolute, out _),
            "where.online_url", "must be an absolute URL.");
        Need(p.LegalBasis.Count > 0, "legal_basis", "needs at least one entry.");
        Need(p.TakesOver is null || p.TakesOverOn.Count > 0, "takes_over_on", "is required with takes_over.");
        Need(p.LastChecked is null || DateOnly.TryParseExact(p.LastChecked, "yyyy-MM-dd", out _), "last_checked", "is a date, yyyy-MM-dd.");
        for (var i = 0; i < p.Tips.Count; i++)
            Need(!string.IsNullOrWhiteSpace(p.Tips[i].Text), $"tips[{i}].text", "is required.");
        foreach (var x in p.UnlessBeside)
        {
            var open = x.IndexOf('[');
            var close = x.IndexOf(']');
            if (open < 0 && close < 0) continue;
            if (open < 0 || close < open || x.IndexOf('[', open + 1) >= 0 || x.IndexOf(']', close + 1) >= 0)
            {
                errors.Add($"{file}: unless_beside: '{x}': one name in brackets, as in \"[thường trú] tại thôn\".");
                continue;
            }
            Need(open == 0 || close == x.Length - 1, "unless_beside", $"'{x}': the words go on one side of the bracketed name, not both.");
            var name = Messaging.Language.Text.Normalizer.Canonical(x[(open + 1)..close]);
            Need(new[] { p.Title }.Concat(p.Aliases).Any(a => Messaging.Language.Text.Normalizer.Canonical(a) == name), "unless_beside",
                $"'{x}': the bracketed name must be the title or one of the aliases, as written.");
        }
        foreach (var v in p.Verify)
        {
            Need(VerifiableFields.Contains(v.Field.Split('.')[0]), "verify.field",
                $"'{v.Field}' is not a field (one of: {string.Join(", ", VerifiableFields)}).");
            Need(!string.IsNullOrWhiteSpace(v.Note), "verify.note", "says what to check; it is required.");
        }
    }

    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    [GeneratedRegex(@"\A---\n(?<yaml>.*?)\n---\n?(?<body>.*)\z", RegexOptions.Singleline)]
    private static partial Regex FrontMatter();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex IdPattern();
}
