using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Messaging.Server.Tests;

public sealed class NotifierApiTests : IAsyncLifetime
{
    private MessagingServerFactory _factory = null!;

    public Task InitializeAsync()
    {
        _factory = new MessagingServerFactory(new Dictionary<string, string?>
        {
            ["Notifier:IdleDelay"] = "00:00:00.100",
            // This test runs on the real clock: an empty quiet window, so it passes at any hour.
            ["Notifier:QuietFrom"] = "00:00", ["Notifier:QuietUntil"] = "00:00",
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private HttpClient Client(string? key)
    {
        var c = _factory.CreateClient();
        if (key is not null) c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", key);
        return c;
    }

    [Fact]
    public async Task A_booking_made_over_the_api_is_confirmed_by_the_background_worker_into_the_local_outbox()
    {
        var anonymous = Client(null);
        var slots = JsonDocument.Parse(await anonymous.GetStringAsync("/api/slots?procedure=cccd-renewal&office=ca-xa-tinh-ha")).RootElement;
        var created = await anonymous.PostAsJsonAsync("/api/bookings", new
        {
            procedureId = "cccd-renewal", officeId = "ca-xa-tinh-ha", start = slots[0].GetProperty("start").GetDateTimeOffset(),
            citizenName = "Nguyễn Thị Thu", phone = "0987654321",
        });
        var code = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString()!;
        // Offline, with no approved ZNS template mapped, SMS is the local outbox that receives it.
        var outbox = Path.Combine(_factory.DataDirectory, "outbox", "sms.jsonl");
        for (var i = 0; i < 100 && !(File.Exists(outbox) && (await File.ReadAllTextAsync(outbox)).Contains(code)); i++) await Task.Delay(100);
        var line = Assert.Single(await File.ReadAllLinesAsync(outbox), l => l.Contains(code));
        Assert.Contains("\"to\":\"0987654321\"", line);

        var admin = Client(MessagingServerFactory.AdminKey);
        // The outbox line is written a moment before the delivery is recorded as sent.
        JsonElement deliveries = default;
        for (var i = 0; i < 100; i++)
        {
            deliveries = JsonDocument.Parse(await admin.GetStringAsync("/api/admin/deliveries?status=sent&channel=sms")).RootElement;
            if (deliveries.GetArrayLength() > 0) break;
            await Task.Delay(100);
        }
        var delivery = Assert.Single(deliveries.EnumerateArray());
        Assert.Equal("0987***321", delivery.GetProperty("recipientSummary").GetString());
        var detail = JsonDocument.Parse(await admin.GetStringAsync($"/api/admin/deliveries/{delivery.GetProperty("id").GetString()}")).RootElement;
        var attempts = detail.GetProperty("attempts");
        Assert.Equal("sms", attempts[attempts.GetArrayLength() - 1].GetProperty("channel").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(MessagingServerFactory.OfficerKey).GetAsync("/api/admin/deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/admin/poison")).StatusCode);
    }

    [Fact]
    public async Task Officers_broadcast_only_for_their_own_office()
    {
        var officer = Client(MessagingServerFactory.OfficerKey);
        var tomorrow = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7)).AddDays(1);
        var other = await officer.PostAsJsonAsync("/api/admin/broadcasts", new { officeId = "ca-xa-tra-bong", from = tomorrow, message = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        var own = await officer.PostAsJsonAsync("/api/admin/broadcasts", new { officeId = "ca-xa-tinh-ha", from = tomorrow, message = "Mất điện chiều nay" });
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        var id = JsonDocument.Parse(await own.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();

        var admin = Client(MessagingServerFactory.AdminKey);
        var elsewhere = await admin.PostAsJsonAsync("/api/admin/broadcasts", new { officeId = "ca-xa-tra-bong", from = tomorrow, message = "x" });
        var elsewhereId = JsonDocument.Parse(await elsewhere.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NotFound, (await officer.GetAsync($"/api/admin/broadcasts/{elsewhereId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync($"/api/admin/broadcasts/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await officer.PostAsync($"/api/admin/broadcasts/{id}/send", null)).StatusCode);
    }

    [Theory]
    [InlineData("time")]
    [InlineData("long_date")]
    [InlineData("mask")]
    [InlineData("string")]
    [InlineData("bookings")]
    public async Task A_broadcast_cannot_shadow_a_helper_or_what_the_product_fills_in(string name)
    {
        var officer = Client(MessagingServerFactory.OfficerKey);
        var tomorrow = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7)).AddDays(1);
        var data = new Dictionary<string, string> { [name] = "giả mạo" };
        var r = await officer.PostAsJsonAsync("/api/admin/broadcasts", new { officeId = "ca-xa-tinh-ha", from = tomorrow, message = "Lịch làm việc thay đổi", data });
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains(name, await r.Content.ReadAsStringAsync());
    }
}
