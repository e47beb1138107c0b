using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using System.Text.Json;
using Messaging.Core.Appointments;
using Messaging.Language.Entities;
using Messaging.Language.Text;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace Messaging.Core.Templates;

/// <summary>A template problem, with the 1-based line and column of the source when there is one.</summary>
public sealed record TemplateIssue(string Variant, string Message, int? Line = null, int? Column = null, bool IsWarning = false)
{
    public override string ToString() =>
        Line is null ? $"{Variant}: {Message}" : $"{Variant} ({Line}:{Column}): {Message}";
}

/// <summary>Rendering failed: parse error, unknown variable, limit exceeded or timeout. Never retried.</summary>
public sealed class TemplateRenderException(TemplateIssue issue, Exception? inner = null)
    : Exception(issue.ToString(), inner)
{
    public TemplateIssue Issue { get; } = issue;
}

public sealed class TemplateRenderOptions
{
    public int LoopLimit { get; set; } = 1000;
    public int RecursiveLimit { get; set; } = 20;
    public int OutputLimit { get; set; } = 100_000;
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// Renders template text with Scriban in a locked-down context: the model is plain data converted from JSON, so no
/// .NET object is reachable; variables and members must exist; loops, recursion and output are capped; a render that
/// outlives its timeout is aborted. vi-VN culture, Asia/Ho_Chi_Minh time. Parsed templates are cached by source.
/// </summary>
public sealed class TemplateRenderer(TemplateRenderOptions options)
{
    private readonly ConcurrentDictionary<string, Template> _compiled = new();

    public TemplateRenderer() : this(new TemplateRenderOptions()) { }

    public int CachedTemplates => _compiled.Count;

    /// <summary>Parses (or takes from the cache) and renders. HTML variants get every model string HTML-encoded.</summary>
    public Task<string> RenderAsync(string variant, string source, JsonElement model, string locale, bool html,
        CancellationToken ct) => Task.FromResult(Render(variant, source, model, locale, html, ct));

