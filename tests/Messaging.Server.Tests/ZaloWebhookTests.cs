using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Notifier.Channels.Zalo;
using Messaging.Testing.Fakes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Server.Tests;

/// <summary>
/// The Zalo OA webhook over HTTP with Zalo's signature, and the bot's answers arriving at a fake Zalo OpenAPI server
/// (a real HTTP server speaking the documented JSON): what a citizen on Zalo sees.
/// </summary>
public sealed class ZaloWebhookTests : IAsyncLifetime
{
    private const string AppId = "3482178216594085616";
    private const string OaId = "579745863508352884";
    private const string Secret = "oa-secret-for-tests";
    private const string User = "3216904426693862293";
    private const string SmsToken = "sms-callback-token-0123456789";
    private readonly FakeZaloServer _zalo = new();
    private MessagingServerFactory _factory = null!;
    private HttpClient _client = null!;
    private int _msg;

    public async Task InitializeAsync()
    {
        await _zalo.StartAsync();
        _factory = new MessagingServerFactory(new Dictionary<string, string?>
        {
            ["Zalo:AppId"] = AppId, ["Zalo:OaId"] = OaId, ["Zalo:OaSecretKey"] = Secret, ["Zalo:AppSecretKey"] = FakeZaloServer.AppSecret,
            ["Zalo:AccessToken"] = _zalo.AccessToken, ["Zalo:RefreshToken"] = _zalo.RefreshToken,
            ["Zalo:OpenApiUrl"] = _zalo.BaseUrl.ToString(), ["Zalo:OAuthUrl"] = _zalo.BaseUrl.ToString(),
            ["Zalo:BusinessApiUrl"] = _zalo.BaseUrl.ToString(), ["Sms:CallbackToken"] = SmsToken,
            ["Notifier:BaseBackoff"] = "00:00:00.200",
        });
        _client = _factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _zalo.DisposeAsync();
    }

    private static string Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString();

    private object Text(string text, string? msgId = null, string? timestamp = null, string user = User) => new
    {
        app_id = AppId, user_id_by_app = "1234567890123456789", event_name = "user_send_text", timestamp = timestamp ?? Now(),
        sender = new { id = user }, recipient = new { id = OaId }, message = new { msg_id = msgId ?? "u" + Interlocked.Increment(ref _msg), text },
    };

    private async Task<HttpResponseMessage> PostAsync(object payload, Func<byte[], byte[]>? tamper = null, string? signature = null)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(payload);
        var root = JsonDocument.Parse(body).RootElement;
        var mac = signature ?? ZaloSignature.Compute(root.GetProperty("app_id").GetString()!, body, root.GetProperty("timestamp").GetString()!, Secret);
        var content = new ByteArrayContent(tamper?.Invoke(body) ?? body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.Add(ZaloSignature.Header, mac);
        return await _client.PostAsync("/webhooks/zalo", content);
    }

    /// <summary>Waits until the fake Zalo server has received <paramref name="count"/> consultation messages in all.</summary>
    private async Task<List<FakeZaloServer.Call>> MessagesAsync(int count)
    {
        for (var i = 0; i < 300 && _zalo.Messages.Count() < count; i++) await Task.Delay(50);
        return _zalo.Messages.ToList();
    }

