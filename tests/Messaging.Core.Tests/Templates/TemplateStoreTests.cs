using System.Text.Json;
using Messaging.Core.Persistence;
using Messaging.Core.Templates;
using Messaging.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Core.Tests.Templates;

public sealed class TemplateStoreTests : IAsyncLifetime
{
    private const string Key = "notify/booking.confirmed";
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
    public async Task DisposeAsync() => await _db.DisposeAsync();

    private Task<T> Store<T>(Func<TemplateStore, Task<T>> f) => _db.InScopeAsync(sp => f(sp.GetRequiredService<TemplateStore>()));

    private async Task<Dictionary<string, string>> LiveVariants() =>
        (await Store(s => s.GetAsync(Key, default))).Live!.Variants.ToDictionary();

    private static JsonElement Sample() => JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Templates, Key, "sample.json"))).RootElement;

    [Fact]
    public async Task Shipped_templates_are_seeded_once_and_live()
    {
        var list = await Store(s => s.ListAsync(null, default));
        Assert.Contains(list, t => t.Key == Key && t.LiveVersion == 1);
        var again = await Store(s => s.SeedAsync(TemplateFiles.LoadDirectory(RepoPaths.Templates), default));
        Assert.Equal(0, again);
        Assert.Single(await Store(s => s.ListAsync("xác nhận đặt lịch", default)));
        Assert.Single(await Store(s => s.ListAsync("xac nhan dat lich", default)));
    }

    [Fact]
    public async Task A_draft_with_a_syntax_error_is_saved_but_cannot_be_published()
    {
        var variants = await LiveVariants();
        variants["vi.sms"] = "Lịch hẹn {{ if booking.code }}{{ booking.code }}"; // an if without its end
        var (draft, report) = await Store(s => s.SaveDraftAsync(Key, variants, "thử", "admin-1", default));
        Assert.Equal(2, draft.Number);
        var error = Assert.Single(report.Errors);
        Assert.Equal("vi.sms", error.Variant);
        Assert.Equal(1, error.Line);

        var (_, publish) = await Store(s => s.PublishAsync(Key, 2, "admin-1", default));
        Assert.False(publish.IsValid);
        Assert.Equal(1, (await Store(s => s.GetAsync(Key, default))).Live!.Number);
    }

    [Fact]
    public async Task Publish_makes_the_new_wording_live_and_history_shows_who_and_the_diff()
    {
        var variants = await LiveVariants();
        variants["vi.sms"] = "{{ office.name }}: Lich hen {{ booking.code }} luc {{ booking.start | time }} da xac nhan.";
        await Store(s => s.SaveDraftAsync(Key, variants, "ngắn gọn hơn", "admin-1", default));
        var (published, report) = await Store(s => s.PublishAsync(Key, 2, "admin-2", default));
        Assert.True(report.IsValid);
        Assert.Equal(TemplateVersionStatus.Published, published.Status);

        var rendered = await Store(s => s.RenderAsync(Key, "sms", "vi", Sample(), default));
        Assert.Equal("Cong an xa Tinh Ha: Lich hen K7MQ4XA luc 08:30 da xac nhan.", rendered!.Text);

        var history = await Store(s => s.HistoryAsync(Key, default));
        Assert.Equal([2, 1], history.Select(h => h.Version.Number));
        Assert.Equal(("admin-1", "admin-2"), (history[0].Version.CreatedBy, history[0].Version.PublishedBy));
        Assert.Contains("@@ vi.sms", history[0].Diff);
        Assert.Contains("+ {{ office.name }}: Lich hen", history[0].Diff);
        Assert.Contains("- {{ office.name }}: Da dat lich", history[0].Diff);
        Assert.Equal(TemplateVersionStatus.Superseded, history[1].Version.Status);

        var audit = await _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().AuditLog
            .Where(a => a.Subject == Key).Select(a => a.Action + " by " + a.Actor).ToListAsync());
        Assert.Contains("template.save by admin-1", audit);
        Assert.Contains("template.publish by admin-2", audit);
    }

    [Fact]
    public async Task Rollback_and_reset_create_new_published_versions()
    {
        var original = await LiveVariants();
        var edited = new Dictionary<string, string>(original) { ["vi.sms"] = "{{ office.name }}: lich {{ booking.code }}." };
        await Store(s => s.SaveDraftAsync(Key, edited, null, "admin", default));
        await Store(s => s.PublishAsync(Key, 2, "admin", default));

        var (rolledBack, _) = await Store(s => s.RollbackAsync(Key, 1, "admin", default));
        Assert.Equal(3, rolledBack.Number);
        Assert.Equal(original["vi.sms"], (await LiveVariants())["vi.sms"]);

        await Store(s => s.SaveDraftAsync(Key, edited, null, "admin", default));
        await Store(s => s.PublishAsync(Key, 4, "admin", default));
        var (reset, _) = await Store(s => s.ResetAsync(Key, "admin", default));
        Assert.Equal(5, reset.Number);
        Assert.Equal("default", reset.Origin);
        Assert.Equal(original, await LiveVariants());
    }

    [Fact]
    public async Task Preview_renders_posted_text_with_posted_data_and_counts_sms_parts()
    {
        var variants = new Dictionary<string, string> { ["vi.sms"] = "Chào {{ citizen.name }}, mã {{ booking.code }}." };
        var preview = await Store(s => s.PreviewAsync(Key, "vi.sms", variants,
            """{"citizen": {"name": "Trần Thị Bình"}, "booking": {"code": "ACDEFGH"}}""", default));
        Assert.Equal("Chao Tran Thi Binh, ma ACDEFGH.", preview.Text); // this template sends SMS without diacritics
        Assert.Equal(new SmsInfo(SmsEncoding.Gsm7, 31, 1), preview.Sms);
    }

    [Fact]
    public async Task An_english_request_falls_back_to_vietnamese_where_no_english_variant_exists()
    {
        var rendered = await Store(s => s.RenderAsync(Key, "zns", "en", Sample(), default));
        Assert.Equal("vi.zns", rendered!.Variant);
        Assert.Equal("Nguyễn Văn An", rendered.ZnsParameters!["customer_name"]);
        Assert.Null(await Store(s => s.RenderAsync("notify/broadcast", "chat-nope", "vi", Sample(), default)));
    }
}
