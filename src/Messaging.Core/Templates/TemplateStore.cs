using System.Collections.Concurrent;
using System.Text.Json;
using Messaging.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Core.Templates;

public sealed class TemplateException(string message, int status = 400) : Exception(message)
{
    public int Status { get; } = status;
}

public sealed record TemplateSummary(string Key, string Description, int? LiveVersion, int LatestVersion, bool HasDraft,
    DateTimeOffset UpdatedAt);

public sealed record TemplateVersionView(int Number, TemplateVersionStatus Status, string Origin, string? Comment,
    string CreatedBy, DateTimeOffset CreatedAt, string? PublishedBy, DateTimeOffset? PublishedAt,
    IReadOnlyDictionary<string, string> Variants);

public sealed record TemplateDetails(string Key, string Description, IReadOnlyList<TemplateVariable> Variables,
    string SampleModelJson, bool SmsDeAccent, IReadOnlyDictionary<string, int> ZnsLimits,
    TemplateVersionView? Live, TemplateVersionView? Draft, IReadOnlyDictionary<string, string> Defaults);

public sealed record HistoryEntry(TemplateVersionView Version, string Diff);

/// <summary>
/// The live variants of each template, shared by every scope of this process. Entries expire so that a template
/// published on another node is picked up within <see cref="Ttl"/>; a publish on this node evicts at once.
/// </summary>
public sealed class LiveTemplateCache
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, LiveTemplate? Value)> _entries = new();

    public bool TryGet(string key, DateTimeOffset now, out LiveTemplate? value)
    {
        if (_entries.TryGetValue(key, out var e) && now - e.At < Ttl)
        {
            value = e.Value;
            return true;
        }
        value = null;
        return false;
    }

    public void Set(string key, DateTimeOffset now, LiveTemplate? value) => _entries[key] = (now, value);

    public void Evict(string key) => _entries.TryRemove(key, out _);
}

public sealed record LiveTemplate(string Key, int Version, IReadOnlyDictionary<string, string> Variants, bool SmsDeAccent,
    IReadOnlyDictionary<string, int>? ZnsLimits = null);

