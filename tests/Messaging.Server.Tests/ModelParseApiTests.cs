using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Messaging.Server.Tests;

public sealed class ModelParseApiTests : IAsyncLifetime
{
    private MessagingServerFactory _factory = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _factory = new MessagingServerFactory();
        _client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private async Task<JsonElement> Parse(object body)
    {
        var r = await _client.PostAsJsonAsync("/model/parse", body);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task Parse_answers_in_rasa_shape_with_entities_from_the_office_directory()
    {
        const string text = "đặt lịch làm cccd ở xã Tịnh Hà sáng mai, sđt 0912 345 678";
        var r = await Parse(new { text, referenceTime = "2026-11-23T09:00:00+07:00" });
        Assert.Equal(text, r.GetProperty("text").GetString());
        Assert.Equal("book_appointment", r.GetProperty("intent").GetProperty("name").GetString());
        Assert.InRange(r.GetProperty("intent").GetProperty("confidence").GetDouble(), 0.4, 1.0);
        Assert.Equal(16, r.GetProperty("intent_ranking").GetArrayLength());
        var entities = r.GetProperty("entities").EnumerateArray()
            .ToDictionary(e => e.GetProperty("entity").GetString()!, e => e);
        Assert.Equal("2026-11-24", entities["date"].GetProperty("value").GetString());
        Assert.Equal("0912345678", entities["phone"].GetProperty("value").GetString());
        Assert.Equal("ca-xa-tinh-ha", entities["office"].GetProperty("value").GetString());
        Assert.Equal("cccd-first-issue", entities["procedure"].GetProperty("value").GetString());
        var office = entities["office"];
        Assert.Equal("xã Tịnh Hà", text[office.GetProperty("start").GetInt32()..office.GetProperty("end").GetInt32()]);
    }

    [Fact]
    public async Task Reference_time_defaults_to_now()
    {
        var r = await Parse(new { text = "hôm nay" });
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh")).DateTime);
        Assert.Equal(today.ToString("yyyy-MM-dd"), r.GetProperty("entities")[0].GetProperty("value").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("🙏🙏🙏")]
    [InlineData("\u0001\u0002 xin chào")]
    public async Task Odd_text_still_gets_a_valid_answer(string text)
    {
        var r = await Parse(new { text });
        Assert.False(string.IsNullOrEmpty(r.GetProperty("intent").GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Text_over_the_limit_gets_413_with_a_clear_message()
    {
        var r = await _client.PostAsJsonAsync("/model/parse", new { text = new string('a', 2001) });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        Assert.Contains("at most 2000", await r.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Malformed_json_gets_400()
    {
        var r = await _client.PostAsync("/model/parse", new StringContent("{text:", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
    }
}
