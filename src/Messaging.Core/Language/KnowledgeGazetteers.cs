using Messaging.Language;
using Messaging.Language.Intents;
using Messaging.Core.Appointments;
using Messaging.Core.Procedures;
using Messaging.Language.Entities;

namespace Messaging.Core.Language;

/// <summary>The names the language model recognizes, taken from the knowledge base and the office directory.</summary>
public static class KnowledgeGazetteers
{
    public static IEnumerable<GazetteerEntry> Procedures(ProcedureCatalog catalog) =>
        catalog.All.OrderBy(p => p.Id, StringComparer.Ordinal)
            .SelectMany(p => new[] { p.Title }.Concat(p.Aliases).Select(a => new GazetteerEntry(p.Id, a)));

    /// <summary>The model as every host builds it: training examples, the knowledge base and the offices as gazetteers.</summary>
    public static LanguageModel BuildModel(IEnumerable<IntentExample> examples, ProcedureCatalog catalog, IEnumerable<Office> offices,
        LanguageOptions? options = null) =>
        LanguageModel.Build(examples, Knowledge(catalog, offices), options);

    public static Knowledge Knowledge(ProcedureCatalog catalog, IEnumerable<Office> offices) =>
        new([.. Procedures(catalog)], [.. Offices(offices)])
        {
            Refinements = [.. Refinements(catalog)],
            Descriptions = [.. Descriptions(catalog)],
            IntentProcedures = [.. IntentProcedures(catalog)],
            Exclusions = [.. Exclusions(catalog)],
            Referrals = [.. Referrals(catalog)],
        };

    public static IEnumerable<GazetteerEntry> Referrals(ProcedureCatalog catalog) =>
        catalog.Referrals.OrderBy(r => r.Id, StringComparer.Ordinal)
            .SelectMany(r => r.Aliases.Select(a => new GazetteerEntry(r.Id, a)));

    public static IEnumerable<ProcedureDescription> Descriptions(ProcedureCatalog catalog) =>
        catalog.All.OrderBy(p => p.Id, StringComparer.Ordinal).SelectMany(p => p.DescribedBy.Select(d => new ProcedureDescription(p.Id, d)));

    public static IEnumerable<ProcedureExclusion> Exclusions(ProcedureCatalog catalog) =>
        catalog.All.Where(p => p.UnlessBeside.Count > 0).OrderBy(p => p.Id, StringComparer.Ordinal)
            .Select(p => new ProcedureExclusion(p.Id, p.UnlessBeside));

    public static IEnumerable<IntentProcedure> IntentProcedures(ProcedureCatalog catalog) =>
        catalog.All.Where(p => p.AskedAs is not null && p.Covers.Count > 0).OrderBy(p => p.Id, StringComparer.Ordinal)
            .Select(p => new IntentProcedure(p.AskedAs!, p.Id, p.Covers));

    public static IEnumerable<ProcedureRefinement> Refinements(ProcedureCatalog catalog) =>
        catalog.All.Where(p => p.Refines is not null && p.Cues.Count > 0).OrderBy(p => p.Id, StringComparer.Ordinal)
            .Select(p => new ProcedureRefinement(p.Refines!, p.Id, p.Cues))
            .Concat(catalog.All.Where(p => p.TakesOver is not null && p.TakesOverOn.Count > 0).OrderBy(p => p.Id, StringComparer.Ordinal)
                .Select(p => new ProcedureRefinement(p.TakesOver!, p.Id, p.TakesOverOn, InClause: true)));

    /// <summary>
    /// An office is known by its name, its name without "Công an" ("xã Tịnh Hà"), "công an" + commune, its aliases,
    /// and its bare commune name when it is that commune's own police.
    /// </summary>
    public static IEnumerable<GazetteerEntry> Offices(IEnumerable<Office> offices)
    {
        foreach (var o in offices.OrderBy(o => o.Id, StringComparer.Ordinal))
        {
            yield return new GazetteerEntry(o.Id, o.Name);
            const string prefix = "Công an ";
            var local = o.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? o.Name[prefix.Length..] : null;
            if (local is not null) yield return new GazetteerEntry(o.Id, local);
            if (local is not null && local.EndsWith(o.Commune, StringComparison.OrdinalIgnoreCase))
            {
                yield return new GazetteerEntry(o.Id, o.Commune);
                yield return new GazetteerEntry(o.Id, "công an " + o.Commune);
            }
            foreach (var a in o.Aliases) yield return new GazetteerEntry(o.Id, a);
        }
    }
}
