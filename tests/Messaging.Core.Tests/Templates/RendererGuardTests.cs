using System.Text.Json;
using Messaging.Core.Templates;
using Microsoft.Extensions.Options;

namespace Messaging.Core.Tests.Templates;

/// <summary>A template must never hang, crash or leak: one test per guard.</summary>
public sealed class RendererGuardTests
{
    private static readonly TemplateRenderer Renderer = new(new TemplateRenderOptions { Timeout = TimeSpan.FromMilliseconds(500) });
    private static readonly JsonElement Model = JsonDocument.Parse("""
        {"citizen": {"name": "Nguyễn <b>An</b> & \"Co\"", "phone": "0912345678"}, "items": [1, 2, 3], "fee": 30000,
         "start": "2026-11-24T01:30:00Z", "day": "2026-11-24"}
        """).RootElement;

    private static string Render(string source, string locale = "vi", bool html = false) =>
        Renderer.Render("vi.test", source, Model, locale, html);

    private static TemplateIssue Fails(string source) =>
        Assert.Throws<TemplateRenderException>(() => Render(source)).Issue;

    [Fact]
    public void An_endless_loop_is_stopped_by_the_loop_limit()
    {
        var issue = Fails("{{ while true }}x{{ end }}");
        Assert.Contains("limit", issue.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_huge_range_is_stopped_too() =>
        Assert.Contains("limit", Fails("{{ for i in 1..100000000 }}{{ i }}{{ end }}").Message, StringComparison.OrdinalIgnoreCase);

    [Fact]
    public void A_render_past_its_timeout_is_aborted_even_with_the_loop_limit_off()
    {
        var slow = new TemplateRenderer(new TemplateRenderOptions { LoopLimit = 0, OutputLimit = 0, Timeout = TimeSpan.FromMilliseconds(50) });
        var started = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<TemplateRenderException>(() => slow.Render("vi.x", "{{ for i in 1..2000000000 }}{{ end }}", Model, "vi"));
        Assert.Contains("longer than", e.Message);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Nothing_a_render_leaves_behind_reaches_the_next_one()
    {
        // Contexts are reused between renders: a variable, a function, a culture or half an output must not carry over.
        var renderer = new TemplateRenderer(new TemplateRenderOptions { Timeout = TimeSpan.FromMilliseconds(200), LoopLimit = 0 });
        for (var round = 0; round < 3; round++)
        {
            Assert.Equal("ok", renderer.Render("vi.a", "{{ leaked = 42 }}{{ func f; ret 1; end }}ok", Model, "en"));
            Assert.Throws<TemplateRenderException>(() => renderer.Render("vi.b", "{{ leaked }}", Model, "vi"));
            Assert.Throws<TemplateRenderException>(() => renderer.Render("vi.c", "{{ f }}", Model, "vi"));
            Assert.Throws<TemplateRenderException>(() => renderer.Render("vi.d", "half {{ for i in 1..3 }}{{ i }}{{ nope }}{{ end }}", Model, "vi"));
            Assert.Throws<TemplateRenderException>(() => renderer.Render("vi.e", "{{ for i in 1..2000000000 }}{{ end }}", Model, "vi"));
            // The culture of the render before was English: numbers and money here are Vietnamese again.
            Assert.Equal("1,5 30.000 đ", renderer.Render("vi.f", "{{ 1.5 }} {{ money fee }}", Model, "vi"));
            Assert.Equal("1.5", renderer.Render("vi.g", "{{ 1.5 }}", Model, "en"));
        }
    }

    [Fact]
    public async Task Renders_on_many_threads_at_once_each_get_their_own_model()
    {
        var renderer = new TemplateRenderer();
        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() =>
        {
            var model = JsonDocument.Parse($$"""{"n": {{i}}}""").RootElement;
            return Enumerable.Range(0, 200).Select(_ => renderer.Render("vi.n", "{{ n }}{{ x = n }}{{ x }}", model, "vi")).Distinct().ToList();
        })));
        for (var i = 0; i < results.Length; i++) Assert.Equal([$"{i}{i}"], results[i]);
    }

