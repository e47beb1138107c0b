using System.Text.Json;
using Messaging.Language.Text;
using Microsoft.Extensions.Options;

namespace Messaging.Core.Templates;

public sealed class TemplateChannelOptions
{
    public const string Section = "Templates";
    /// <summary>Above this many SMS parts a warning is shown (each part is billed).</summary>
    public int MaxSmsSegments { get; set; } = 3;
    public int ZaloMaxCharacters { get; set; } = 2000;
    public int ZnsDefaultParameterLimit { get; set; } = 100;
    public int EmailSubjectMaxCharacters { get; set; } = 200;
}

/// <summary>One variant rendered: the text, and for SMS how it travels, for ZNS the parameters.</summary>
public sealed record RenderedVariant(string Variant, string Text, SmsInfo? Sms = null,
    IReadOnlyDictionary<string, string>? ZnsParameters = null, string? ZnsTemplateId = null);

public sealed record ValidationReport(IReadOnlyList<TemplateIssue> Errors, IReadOnlyList<TemplateIssue> Warnings,
    IReadOnlyList<RenderedVariant> Previews)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Everything a template must pass before it can go live: it parses; it names no variable the sample model lacks;
/// it renders against the sample; and each channel's limits hold (SMS parts, Zalo length, ZNS parameter lengths,
/// a one-line email subject).
/// </summary>
public sealed class TemplateValidator(TemplateRenderer renderer, IOptions<TemplateChannelOptions> options)
{
    public async Task<ValidationReport> ValidateAsync(TemplateDefinition definition, CancellationToken ct)
    {
        var errors = new List<TemplateIssue>();
        var warnings = new List<TemplateIssue>();
        var previews = new List<RenderedVariant>();
        JsonElement sample;
        try
        {
            sample = JsonDocument.Parse(definition.SampleModelJson).RootElement;
        }
        catch (JsonException e)
        {
            return new ValidationReport([new TemplateIssue("sample", "the sample model is not valid JSON: " + e.Message)], [], []);
        }

        foreach (var (variant, source) in definition.Variants.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            if (TemplateChannels.Parse(variant) is null)
            {
                errors.Add(new TemplateIssue(variant, $"unknown variant: use locale.channel with locale in ({string.Join(", ", TemplateChannels.Locales)}) and channel in ({string.Join(", ", TemplateChannels.All)})"));
                continue;
            }
            var sources = SourcesOf(variant, source, errors);
            var before = errors.Count;
            foreach (var (name, text) in sources)
            {
                var parse = TemplateRenderer.Parse(name, text, out var template);
                errors.AddRange(parse);
                if (parse.Count == 0) errors.AddRange(VariableCheck.Run(name, template, sample));
            }
            if (errors.Count > before) continue;
            try
            {
                var rendered = await RenderAsync(variant, source, sample, definition.SmsDeAccent, ct);
                previews.Add(rendered);
                CheckLimits(rendered, definition, errors, warnings);
            }
            catch (TemplateRenderException e)
            {
                errors.Add(e.Issue);
            }
        }
        return new ValidationReport(errors, warnings, previews);
    }

    /// <summary>Renders one variant the way a channel sender will receive it.</summary>
    public async Task<RenderedVariant> RenderAsync(string variant, string source, JsonElement model, bool smsDeAccent,
        CancellationToken ct)
    {
        var (locale, channel) = TemplateChannels.Parse(variant)
            ?? throw new TemplateRenderException(new TemplateIssue(variant, "unknown variant"));
        if (channel == TemplateChannels.Zns)
        {
            var zns = ReadZns(variant, source);
            var parameters = new Dictionary<string, string>();
            foreach (var (name, parameterSource) in zns.Params)
                parameters[name] = (await renderer.RenderAsync($"{variant}:{name}", parameterSource, model, locale, false, ct)).Trim();
            return new RenderedVariant(variant, string.Join('\n', parameters.Select(p => $"{p.Key}={p.Value}")), null,
                parameters, zns.TemplateId);
        }
        var output = await renderer.RenderAsync(variant, source, model, locale, channel == TemplateChannels.EmailHtml, ct);
        output = channel == TemplateChannels.EmailSubject ? output.Trim() : output.TrimEnd();
        if (channel != TemplateChannels.Sms) return new RenderedVariant(variant, output);
        var text = smsDeAccent ? Folding.DeAccent(output) : output;
        return new RenderedVariant(variant, text, SmsInfo.Measure(text));
    }

