using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Messaging.Core.Appointments;
using Messaging.Core.Persistence;
using Messaging.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Server.Tests;

/// <summary>
/// Where one-time codes are required (as they are by default once a real SMS or ZNS gateway is configured), nobody
/// books with a phone they cannot read: the code goes to that phone (here the local SMS outbox) and must come back.
/// </summary>
public sealed class PhoneProofTests : IAsyncLifetime
{
    private MessagingServerFactory _factory = null!;
    private HttpClient _client = null!;
    private JsonElement _slot;

    public async Task InitializeAsync()
    {
        _factory = new MessagingServerFactory(new Dictionary<string, string?>
        {
            ["Identity:PhoneVerification"] = "Always",
            ["RateLimits:PublicPerMinute"] = "100000",
        });
        _client = _factory.CreateClient();
        var day = OfficeTime.LocalDate(DateTimeOffset.UtcNow, null).AddDays(9);
        _slot = JsonDocument.Parse(await _client.GetStringAsync($"/api/slots?procedure=cccd-renewal&office=ca-xa-tinh-ha&from={day:yyyy-MM-dd}&to={day.AddDays(7):yyyy-MM-dd}"))
            .RootElement.EnumerateArray().First();
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private Task<HttpResponseMessage> BookAsync(string phone, Guid? verificationId = null, string? code = null) =>
        _client.PostAsJsonAsync("/api/bookings", new
        {
            procedureId = "cccd-renewal", officeId = "ca-xa-tinh-ha", start = _slot.GetProperty("start").GetDateTimeOffset(),
            citizenName = "Nguyễn Văn An", phone, verificationId, verificationCode = code,
        });

    private async Task<Guid> AskCodeAsync(string phone)
    {
        var r = await _client.PostAsJsonAsync("/api/phone-verifications", new { phone });
        Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        return JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("verificationId").GetGuid();
    }

    [Fact]
    public async Task A_booking_needs_the_code_sent_to_its_phone()
    {
        var without = await BookAsync("0912345678");
        Assert.Equal(HttpStatusCode.Forbidden, without.StatusCode);
        Assert.Contains("PhoneNotVerified", await without.Content.ReadAsStringAsync());

        var id = await AskCodeAsync("0912 345 678");
        var code = await LocalOutbox.CodeSentToAsync(_factory.DataDirectory, "0912345678");
        var wrong = code == "000000" ? "111111" : "000000";
        Assert.Equal(HttpStatusCode.Forbidden, (await BookAsync("0912345678", id, wrong)).StatusCode);
        // The code is bound to the phone it went to.
        Assert.Equal(HttpStatusCode.Forbidden, (await BookAsync("0987654321", id, code)).StatusCode);
        var ok = await BookAsync("0912345678", id, code);
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        // Used once.
        Assert.Equal(HttpStatusCode.Forbidden, (await BookAsync("0912345678", id, code)).StatusCode);

        var booking = await ReadAsync(db => db.Bookings.AsNoTracking().SingleAsync());
        Assert.True(booking.PhoneVerified);
        // The code is not kept anywhere but the hash: not in the delivery record admins read.
        var deliveries = await ReadAsync(db => db.Deliveries.AsNoTracking().Where(d => d.Key.StartsWith("code:")).ToListAsync());
        Assert.NotEmpty(deliveries);
        Assert.All(deliveries, d => Assert.DoesNotContain(code, d.RequestJson));
    }

    [Fact]
    public async Task Guessing_a_code_in_parallel_gets_five_tries_in_all()
    {
        var id = await AskCodeAsync("0912345678");
        var code = await LocalOutbox.CodeSentToAsync(_factory.DataDirectory, "0912345678");
        var guesses = Enumerable.Range(0, 40).Select(i => (100000 + i * 997).ToString()).Where(g => g != code).Take(30);
        var results = await Task.WhenAll(guesses.Select(g => BookAsync("0912345678", id, g)));
        Assert.All(results, r => Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode));
        var attempts = await ReadAsync(db => db.Set<Messaging.Core.Identity.OneTimeCode>().AsNoTracking().Where(c => c.Id == id).Select(c => c.Attempts).SingleAsync());
        Assert.Equal(5, attempts);
        // Even the right code is refused now: the code is spent.
        Assert.Equal(HttpStatusCode.Forbidden, (await BookAsync("0912345678", id, code)).StatusCode);
    }

