using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Messaging.Server.Tests;

public sealed class TemplateAdminApiTests : IAsyncLifetime
{
    private const string Base = "/api/admin/templates/notify/booking.reminder-day-before";
    private MessagingServerFactory _factory = null!;
    private HttpClient _admin = null!;

    public Task InitializeAsync()
    {
        _factory = new MessagingServerFactory();
        _admin = _factory.CreateClient();
        _admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", MessagingServerFactory.AdminKey);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private static async Task<JsonElement> Json(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("wrong-key-wrong-key-wrong-key-000", HttpStatusCode.Unauthorized)]
    [InlineData(MessagingServerFactory.OfficerKey, HttpStatusCode.Forbidden)]
    public async Task Anonymous_wrong_and_non_admin_callers_are_refused(string? key, HttpStatusCode expected)
    {
        var client = _factory.CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", key);
        Assert.Equal(expected, (await client.GetAsync("/api/admin/templates")).StatusCode);
        Assert.Equal(expected, (await client.PutAsJsonAsync(Base + "/draft", new { variants = new { } })).StatusCode);
        Assert.Equal(expected, (await client.PostAsync(Base + "/reset", null)).StatusCode);
    }

    [Fact]
    public async Task Edit_publish_and_render_through_the_api()
    {
        var list = await Json(await _admin.GetAsync("/api/admin/templates?q=nhắc"));
        Assert.Contains(list.EnumerateArray(), t => t.GetProperty("key").GetString() == "notify/booking.reminder-day-before");

        var details = await Json(await _admin.GetAsync(Base));
        var variants = details.GetProperty("live").GetProperty("variants").Deserialize<Dictionary<string, string>>()!;
        variants["vi.zalo"] = "Nhắc lịch: {{ booking.code }} lúc {{ booking.start | time }}\n{{ for d in booking.documents }}";

        var saved = await Json(await _admin.PutAsJsonAsync(Base + "/draft", new { variants, comment = "thử" }));
        var number = saved.GetProperty("version").GetProperty("number").GetInt32();
        var error = saved.GetProperty("report").GetProperty("errors")[0];
        Assert.Equal("vi.zalo", error.GetProperty("variant").GetString());
        Assert.True(error.GetProperty("line").GetInt32() >= 1);

        var refused = await _admin.PostAsync($"{Base}/versions/{number}/publish", null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);

        variants["vi.zalo"] = "Nhắc lịch: {{ booking.code }} lúc {{ booking.start | time }}";
        var fixedDraft = await Json(await _admin.PutAsJsonAsync(Base + "/draft", new { variants }));
        var fixedNumber = fixedDraft.GetProperty("version").GetProperty("number").GetInt32();
        var published = await _admin.PostAsync($"{Base}/versions/{fixedNumber}/publish", null);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);

        var preview = await Json(await _admin.PostAsJsonAsync(Base + "/preview", new { variant = "vi.zalo" }));
        Assert.Equal("Nhắc lịch: K7MQ4XA lúc 08:30", preview.GetProperty("text").GetString());
        // Posted data missing what the template uses is refused with the template error, not rendered half.
        var incomplete = await _admin.PostAsJsonAsync(Base + "/preview", new { variant = "vi.sms", model = new { booking = new { code = "X" } } });
        Assert.Equal(422, (int)incomplete.StatusCode);
        Assert.False((await Json(incomplete)).TryGetProperty("text", out _));

        var history = await Json(await _admin.GetAsync(Base + "/history"));
        Assert.Equal(fixedNumber, history[0].GetProperty("version").GetProperty("number").GetInt32());
        Assert.Equal("apikey:test-admin", history[0].GetProperty("version").GetProperty("publishedBy").GetString());

        var reset = await _admin.PostAsync(Base + "/reset", null);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        var after = await Json(await _admin.PostAsJsonAsync(Base + "/preview", new { variant = "vi.zalo" }));
        Assert.StartsWith("⏰ Nhắc lịch hẹn ngày mai", after.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Preview_of_an_sms_reports_encoding_and_parts()
    {
        var r = await Json(await _admin.PostAsJsonAsync(Base + "/preview", new { variant = "vi.sms" }));
        Assert.Equal("gsm7", r.GetProperty("sms").GetProperty("encoding").GetString());
        Assert.Equal(1, r.GetProperty("sms").GetProperty("segments").GetInt32());
        Assert.Equal(404, (int)(await _admin.GetAsync("/api/admin/templates/notify/nothing")).StatusCode);
    }
}