    private void CheckLimits(RenderedVariant r, TemplateDefinition d, List<TemplateIssue> errors, List<TemplateIssue> warnings)
    {
        var o = options.Value;
        var channel = TemplateChannels.Parse(r.Variant)!.Value.Channel;
        switch (channel)
        {
            case TemplateChannels.Sms when r.Sms is { } sms:
                if (sms.Segments > o.MaxSmsSegments)
                    warnings.Add(new TemplateIssue(r.Variant, $"the sample renders to {sms.Segments} SMS parts ({sms.Encoding}, {sms.Units} characters); more than {o.MaxSmsSegments} is costly", IsWarning: true));
                if (sms.Encoding == SmsEncoding.Ucs2 && !d.SmsDeAccent)
                    warnings.Add(new TemplateIssue(r.Variant, "Vietnamese diacritics force UCS-2 (70 characters per part); turn on sms_de_accent to send without diacritics", IsWarning: true));
                break;
            case TemplateChannels.Zalo when r.Text.Length > o.ZaloMaxCharacters:
                errors.Add(new TemplateIssue(r.Variant, $"Zalo text is limited to {o.ZaloMaxCharacters} characters; the sample renders to {r.Text.Length}"));
                break;
            case TemplateChannels.Zns:
                foreach (var (name, value) in r.ZnsParameters!)
                {
                    var limit = d.ZnsLimits.TryGetValue(name, out var l) ? l : o.ZnsDefaultParameterLimit;
                    if (value.Length > limit)
                        errors.Add(new TemplateIssue(r.Variant, $"ZNS parameter '{name}' is limited to {limit} characters; the sample gives {value.Length}"));
                }
                break;
            case TemplateChannels.EmailSubject:
                if (r.Text.Contains('\n')) errors.Add(new TemplateIssue(r.Variant, "an email subject must be one line"));
                if (r.Text.Length > o.EmailSubjectMaxCharacters)
                    warnings.Add(new TemplateIssue(r.Variant, $"the subject has {r.Text.Length} characters; mail clients cut it", IsWarning: true));
                break;
        }
    }

    private static List<(string Name, string Text)> SourcesOf(string variant, string source, List<TemplateIssue> errors)
    {
        if (!variant.EndsWith("." + TemplateChannels.Zns, StringComparison.Ordinal)) return [(variant, source)];
        try
        {
            return ReadZns(variant, source).Params.Select(p => ($"{variant}:{p.Key}", p.Value)).ToList();
        }
        catch (TemplateRenderException e)
        {
            errors.Add(e.Issue);
            return [];
        }
    }

    private sealed record ZnsSource(string? TemplateId, IReadOnlyDictionary<string, string> Params);

    private static ZnsSource ReadZns(string variant, string source)
    {
        try
        {
            var root = JsonDocument.Parse(source).RootElement;
            var id = root.TryGetProperty("template_id", out var t) ? t.GetString() : null;
            if (!root.TryGetProperty("params", out var p) || p.ValueKind != JsonValueKind.Object)
                throw new TemplateRenderException(new TemplateIssue(variant, "a ZNS variant needs a \"params\" object: parameter name → template"));
            return new ZnsSource(id, p.EnumerateObject().ToDictionary(x => x.Name, x => x.Value.GetString() ?? ""));
        }
        catch (JsonException e)
        {
            throw new TemplateRenderException(new TemplateIssue(variant, "not valid JSON: " + e.Message,
                (int?)e.LineNumber + 1, (int?)e.BytePositionInLine + 1));
        }
    }
}