    private async Task<T> ReadAsync<T>(Func<MessagingDbContext, Task<T>> read)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<MessagingDbContext>());
    }

    private static string TextOf(FakeZaloServer.Call c) => c.Body.GetProperty("message").GetProperty("text").GetString()!;

    private static List<string> ButtonsOf(FakeZaloServer.Call c) =>
        c.Body.GetProperty("message").TryGetProperty("attachment", out var a)
            ? a.GetProperty("payload").GetProperty("buttons").EnumerateArray().Select(b => b.GetProperty("title").GetString()!).ToList()
            : [];

    [Fact]
    public async Task A_signed_event_is_answered_at_once_and_the_reply_reaches_Zalo_with_buttons()
    {
        var r = await PostAsync(Text("xin chào"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var reply = Assert.Single(await MessagesAsync(1));
        Assert.Equal(User, reply.Body.GetProperty("recipient").GetProperty("user_id").GetString());
        Assert.StartsWith("Xin chào", TextOf(reply));
        var buttons = reply.Body.GetProperty("message").GetProperty("attachment").GetProperty("payload").GetProperty("buttons");
        Assert.True(buttons.GetArrayLength() is > 0 and <= 5);
        Assert.Equal("oa.query.show", buttons[0].GetProperty("type").GetString());
        Assert.Equal(buttons[0].GetProperty("title").GetString(), buttons[0].GetProperty("payload").GetString());
        var user = await ReadAsync(db => db.ZaloUsers.AsNoTracking().SingleAsync(u => u.UserId == User));
        Assert.NotNull(user.LastInteractionAt);
    }

    [Fact]
    public async Task A_reply_Zalo_refuses_for_a_moment_is_sent_again_once_and_the_turn_is_not_run_again()
    {
        // Zalo's rate limit twice, then success: the reply goes through the notifier's claimed, retried path.
        _zalo.FailNext(User, -32, -32);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Text("giờ làm việc của công an xã Tịnh Hà", msgId: "retry-1"))).StatusCode);

        var calls = await MessagesAsync(3);
        Assert.Equal(3, calls.Count);
        Assert.Single(calls.Select(TextOf).Distinct()); // the same reply each time, never a second answer
        await Task.Delay(500);
        Assert.Equal(3, _zalo.Messages.Count());
        var delivery = await ReadAsync(db => db.Deliveries.Include(d => d.Attempts).AsNoTracking().SingleAsync(d => d.Key.StartsWith("reply:zalo:")));
        Assert.Equal((DeliveryStatus.Sent, 3), (delivery.Status, delivery.Attempts.Count));
        Assert.Equal(1, await ReadAsync(db => db.ConversationActivities.CountAsync(a => a.ConversationId == "zalo:" + User && a.Direction == "in")));
        var stored = await ReadAsync(db => db.InboundEvents.AsNoTracking().SingleAsync());
        Assert.Equal((1, null), (stored.Attempts, stored.Error));
    }

    [Fact]
    public async Task A_wrong_signature_an_old_event_or_a_body_changed_by_one_byte_is_refused_and_nothing_is_processed()
    {
        var wrong = await PostAsync(Text("xin chào"), signature: "mac=" + new string('0', 64));
        var old = await PostAsync(Text("xin chào", timestamp: DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeMilliseconds().ToString()));
        var tampered = await PostAsync(Text("xin chào"), tamper: b =>
        {
            var copy = (byte[])b.Clone();
            var i = Encoding.UTF8.GetString(copy).IndexOf("xin", StringComparison.Ordinal);
            copy[i] = (byte)'X';
            return copy;
        });
        var unsigned = await _client.PostAsync("/webhooks/zalo", new StringContent(JsonSerializer.Serialize(Text("xin chào")), Encoding.UTF8, "application/json"));
        var notJson = await PostAsync(new { app_id = AppId, timestamp = Now() }, tamper: _ => "{not json"u8.ToArray());

        Assert.All([wrong, old, tampered, unsigned], r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        await Task.Delay(500);
        Assert.Empty(_zalo.Messages);
        Assert.Equal(0, await ReadAsync(db => db.InboundEvents.CountAsync()));
    }

    [Fact]
    public async Task A_redelivered_event_is_acknowledged_and_processed_once()
    {
        var e = Text("xin chào", msgId: "redelivered-1");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(e)).StatusCode);
        var again = await PostAsync(e);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("duplicate", await again.Content.ReadAsStringAsync());
        await MessagesAsync(1);
        await Task.Delay(500);
        Assert.Single(_zalo.Messages);
        Assert.Equal(1, await ReadAsync(db => db.InboundEvents.CountAsync()));
    }

    [Fact]
    public async Task A_whole_conversation_over_Zalo_books_an_appointment_by_tapping_buttons()
    {
        await PostAsync(Text("đặt lịch làm căn cước ở xã Tịnh Hà"));
        var seen = 0;
        string? code = null;
        for (var step = 0; step < 12 && code is null; step++)
        {
            var all = await MessagesAsync(seen + 1);
            Assert.True(all.Count > seen, $"no reply after step {step}");
            await Task.Delay(200); // a turn's replies arrive together
            all = _zalo.Messages.ToList();
            var last = all[^1];
            seen = all.Count;
            var text = TextOf(last);
            if (text.Contains("Mã lịch hẹn:", StringComparison.Ordinal))
            {
                code = text.Split("Mã lịch hẹn:")[1].Trim().Split('\n')[0].Trim();
                break;
            }
            var lastButtons = ButtonsOf(last);
            // With Zalo's ZNS configured, codes are required: the one-time code went to the phone (ZNS has no approved
            // template here, so SMS, which writes to the local outbox) and is typed back.
            string answer = text.Contains("mã xác nhận", StringComparison.Ordinal) ? await Messaging.Testing.LocalOutbox.CodeSentToAsync(_factory.DataDirectory, "0912345678")
                : lastButtons.Contains("Xác nhận") ? "Xác nhận"
                : lastButtons.Count > 0 ? lastButtons[0]
                : text.Contains("họ và tên", StringComparison.Ordinal) ? "Nguyễn Văn An"
                : text.Contains("số điện thoại", StringComparison.Ordinal) ? "0912345678"
                : throw new Xunit.Sdk.XunitException("unexpected bot message: " + text);
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(Text(answer))).StatusCode);
        }

        Assert.NotNull(code);
        var booking = await ReadAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.Code == code));
        Assert.Equal(("zalo", User, "0912345678", true), (booking.Channel, booking.ChannelUserId, booking.Phone, booking.PhoneVerified));
        Assert.All(_zalo.Messages, m => Assert.True(TextOf(m).Length <= ZaloApiClient.MaxTextLength));
    }

    [Fact]
    public async Task Follow_the_info_form_and_an_opt_out_keyword_update_the_contact()
    {
        await PostAsync(new { app_id = AppId, oa_id = OaId, event_name = "follow", timestamp = Now(), follower = new { id = User }, user_id_by_app = "1" });
        await PostAsync(new
        {
            app_id = AppId, event_name = "user_submit_info", timestamp = Now(), sender = new { id = User }, recipient = new { id = OaId },
            info = new { name = "Trần Thị Bình", phone = "0905111222", address = "Tịnh Hà", city = "Quảng Ngãi" },
        });
        for (var i = 0; i < 100 && await ReadAsync(db => db.Set<Contact>().CountAsync(c => c.ZaloUserId == User)) == 0; i++) await Task.Delay(50);
        var contact = await ReadAsync(db => db.Set<Contact>().AsNoTracking().SingleAsync(c => c.ZaloUserId == User));
        Assert.Equal(("0905111222", "Trần Thị Bình"), (contact.Phone, contact.Name));

        await PostAsync(Text("TỪ CHỐI"));
        var reply = Assert.Single(await MessagesAsync(1));
        Assert.Contains("không nhận tin thông báo", TextOf(reply));
        contact = await ReadAsync(db => db.Set<Contact>().AsNoTracking().SingleAsync(c => c.ZaloUserId == User));
        Assert.Contains("zalo", contact.OptedOut);

        await PostAsync(new { app_id = AppId, oa_id = OaId, event_name = "unfollow", timestamp = Now(), follower = new { id = User }, user_id_by_app = "1" });
        for (var i = 0; i < 100 && (await ReadAsync(db => db.ZaloUsers.AsNoTracking().SingleAsync(u => u.UserId == User))).Following; i++) await Task.Delay(50);
        Assert.False((await ReadAsync(db => db.ZaloUsers.AsNoTracking().SingleAsync(u => u.UserId == User))).Following);
    }

    [Fact]
    public async Task Another_Zalo_user_cannot_take_over_a_phone_or_opt_its_owner_out()
    {
        const string Stranger = "7700000000000000001";
        // The owner shares their phone through Zalo's own consent form: proof enough.
        await PostAsync(new
        {
            app_id = AppId, event_name = "user_submit_info", timestamp = Now(), sender = new { id = User }, recipient = new { id = OaId },
            info = new { name = "Trần Thị Bình", phone = "0905111222" },
        });
        for (var i = 0; i < 100 && !await ReadAsync(db => db.Set<Messaging.Core.Identity.PhoneLink>().AnyAsync(l => l.Subject == User)); i++) await Task.Delay(50);

        // A stranger books with the owner's number: the code goes to the owner's phone, which the stranger cannot read.
        await PostAsync(Text("đặt lịch làm căn cước ở xã Tịnh Hà, tên Nguyễn Văn Lạ, sđt 0905111222", user: Stranger));
        string? asked = null;
        for (var step = 0; step < 8 && asked is null; step++)
        {
            var all = await MessagesAsync(_zalo.Messages.Count() + 1);
            await Task.Delay(200);
            var last = _zalo.Messages.Last(m => m.Body.GetProperty("recipient").GetProperty("user_id").GetString() == Stranger);
            if (TextOf(last).Contains("mã xác nhận", StringComparison.Ordinal)) asked = TextOf(last);
            else await PostAsync(Text(ButtonsOf(last).First(), user: Stranger));
        }
        Assert.NotNull(asked);
        Assert.DoesNotContain("0905111222", asked); // the number is shown masked
        for (var i = 0; i < 5; i++) await PostAsync(Text("123456", user: Stranger));
        await Task.Delay(1000);
        Assert.False(await ReadAsync(db => db.Bookings.AnyAsync(b => b.ChannelUserId == Stranger)));

        // The stranger's "TỪ CHỐI" stops Zalo messages to the stranger, not to the phone's owner.
        var before = _zalo.Messages.Count();
        await PostAsync(Text("TỪ CHỐI", user: Stranger));
        await MessagesAsync(before + 1);
        var contact = await ReadAsync(db => db.Set<Contact>().AsNoTracking().SingleAsync(c => c.Phone == "0905111222"));
        Assert.Equal(User, contact.ZaloUserId);
        Assert.Empty(contact.OptedOut);
        Assert.True((await ReadAsync(db => db.ZaloUsers.AsNoTracking().SingleAsync(u => u.UserId == Stranger))).OptedOut);
    }

    [Fact]
    public async Task Delivery_and_read_receipts_and_SMS_reports_reach_the_delivery_record()
    {
        var zaloDelivery = Guid.NewGuid();
        var znsDelivery = Guid.NewGuid();
        var smsDelivery = Guid.NewGuid();
        await ReadAsync(async db =>
        {
            var now = DateTimeOffset.UtcNow;
            db.Deliveries.AddRange(
                new Delivery { Id = zaloDelivery, Key = "k-zalo", Status = DeliveryStatus.Sent, Channel = "zalo", ProviderMessageId = "m-77", CreatedAt = now, UpdatedAt = now },
                new Delivery { Id = znsDelivery, Key = "k-zns", Status = DeliveryStatus.Sent, Channel = "zns", ProviderMessageId = "z-88", CreatedAt = now, UpdatedAt = now },
                new Delivery { Id = smsDelivery, Key = "k-sms", Status = DeliveryStatus.Sent, Channel = "sms", ProviderMessageId = "s-99", CreatedAt = now, UpdatedAt = now });
            return await db.SaveChangesAsync();
        });

        await PostAsync(new { app_id = AppId, event_name = "user_received_message", timestamp = Now(), sender = new { id = OaId }, recipient = new { id = User }, message = new { msg_id = "m-77" } });
        await PostAsync(new { app_id = AppId, event_name = "user_seen_message", timestamp = Now(), sender = new { id = OaId }, recipient = new { id = User }, message = new { msg_ids = new[] { "m-77" } } });
        await PostAsync(new
        {
            app_id = AppId, event_name = "user_received_message", timestamp = Now(), sender = new { id = OaId }, recipient = new { id = "84912345678" },
            message = new { delivery_time = Now(), msg_id = "z-88", tracking_id = "k-zns" },
        });
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.GetAsync("/webhooks/sms/esms?token=wrong&SMSID=s-99&SendStatus=5&SendSuccess=1")).StatusCode);
        var report = await _client.GetAsync($"/webhooks/sms/esms?token={SmsToken}&SMSID=s-99&SendFailed=0&SendStatus=5&SendSuccess=1&RequestId=k-sms&TypeId=2&telcoid=1&phonenumber=0912345678");
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);

        Delivery Of(List<Delivery> all, Guid id) => all.Single(d => d.Id == id);
        List<Delivery> deliveries = [];
        for (var i = 0; i < 100; i++)
        {
            deliveries = await ReadAsync(db => db.Deliveries.AsNoTracking().ToListAsync());
            if (Of(deliveries, zaloDelivery).SeenAt is not null && Of(deliveries, znsDelivery).DeliveredAt is not null) break;
            await Task.Delay(50);
        }
        Assert.NotNull(Of(deliveries, zaloDelivery).DeliveredAt);
        Assert.NotNull(Of(deliveries, zaloDelivery).SeenAt);
        Assert.Equal("seen", Of(deliveries, zaloDelivery).ProviderStatus);
        Assert.NotNull(Of(deliveries, znsDelivery).DeliveredAt);
        Assert.Null(Of(deliveries, znsDelivery).SeenAt);
        Assert.NotNull(Of(deliveries, smsDelivery).DeliveredAt);
    }
}