    /// <summary>
    /// Synchronous on purpose: rendering is pure CPU work, and Scriban's synchronous path is several times faster than
    /// its async one. The timeout is a deadline checked at every loop step (only loops can run long; recursion and
    /// output are capped), which costs far less per render than a timer.
    /// </summary>
    public string Render(string variant, string source, JsonElement model, string locale, bool html = false,
        CancellationToken ct = default)
    {
        var template = Compile(variant, source);
        var context = Rent(model, locale, html, System.Diagnostics.Stopwatch.GetTimestamp()
            + (long)(options.Timeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency), ct);
        try
        {
            var text = template.Render(context);
            Return(context);
            return text;
        }
        catch (ScriptAbortException e)
        {
            throw new TemplateRenderException(new TemplateIssue(variant, "Rendering was cancelled."), e);
        }
        catch (ScriptRuntimeException e) when (e.InnerException is TimeoutException)
        {
            throw new TemplateRenderException(new TemplateIssue(variant,
                $"Rendering took longer than {options.Timeout.TotalSeconds:0.#} s and was stopped."), e);
        }
        catch (ScriptRuntimeException e)
        {
            throw new TemplateRenderException(new TemplateIssue(variant, Explain(e.OriginalMessage),
                e.Span.Start.Line + 1, e.Span.Start.Column + 1), e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            throw new TemplateRenderException(new TemplateIssue(variant, e.Message), e);
        }
    }

    /// <summary>Parses once: the template, and its errors with line and column (none means it parses).</summary>
    public static IReadOnlyList<TemplateIssue> Parse(string variant, string source, out Template template)
    {
        template = Template.Parse(source, variant);
        return template.HasErrors
            ? template.Messages.Select(m => new TemplateIssue(variant, m.Message, m.Span.Start.Line + 1, m.Span.Start.Column + 1)).ToList()
            : [];
    }

    public static IReadOnlyList<TemplateIssue> ParseErrors(string variant, string source) => Parse(variant, source, out _);

    public static Template ParseOrThrow(string variant, string source)
    {
        var errors = Parse(variant, source, out var template);
        return errors.Count == 0 ? template : throw new TemplateRenderException(errors[0]);
    }

    private Template Compile(string variant, string source)
    {
        if (_compiled.TryGetValue(source, out var cached)) return cached;
        var template = ParseOrThrow(variant, source);
        // Bound the cache: templates change rarely, but a runaway editor could otherwise grow it without end.
        if (_compiled.Count > 5000) _compiled.Clear();
        _compiled[source] = template;
        return template;
    }

    // A Scriban context costs about 21 KB to build, more than most renders allocate otherwise: contexts are kept and
    // reset between renders. Reset drops every global, local and output of the last render (a variable a template
    // assigned cannot reach the next one); a context whose render failed is not kept.
    private const int MaxPooledContexts = 32;
    private readonly ConcurrentBag<DeadlineContext> _contexts = [];

    private DeadlineContext Rent(JsonElement model, string locale, bool html, long deadline, CancellationToken ct)
    {
        if (!_contexts.TryTake(out var context))
        {
            context = new DeadlineContext(SharedBuiltins)
            {
                StrictVariables = true,
                EnableRelaxedMemberAccess = false,
                EnableRelaxedTargetAccess = false,
                LoopLimit = options.LoopLimit,
                RecursiveLimit = options.RecursiveLimit,
                OutputLimit = options.OutputLimit,
                LimitToString = options.OutputLimit,
                RegexTimeOut = TimeSpan.FromMilliseconds(200),
                // No .NET member is ever reflected: the model is ScriptObjects all the way down.
                MemberFilter = _ => false,
                TemplateLoader = null,
            };
        }
        context.Deadline = deadline;
        context.CancellationToken = ct;
        context.PushCulture(Culture(locale));
        context.PushGlobal(Helpers(locale));
        var globals = new ScriptObject();
        if (model.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in model.EnumerateObject()) globals.SetValue(p.Name, Convert(p.Value, html), true);
        }
        context.PushGlobal(globals);
        return context;
    }

    private void Return(DeadlineContext context)
    {
        context.Reset();
        context.CancellationToken = CancellationToken.None;
        if (_contexts.Count < MaxPooledContexts) _contexts.Add(context);
    }

    private sealed class DeadlineContext(ScriptObject builtins) : TemplateContext(builtins)
    {
        public long Deadline { get; set; }

        protected override bool OnStepLoop(ScriptLoopStatementBase loop)
        {
            if (System.Diagnostics.Stopwatch.GetTimestamp() > Deadline) throw new TimeoutException("render deadline passed");
            return base.OnStepLoop(loop);
        }
    }

    /// <summary>
    /// Scriban's built-in functions (string.*, array.*, ...), built once: creating them per render cost more than the
    /// render itself. Read-only, so no template can change them for the next one.
    /// </summary>
    private static readonly ScriptObject SharedBuiltins = CreateBuiltins();

    private static ScriptObject CreateBuiltins()
    {
        var builtins = TemplateContext.GetDefaultBuiltinObject();
        foreach (var value in builtins.Values)
        {
            if (value is ScriptObject o) o.IsReadOnly = true;
        }
        builtins.IsReadOnly = true;
        return builtins;
    }

    private static object? Convert(JsonElement e, bool html) => e.ValueKind switch
    {
        JsonValueKind.Object => ToObject(e, html),
        JsonValueKind.Array => new ScriptArray(e.EnumerateArray().Select(x => Convert(x, html))),
        JsonValueKind.String => html ? Html.Encode(e.GetString() ?? "") : e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static ScriptObject ToObject(JsonElement e, bool html)
    {
        var o = new ScriptObject();
        foreach (var p in e.EnumerateObject()) o.SetValue(p.Name, Convert(p.Value, html), true);
        return o;
    }