/// <summary>
/// Templates in the database: seeded from `templates/`, edited by admins as drafts, validated, published, rolled back,
/// reset to the shipped default; every change audited. <see cref="RenderAsync"/> is what the bot and the notifier call.
/// </summary>
public sealed class TemplateStore(LazyDb database, TemplateValidator validator, LiveTemplateCache cache,
    TimeProvider time)
{
    private MessagingDbContext db => database.Value;

    private const string System = "system";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Creates templates that do not exist yet and refreshes shipped defaults. A template no admin has edited follows
    /// the files (a new default version is published); an edited one keeps its wording and only learns the new default
    /// for "reset".
    /// </summary>
    public async Task<int> SeedAsync(IReadOnlyList<TemplateDefinition> files, CancellationToken ct)
    {
        var changed = 0;
        var now = time.GetUtcNow();
        var existing = await db.MessageTemplates.ToDictionaryAsync(t => t.Key, ct);
        foreach (var file in files)
        {
            var hash = TemplateFiles.Hash(file.Variants);
            if (existing.TryGetValue(file.Key, out var t) && t.DefaultHash == hash) continue;
            var report = await validator.ValidateAsync(file, ct);
            if (!report.IsValid)
                throw new InvalidDataException($"templates/{file.Key} is invalid: {string.Join("; ", report.Errors)}");
            var live = t is null ? null : await LiveVersionAsync(file.Key, ct, tracked: true);
            t ??= db.MessageTemplates.Add(new MessageTemplate { Key = file.Key }).Entity;
            t.Description = file.Description;
            t.VariablesJson = JsonSerializer.Serialize(file.Variables, Json);
            t.SampleModelJson = file.SampleModelJson;
            t.SmsDeAccent = file.SmsDeAccent;
            t.ZnsLimitsJson = JsonSerializer.Serialize(file.ZnsLimits, Json);
            t.DefaultVariantsJson = JsonSerializer.Serialize(file.Variants, Json);
            t.DefaultHash = hash;
            t.UpdatedAt = now;
            if (live is null || live.Origin == "default")
            {
                var version = await NewVersionAsync(file.Key, file.Variants, "default", "shipped default", System, ct);
                Publish(version, live, System, now);
                Audit(System, "template.seed", file.Key, $"version {version.Number}");
            }
            changed++;
        }
        await db.SaveChangesAsync(ct);
        foreach (var f in files) cache.Evict(f.Key);
        return changed;
    }

    public async Task<IReadOnlyList<TemplateSummary>> ListAsync(string? search, CancellationToken ct)
    {
        var templates = await db.MessageTemplates.AsNoTracking().OrderBy(t => t.Key).ToListAsync(ct);
        var versions = await db.TemplateVersions.AsNoTracking()
            .GroupBy(v => v.Key)
            .Select(g => new
            {
                Key = g.Key,
                Latest = g.Max(v => v.Number),
                Live = g.Where(v => v.Status == TemplateVersionStatus.Published).Max(v => (int?)v.Number),
            })
            .ToDictionaryAsync(x => x.Key, ct);
        var q = search?.Trim();
        return templates
            .Where(t => string.IsNullOrEmpty(q) || t.Key.Contains(q, StringComparison.OrdinalIgnoreCase)
                || Messaging.Language.Text.Folding.Fold(t.Description).Contains(Messaging.Language.Text.Folding.Fold(q)))
            .Select(t =>
            {
                var v = versions.GetValueOrDefault(t.Key);
                return new TemplateSummary(t.Key, t.Description, v?.Live, v?.Latest ?? 0, v is not null && v.Latest > (v.Live ?? 0), t.UpdatedAt);
            }).ToList();
    }

    public async Task<TemplateDetails> GetAsync(string key, CancellationToken ct)
    {
        var t = await TemplateOrThrowAsync(key, ct);
        var live = await LiveVersionAsync(key, ct);
        var latest = await db.TemplateVersions.AsNoTracking().Where(v => v.Key == key).OrderByDescending(v => v.Number).FirstAsync(ct);
        return new TemplateDetails(t.Key, t.Description, Deserialize<List<TemplateVariable>>(t.VariablesJson), t.SampleModelJson,
            t.SmsDeAccent, Deserialize<Dictionary<string, int>>(t.ZnsLimitsJson), live is null ? null : View(live),
            latest.Status == TemplateVersionStatus.Draft ? View(latest) : null, Deserialize<Dictionary<string, string>>(t.DefaultVariantsJson));
    }

    /// <summary>Checks variants (the live ones when none are given) without saving anything.</summary>
    public async Task<ValidationReport> ValidateAsync(string key, IReadOnlyDictionary<string, string>? variants, CancellationToken ct)
    {
        var t = await TemplateOrThrowAsync(key, ct);
        variants ??= await LiveVariantsOrThrowAsync(key, ct);
        return await validator.ValidateAsync(Definition(t, variants), ct);
    }

    /// <summary>Saves a new draft. A draft may be invalid; it cannot be published until it is valid.</summary>
    public async Task<(TemplateVersionView Version, ValidationReport Report)> SaveDraftAsync(string key,
        IReadOnlyDictionary<string, string> variants, string? comment, string actor, CancellationToken ct)
    {
        var t = await TemplateOrThrowAsync(key, ct);
        if (variants.Count == 0) throw new TemplateException("A template needs at least one variant.");
        var report = await validator.ValidateAsync(Definition(t, variants), ct);
        var version = await NewVersionAsync(key, variants, "admin", comment, actor, ct);
        t.UpdatedAt = time.GetUtcNow();
        Audit(actor, "template.save", key, $"draft version {version.Number}" + (report.IsValid ? "" : $", {report.Errors.Count} error(s)"));
        await db.SaveChangesAsync(ct);
        return (View(version), report);
    }

    /// <summary>Makes a version live. Refused, with the reasons, when it does not pass validation.</summary>
    public async Task<(TemplateVersionView Version, ValidationReport Report)> PublishAsync(string key, int number,
        string actor, CancellationToken ct)
    {
        var t = await TemplateOrThrowAsync(key, ct);
        var version = await db.TemplateVersions.FirstOrDefaultAsync(v => v.Key == key && v.Number == number, ct)
            ?? throw new TemplateException($"Template {key} has no version {number}.", 404);
        var report = await validator.ValidateAsync(Definition(t, Deserialize<Dictionary<string, string>>(version.VariantsJson)), ct);
        if (!report.IsValid) return (View(version), report);
        if (version.Status != TemplateVersionStatus.Published)
        {
            var live = await LiveVersionAsync(key, ct, tracked: true);
            Publish(version, live, actor, time.GetUtcNow());
            Audit(actor, "template.publish", key, $"version {number}");
            await db.SaveChangesAsync(ct);
            cache.Evict(key);
        }
        return (View(version), report);
    }

    /// <summary>A new version with the text of an old one, published: history shows the rollback as its own step.</summary>
    public async Task<(TemplateVersionView Version, ValidationReport Report)> RollbackAsync(string key, int number,
        string actor, CancellationToken ct)
    {
        var old = await db.TemplateVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Key == key && v.Number == number, ct)
            ?? throw new TemplateException($"Template {key} has no version {number}.", 404);
        return await CopyAndPublishAsync(key, Deserialize<Dictionary<string, string>>(old.VariantsJson), "rollback",
            $"rollback to version {number}", actor, ct);
    }

    /// <summary>Restores the shipped default from `templates/` as a new published version.</summary>
    public async Task<(TemplateVersionView Version, ValidationReport Report)> ResetAsync(string key, string actor, CancellationToken ct)
    {
        var t = await TemplateOrThrowAsync(key, ct);
        return await CopyAndPublishAsync(key, Deserialize<Dictionary<string, string>>(t.DefaultVariantsJson), "default",
            "reset to the shipped default", actor, ct);
    }

    public async Task<IReadOnlyList<HistoryEntry>> HistoryAsync(string key, CancellationToken ct)
    {
        await TemplateOrThrowAsync(key, ct);
        var versions = await db.TemplateVersions.AsNoTracking().Where(v => v.Key == key).OrderBy(v => v.Number).ToListAsync(ct);
        var result = new List<HistoryEntry>();
        IReadOnlyDictionary<string, string> previous = new Dictionary<string, string>();
        foreach (var v in versions)
        {
            var view = View(v);
            var diff = string.Join("", view.Variants.Keys.Union(previous.Keys).Order(StringComparer.Ordinal)
                .Where(k => previous.GetValueOrDefault(k) != view.Variants.GetValueOrDefault(k))
                .Select(k => $"@@ {k}\n" + TextDiff.Lines(previous.GetValueOrDefault(k), view.Variants.GetValueOrDefault(k))));
            result.Add(new HistoryEntry(view, diff));
            previous = view.Variants;
        }
        result.Reverse();
        return result;
    }

    /// <summary>
    /// Renders one variant with posted variants (or the live ones) and a posted model (or the sample): what the
    /// editor's live preview shows, SMS encoding and parts included.
    /// </summary>
    public async Task<RenderedVariant> PreviewAsync(string key, string variant, IReadOnlyDictionary<string, string>? variants,
        string? modelJson, CancellationToken ct)
    {
        var t = await TemplateOrThrowAsync(key, ct);
        variants ??= await LiveVariantsOrThrowAsync(key, ct);
        if (!variants.TryGetValue(variant, out var source)) throw new TemplateException($"Template {key} has no variant {variant}.", 404);
        return await validator.RenderAsync(variant, source, ParseModel(modelJson ?? t.SampleModelJson), t.SmsDeAccent, ct);
    }

    /// <summary>
    /// Renders the live version for a channel and locale, falling back to Vietnamese when the locale has no variant.
    /// Returns null when the template has no variant for the channel at all.
    /// </summary>
    public async Task<RenderedVariant?> RenderAsync(string key, string channel, string locale, JsonElement model, CancellationToken ct)
    {
        var live = await LiveAsync(key, ct) ?? throw new TemplateException($"No live template {key}.", 404);
        var variant = TemplateChannels.Variant(locale, channel);
        if (!live.Variants.TryGetValue(variant, out var source))
        {
            variant = TemplateChannels.Variant("vi", channel);
            if (!live.Variants.TryGetValue(variant, out source)) return null;
        }
        return await validator.RenderAsync(variant, source, model, live.SmsDeAccent, ct);
    }

    public async Task<LiveTemplate?> LiveAsync(string key, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (cache.TryGet(key, now, out var cached)) return cached;
        var t = await db.MessageTemplates.AsNoTracking().FirstOrDefaultAsync(x => x.Key == key, ct);
        var v = t is null ? null : await LiveVersionAsync(key, ct);
        var live = v is null ? null : new LiveTemplate(key, v.Number, Deserialize<Dictionary<string, string>>(v.VariantsJson), t!.SmsDeAccent,
            Deserialize<Dictionary<string, int>>(t.ZnsLimitsJson));
        cache.Set(key, now, live);
        return live;
    }

    private async Task<(TemplateVersionView, ValidationReport)> CopyAndPublishAsync(string key,
        IReadOnlyDictionary<string, string> variants, string origin, string comment, string actor, CancellationToken ct)
    {
        var t = await TemplateOrThrowAsync(key, ct);
        var report = await validator.ValidateAsync(Definition(t, variants), ct);
        if (!report.IsValid) throw new TemplateException($"That version does not pass validation: {string.Join("; ", report.Errors)}");
        var live = await LiveVersionAsync(key, ct, tracked: true);
        var version = await NewVersionAsync(key, variants, origin, comment, actor, ct);
        Publish(version, live, actor, time.GetUtcNow());
        Audit(actor, "template." + (origin == "rollback" ? "rollback" : "reset"), key, $"{comment}, now version {version.Number}");
        await db.SaveChangesAsync(ct);
        cache.Evict(key);
        return (View(version), report);
    }

    private async Task<TemplateVersion> NewVersionAsync(string key, IReadOnlyDictionary<string, string> variants, string origin,
        string? comment, string actor, CancellationToken ct)
    {
        var number = (await db.TemplateVersions.Where(v => v.Key == key).MaxAsync(v => (int?)v.Number, ct) ?? 0)
            + db.TemplateVersions.Local.Count(v => v.Key == key && v.Id == 0) + 1;
        var version = new TemplateVersion
        {
            Key = key,
            Number = number,
            Status = TemplateVersionStatus.Draft,
            VariantsJson = JsonSerializer.Serialize(variants.OrderBy(v => v.Key, StringComparer.Ordinal).ToDictionary(), Json),
            Origin = origin,
            Comment = comment,
            CreatedBy = actor,
            CreatedAt = time.GetUtcNow(),
        };
        db.TemplateVersions.Add(version);
        return version;
    }

    private static void Publish(TemplateVersion version, TemplateVersion? live, string actor, DateTimeOffset now)
    {
        if (live is not null && !ReferenceEquals(live, version)) live.Status = TemplateVersionStatus.Superseded;
        version.Status = TemplateVersionStatus.Published;
        version.PublishedAt = now;
        version.PublishedBy = actor;
    }

    private void Audit(string actor, string action, string subject, string? details) =>
        db.AuditLog.Add(new AuditEntry { At = time.GetUtcNow(), Actor = actor, Action = action, Subject = subject, Details = details });

    private async Task<MessageTemplate> TemplateOrThrowAsync(string key, CancellationToken ct) =>
        await db.MessageTemplates.FirstOrDefaultAsync(t => t.Key == key, ct) ?? throw new TemplateException($"No template {key}.", 404);

    private Task<TemplateVersion?> LiveVersionAsync(string key, CancellationToken ct, bool tracked = false)
    {
        var q = tracked ? db.TemplateVersions : db.TemplateVersions.AsNoTracking();
        return q.Where(v => v.Key == key && v.Status == TemplateVersionStatus.Published).OrderByDescending(v => v.Number).FirstOrDefaultAsync(ct);
    }

    private async Task<IReadOnlyDictionary<string, string>> LiveVariantsOrThrowAsync(string key, CancellationToken ct) =>
        (await LiveAsync(key, ct))?.Variants ?? throw new TemplateException($"Template {key} has no live version.", 404);

    private static TemplateDefinition Definition(MessageTemplate t, IReadOnlyDictionary<string, string> variants) =>
        new(t.Key, t.Description, Deserialize<List<TemplateVariable>>(t.VariablesJson), t.SampleModelJson, variants,
            t.SmsDeAccent, Deserialize<Dictionary<string, int>>(t.ZnsLimitsJson));

    private static TemplateVersionView View(TemplateVersion v) =>
        new(v.Number, v.Status, v.Origin, v.Comment, v.CreatedBy, v.CreatedAt, v.PublishedBy, v.PublishedAt,
            Deserialize<Dictionary<string, string>>(v.VariantsJson));

    private static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Json)!;

    private static JsonElement ParseModel(string json)
    {
        try
        {
            return JsonDocument.Parse(json).RootElement;
        }
        catch (JsonException e)
        {
            throw new TemplateException("The model is not valid JSON: " + e.Message);
        }
    }
}