    [Fact]
    public void Deep_recursion_is_stopped()
    {
        var issue = Fails("{{ func f(n) }}{{ f(n + 1) }}{{ end }}{{ f(1) }}");
        Assert.Contains("recursive", issue.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Output_without_bound_is_stopped() =>
        Assert.Throws<TemplateRenderException>(() => Render("{{ 'x' | string.pad_left 10000000 }}"));

    [Fact]
    public void An_unknown_variable_fails_with_its_position()
    {
        var issue = Fails("Xin chào\n{{ citizen.nam }}");
        Assert.Equal(2, issue.Line);
        Assert.Contains("nam", issue.Message);
        Assert.Throws<TemplateRenderException>(() => Render("{{ nobody }}"));
    }

    [Fact]
    public void No_dotnet_member_is_reachable()
    {
        // Strings and numbers are plain values: their .NET members (Length, GetType) are not exposed.
        Assert.Throws<TemplateRenderException>(() => Render("{{ citizen.name.GetType }}"));
        Assert.Throws<TemplateRenderException>(() => Render("{{ citizen.name.Length }}"));
        Assert.Throws<TemplateRenderException>(() => Render("{{ fee.GetType.Assembly }}"));
    }

    [Fact]
    public void Includes_are_refused() =>
        Assert.Throws<TemplateRenderException>(() => Render("{{ include '/etc/passwd' }}"));

    [Fact]
    public void Html_variants_escape_values_and_text_variants_do_not()
    {
        Assert.Equal("<p>Nguyễn &lt;b&gt;An&lt;/b&gt; &amp; &quot;Co&quot;</p>", Render("<p>{{ citizen.name }}</p>", html: true));
        Assert.Equal("Nguyễn <b>An</b> & \"Co\"", Render("{{ citizen.name }}"));
    }

    [Fact]
    public void A_parse_error_reports_line_and_column()
    {
        var errors = TemplateRenderer.ParseErrors("vi.sms", "Dòng một\nDòng hai {{ if }}\n");
        var e = Assert.Single(errors.Take(1));
        Assert.Equal(2, e.Line);
        Assert.Equal(16, e.Column); // where the condition is missing: the closing braces
    }

    [Fact]
    public void Helpers_format_vietnamese_dates_times_money_and_masks()
    {
        Assert.Equal("Thứ Ba, 24/11/2026", Render("{{ day | long_date }}"));
        Assert.Equal("Tuesday, 24/11/2026", Render("{{ day | long_date }}", "en"));
        Assert.Equal("08:30 24/11/2026", Render("{{ start | time }} {{ start | short_date }}")); // 01:30 UTC is 08:30 in Vietnam
        Assert.Equal("30.000 đ", Render("{{ fee | money }}"));
        Assert.Equal("30,000 VND", Render("{{ fee | money }}", "en"));
        Assert.Equal("0912***678", Render("{{ citizen.phone | mask }}"));
        Assert.Equal("Nguyen <b>An</b> & \"Co\"", Render("{{ citizen.name | de_accent }}"));
    }

    [Fact]
    public void Compiled_templates_are_cached_by_source()
    {
        var renderer = new TemplateRenderer();
        renderer.Render("vi.a", "{{ fee }}", Model, "vi");
        renderer.Render("vi.a", "{{ fee }}", Model, "vi");
        Assert.Equal(1, renderer.CachedTemplates);
    }

    [Fact]
    public async Task The_validator_reports_unknown_variables_in_branches_the_sample_never_runs()
    {
        var validator = new TemplateValidator(new TemplateRenderer(), Options.Create(new TemplateChannelOptions()));
        var definition = new TemplateDefinition("test/x", "", [], """{"a": {"b": 1}, "flag": false}""",
            new Dictionary<string, string> { ["vi.chat"] = "{{ a.b }}{{ if flag }}{{ a.c }}{{ end }}{{ for x in [1] }}{{ x }}{{ end }}" },
            false, new Dictionary<string, int>());
        var report = await validator.ValidateAsync(definition, default);
        var error = Assert.Single(report.Errors);
        Assert.Contains("'a.c'", error.Message);
        Assert.Equal((1, 26), (error.Line, error.Column));
    }

    [Fact]
    public async Task Channel_limits_are_checked()
    {
        var validator = new TemplateValidator(new TemplateRenderer(), Options.Create(new TemplateChannelOptions { MaxSmsSegments = 1 }));
        var definition = new TemplateDefinition("test/x", "", [], """{"n": "Ánh"}""",
            new Dictionary<string, string>
            {
                ["vi.zalo"] = "{{ 'a' | string.pad_left 2001 }}",
                ["vi.sms"] = "{{ n }} " + new string('x', 200),
                ["vi.email.subject"] = "dòng 1\ndòng 2",
                ["vi.zns"] = """{"template_id": "1", "params": {"customer_name": "{{ n }} {{ 'x' | string.pad_left 40 }}"}}""",
                ["xx.sms"] = "x",
            },
            false, new Dictionary<string, int> { ["customer_name"] = 30 });
        var report = await validator.ValidateAsync(definition, default);
        Assert.Contains(report.Errors, e => e.Variant == "vi.zalo" && e.Message.Contains("2000"));
        Assert.Contains(report.Errors, e => e.Variant == "vi.email.subject" && e.Message.Contains("one line"));
        Assert.Contains(report.Errors, e => e.Variant == "vi.zns" && e.Message.Contains("customer_name"));
        Assert.Contains(report.Errors, e => e.Variant == "xx.sms");
        Assert.Contains(report.Warnings, w => w.Variant == "vi.sms" && w.Message.Contains("UCS-2"));
        Assert.Contains(report.Warnings, w => w.Variant == "vi.sms" && w.Message.Contains("parts"));
    }
}

public sealed class SmsSegmentTests
{
    [Theory]
    [InlineData(0, SmsEncoding.Gsm7, 0, 0)]
    [InlineData(160, SmsEncoding.Gsm7, 160, 1)]
    [InlineData(161, SmsEncoding.Gsm7, 161, 2)]
    [InlineData(306, SmsEncoding.Gsm7, 306, 2)]
    [InlineData(307, SmsEncoding.Gsm7, 307, 3)]
    public void Gsm7_boundaries(int length, SmsEncoding encoding, int units, int segments) =>
        Assert.Equal(new SmsInfo(encoding, units, segments), SmsInfo.Measure(new string('a', length)));

    [Fact]
    public void Extension_characters_count_twice()
    {
        Assert.Equal(new SmsInfo(SmsEncoding.Gsm7, 160, 1), SmsInfo.Measure(new string('a', 158) + "€"));
        Assert.Equal(new SmsInfo(SmsEncoding.Gsm7, 161, 2), SmsInfo.Measure(new string('a', 157) + "{}"));
        Assert.Equal(new SmsInfo(SmsEncoding.Gsm7, 20, 1), SmsInfo.Measure("[x]^{y}~|\\€")); // 9 extension characters × 2 + 2
    }

    [Fact]
    public void Vietnamese_diacritics_force_ucs2_with_70_and_67()
    {
        Assert.Equal(new SmsInfo(SmsEncoding.Ucs2, 70, 1), SmsInfo.Measure("ạ" + new string('a', 69)));
        Assert.Equal(new SmsInfo(SmsEncoding.Ucs2, 71, 2), SmsInfo.Measure("ạ" + new string('a', 70)));
        Assert.Equal(new SmsInfo(SmsEncoding.Ucs2, 134, 2), SmsInfo.Measure("đ" + new string('a', 133)));
        Assert.Equal(new SmsInfo(SmsEncoding.Ucs2, 135, 3), SmsInfo.Measure("đ" + new string('a', 134)));
        Assert.Equal(SmsEncoding.Ucs2, SmsInfo.Measure("Đặt lịch").Encoding);
        Assert.Equal(SmsEncoding.Gsm7, SmsInfo.Measure("Dat lich luc 8h30 @ Cong an xa!").Encoding);
    }
}