    // Escapes only what HTML needs (<, >, &, quotes); Vietnamese letters stay readable in the source.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    private static readonly CultureInfo Vietnamese = CultureInfo.GetCultureInfo("vi-VN");
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");
    private static CultureInfo Culture(string locale) => locale == "en" ? English : Vietnamese;

    private static readonly ConcurrentDictionary<string, ScriptObject> HelperCache = new();

    /// <summary>The functions templates may call besides Scriban's built-ins.</summary>
    public static readonly string[] HelperNames = ["long_date", "short_date", "time", "money", "mask", "de_accent"];

    private static ScriptObject Helpers(string locale) => HelperCache.GetOrAdd(locale, l =>
    {
        var o = new ScriptObject();
        o.Import("long_date", new Func<object?, string>(v => LongDate(v, l)));
        o.Import("short_date", new Func<object?, string>(v => ToLocal(v) is { } d ? d.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture) : ""));
        o.Import("time", new Func<object?, string>(v => ToLocal(v) is { } d ? d.ToString("HH:mm", CultureInfo.InvariantCulture) : ""));
        o.Import("money", new Func<object?, string>(v => Money(v, l)));
        o.Import("mask", new Func<object?, string>(v => Mask(v?.ToString())));
        o.Import("de_accent", new Func<object?, string>(v => Folding.DeAccent(v?.ToString())));
        o.IsReadOnly = true;
        return o;
    });

    private static readonly string[] VietnameseDays = ["Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"];

    /// <summary>"Thứ Ba, 24/11/2026" in Vietnamese, "Tuesday, 24/11/2026" in English.</summary>
    public static string LongDate(object? value, string locale)
    {
        if (ToLocal(value) is not { } d) return "";
        var day = locale == "en" ? d.DayOfWeek.ToString() : VietnameseDays[(int)d.DayOfWeek];
        return $"{day}, {d.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)}";
    }

    /// <summary>"30.000 đ" in Vietnamese, "30,000 VND" in English.</summary>
    public static string Money(object? value, string locale)
    {
        var amount = value switch
        {
            long l => l,
            int i => i,
            double d => (long)Math.Round(d),
            string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) => p,
            _ => (long?)null,
        };
        if (amount is null) return value?.ToString() ?? "";
        return locale == "en"
            ? amount.Value.ToString("#,0", CultureInfo.InvariantCulture) + " VND"
            : amount.Value.ToString("#,0", CultureInfo.InvariantCulture).Replace(',', '.') + " đ";
    }

    private static string Mask(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (VietnamesePhone.TryNormalize(value, out var phone)) return VietnamesePhone.Mask(phone);
        return CitizenId.Mask(value);
    }

    [ThreadStatic] private static string? _lastDateText;
    [ThreadStatic] private static DateTime? _lastDate;

    /// <summary>
    /// An ISO date or date-time, shown in office time (Asia/Ho_Chi_Minh). Templates format the same value several
    /// times ("time" then "long_date"), so the last parse on this thread is kept.
    /// </summary>
    private static DateTime? ToLocal(object? value)
    {
        var s = value as string ?? value?.ToString();
        if (string.IsNullOrWhiteSpace(s)) return null;
        // In an HTML variant the model's strings arrive encoded ("+07:00" as "&#x2B;07:00"): dates must still read.
        if (s.Contains('&')) s = System.Net.WebUtility.HtmlDecode(s);
        if (ReferenceEquals(s, _lastDateText) || s == _lastDateText) return _lastDate;
        DateTime? result = null;
        if (s.Length == 10 && DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            result = date.ToDateTime(TimeOnly.MinValue);
        else if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dto))
            result = OfficeTime.ToLocal(dto, null).DateTime;
        _lastDateText = s;
        _lastDate = result;
        return result;
    }

    private static string Explain(string message) =>
        message.Contains("limit", StringComparison.OrdinalIgnoreCase)
            ? message + " (a template may not loop, recurse or write without bound)"
            : message;
}