    [Fact]
    public async Task Codes_to_invented_numbers_are_capped_per_client_and_per_phone()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 25; i++)
            statuses.Add((await _client.PostAsJsonAsync("/api/phone-verifications", new { phone = $"0905{200000 + i * 13:000000}" })).StatusCode);
        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Accepted));
        Assert.Equal(15, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        int Sent() => LocalOutbox.Lines(_factory.DataDirectory, "zns").Concat(LocalOutbox.Lines(_factory.DataDirectory, "sms")).Count(LocalOutbox.IsCode);
        for (var i = 0; i < 100 && Sent() < 10; i++) await Task.Delay(50);
        await Task.Delay(300);
        Assert.Equal(10, Sent());

        Assert.Equal(HttpStatusCode.BadRequest, (await _client.PostAsJsonAsync("/api/phone-verifications", new { phone = "+1 202 555 0100" })).StatusCode);
    }

    [Fact]
    public async Task The_chat_asks_for_the_code_before_confirming_and_books_with_the_phone_proved()
    {
        var started = JsonDocument.Parse(await (await _client.PostAsJsonAsync("/api/conversations", new { })).Content.ReadAsStringAsync()).RootElement;
        _client.DefaultRequestHeaders.Authorization = new("Bearer", started.GetProperty("token").GetString());
        var id = started.GetProperty("conversationId").GetString()!;
        async Task<string> Say(string text, string? value = null)
        {
            var r = await _client.PostAsJsonAsync("/api/messages", new
            {
                type = "message", channelId = "webchat", from = new { id = "me" }, conversation = new { id }, text, value, deliveryMode = "expectReplies",
            });
            r.EnsureSuccessStatusCode();
            return await r.Content.ReadAsStringAsync();
        }
        var day = OfficeTime.LocalDate(_slot.GetProperty("start").GetDateTimeOffset(), null);
        var reply = await Say($"đặt lịch đổi căn cước ở xã Tịnh Hà ngày {day:dd/MM/yyyy}, tên Nguyễn Văn An, sđt 0912345678");
        var slot = JsonDocument.Parse(reply).RootElement.GetProperty("activities").EnumerateArray()
            .SelectMany(a => a.TryGetProperty("suggestedActions", out var s) ? s.GetProperty("actions").EnumerateArray() : Enumerable.Empty<JsonElement>())
            .First(a => a.GetProperty("value").GetString()!.StartsWith("slot|", StringComparison.Ordinal)).GetProperty("value").GetString();
        reply = await Say("", slot);
        Assert.Contains("mã xác nhận gồm 6 chữ số", System.Text.RegularExpressions.Regex.Unescape(reply));
        var code = await LocalOutbox.CodeSentToAsync(_factory.DataDirectory, "0912345678");
        reply = System.Text.RegularExpressions.Regex.Unescape(await Say(code));
        Assert.True(reply.Contains("\"yes\"", StringComparison.Ordinal), reply); // the confirmation with its buttons
        reply = await Say("", "yes");
        Assert.Contains("\"booking\"", reply);
        Assert.True(await ReadAsync(db => db.Bookings.AsNoTracking().AnyAsync(b => b.ChannelUserId == id && b.PhoneVerified)));
        // The identity is now linked to the phone: a second booking asks for no new code.
        reply = System.Text.RegularExpressions.Regex.Unescape(await Say($"đặt lịch làm hộ chiếu, sđt 0912345678"));
        Assert.DoesNotContain("mã xác nhận", reply);
        Assert.Single(LocalOutbox.Codes(_factory.DataDirectory, "0912345678"));
        Assert.True(await ReadAsync(db => db.Set<Messaging.Core.Identity.PhoneLink>().AnyAsync(l => l.Channel == "webchat" && l.Subject == id && l.Phone == "0912345678")));
    }

    private async Task<T> ReadAsync<T>(Func<MessagingDbContext, Task<T>> read)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<MessagingDbContext>());
    }
}
