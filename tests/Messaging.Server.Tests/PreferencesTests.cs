using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Messaging.Core.Appointments;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Server.Tests;

/// <summary>
/// How a citizen wants to be told things, set in the chat and through the booking API, for phones they proved: a
/// stranger who types someone's number cannot change where that person's reminders go. And a turn that arrives twice
/// is answered twice but run once.
/// </summary>
public sealed class PreferencesTests : IAsyncLifetime
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

    private async Task<T> ReadAsync<T>(Func<MessagingDbContext, Task<T>> read)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<MessagingDbContext>());
    }

    private Task<Contact?> ContactAsync(string phone) => ReadAsync(db => db.Set<Contact>().AsNoTracking().FirstOrDefaultAsync(c => c.Phone == phone));

    /// <summary>A web chat conversation of its own, and a way to say things in it (the raw response, unescaped).</summary>
    private async Task<(string Id, Func<string, string?, string?, Task<string>> Say)> ConversationAsync()
    {
        var client = _factory.CreateClient();
        var started = JsonDocument.Parse(await (await client.PostAsJsonAsync("/api/conversations", new { })).Content.ReadAsStringAsync()).RootElement;
        client.DefaultRequestHeaders.Authorization = new("Bearer", started.GetProperty("token").GetString());
        var id = started.GetProperty("conversationId").GetString()!;
        return (id, async (text, value, activityId) =>
        {
            var r = await client.PostAsJsonAsync("/api/messages", new
            {
                type = "message", id = activityId, channelId = "webchat", from = new { id = "me" }, conversation = new { id }, text, value,
                deliveryMode = "expectReplies",
            });
            r.EnsureSuccessStatusCode();
            return Regex.Unescape(await r.Content.ReadAsStringAsync());
        });
    }

    private Task<HttpResponseMessage> BookAsync(object? preferences, Guid? verificationId = null, string? code = null, string? email = null) =>
        _client.PostAsJsonAsync("/api/bookings", new
        {
            procedureId = "cccd-renewal", officeId = "ca-xa-tinh-ha", start = _slot.GetProperty("start").GetDateTimeOffset(),
            citizenName = "Nguyễn Văn An", phone = "0912345678", verificationId, verificationCode = code, email, preferences,
        });

    [Fact]
    public async Task The_booking_api_takes_preferences_only_with_a_verified_phone()
    {
        var unverified = await BookAsync(new { channels = new[] { "sms" } });
        Assert.Equal(HttpStatusCode.Forbidden, unverified.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await BookAsync(new { channels = new[] { "fax" } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await BookAsync(null, email: "not-an-email")).StatusCode);
        Assert.Null(await ContactAsync("0912345678"));

        var id = JsonDocument.Parse(await (await _client.PostAsJsonAsync("/api/phone-verifications", new { phone = "0912345678" })).Content.ReadAsStringAsync())
            .RootElement.GetProperty("verificationId").GetGuid();
        var code = await LocalOutbox.CodeSentToAsync(_factory.DataDirectory, "0912345678");
        var ok = await BookAsync(new { channels = new[] { "email", "sms" }, email = "An.Nguyen@Example.vn", locale = "en" }, id, code, email: "an@example.vn");
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);

        var contact = await ContactAsync("0912345678");
        Assert.Equal(["email", "sms"], contact!.ChannelOrder);
        Assert.Equal(("an.nguyen@example.vn", "en"), (contact.Email, contact.Locale));
        Assert.Equal("an@example.vn", (await ReadAsync(db => db.Bookings.AsNoTracking().SingleAsync())).Email);
    }

    [Fact]
    public async Task In_the_chat_a_citizen_proves_the_phone_once_then_chooses_sms_only_and_stops_and_resumes()
    {
        var (_, say) = await ConversationAsync();
        var reply = await say("chỉ nhận SMS thôi", null, null);
        Assert.Contains("số điện thoại nhận tin", reply);
        reply = await say("0912345678", null, null);
        Assert.Contains("mã xác nhận gồm 6 chữ số", reply);
        reply = await say(await LocalOutbox.CodeSentToAsync(_factory.DataDirectory, "0912345678"), null, null);
        Assert.Contains("Đã cập nhật cách nhận thông báo cho số 0912***678", reply);
        Assert.Contains("Nhận tin qua: SMS", reply);
        Assert.Equal(["sms"], (await ContactAsync("0912345678"))!.ChannelOrder);

        // The phone is proved for this conversation now: the next wishes apply at once, with no new code.
        reply = await say("tu choi sms", null, null);
        Assert.Contains("Đã ngừng nhận qua: SMS", reply);
        Assert.Equal(["sms"], (await ContactAsync("0912345678"))!.OptedOut);
        reply = await say("ĐĂNG KÝ LẠI", null, null);
        Assert.DoesNotContain("Đã ngừng nhận", reply);
        Assert.Empty((await ContactAsync("0912345678"))!.OptedOut);
        reply = await say("nhận qua email an.nguyen@example.vn", null, null);
        Assert.Contains("a***@example.vn", reply);
        Assert.Equal(["email", "sms"], (await ContactAsync("0912345678"))!.ChannelOrder);
        Assert.Single(LocalOutbox.Codes(_factory.DataDirectory, "0912345678"));
    }

    [Fact]
    public async Task A_stranger_who_types_someones_number_cannot_stop_their_messages()
    {
        var (_, owner) = await ConversationAsync();
        await owner("chỉ nhận SMS", null, null);
        await owner("0912345678", null, null);
        await owner(await LocalOutbox.CodeSentToAsync(_factory.DataDirectory, "0912345678"), null, null);

        var (_, stranger) = await ConversationAsync();
        var reply = await stranger("TU CHOI", null, null);
        Assert.Contains("số điện thoại nhận tin", reply);
        reply = await stranger("0912345678", null, null);
        Assert.Contains("mã xác nhận", reply); // the code goes to the owner's phone, not to the stranger
        reply = await stranger("123456", null, null);
        Assert.DoesNotContain("Đã cập nhật", reply);
        Assert.Empty((await ContactAsync("0912345678"))!.OptedOut);
    }

    [Fact]
    public async Task A_turn_posted_twice_with_its_id_is_answered_twice_from_one_run()
    {
        var (id, say) = await ConversationAsync();
        var first = await say("giờ làm việc của công an xã Tịnh Hà", null, "act-1");
        var second = await say("giờ làm việc của công an xã Tịnh Hà", null, "act-1");

        // The very replies of the first run, ids and all.
        Assert.Contains("Tịnh Hà", first);
        Assert.Equal(first, second);
        Assert.Equal(1, await ReadAsync(db => db.ConversationActivities.CountAsync(a => a.ConversationId == id && a.Direction == "in")));

        // The same id with other words is a client reusing ids: a turn of its own.
        await say("cảm ơn", null, "act-1");
        Assert.Equal(2, await ReadAsync(db => db.ConversationActivities.CountAsync(a => a.ConversationId == id && a.Direction == "in")));
    }

    [Fact]
    public async Task A_repeat_is_recognised_by_the_kept_turn_ids_and_on_a_row_from_before_they_were_kept_by_its_transcript()
    {
        var (id, say) = await ConversationAsync();
        var first = await say("giờ làm việc của công an xã Tịnh Hà", null, "act-1");
        await say("cảm ơn", null, "act-2");
        Assert.Equal("act-1\nact-2", await ReadAsync(db => db.Conversations.Where(c => c.Id == id).Select(c => c.RecentTurns).SingleAsync()));

        // A row saved before the ids were kept: the repeat is found in the transcript, and the ids are taken from it.
        await ReadAsync(db => db.Conversations.Where(c => c.Id == id).ExecuteUpdateAsync(u => u.SetProperty(c => c.RecentTurns, (string?)null)));
        Assert.Equal(first, await say("giờ làm việc của công an xã Tịnh Hà", null, "act-1"));
        await say("xin chào", null, "act-3");
        Assert.Equal("act-1\nact-2\nact-3", await ReadAsync(db => db.Conversations.Where(c => c.Id == id).Select(c => c.RecentTurns).SingleAsync()));
        Assert.Equal(3, await ReadAsync(db => db.ConversationActivities.CountAsync(a => a.ConversationId == id && a.Direction == "in")));
    }
}
