using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Core.Templates;
using Messaging.Notifier.Channels;
using Messaging.Notifier.Channels.Sms;
using Messaging.Notifier.Channels.Zalo;
using Messaging.Notifier.Queues;
using Messaging.Notifier.Worker;
using Messaging.Testing;
using Messaging.Testing.Fakes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Notifier.Tests;

/// <summary>
/// The real Zalo, ZNS and SMS senders against fake gateways that are real HTTP servers speaking the documented JSON,
/// driven through the real worker, queue, templates and database.
/// </summary>
public sealed class ChannelTests : IAsyncLifetime
{
    private const string UserId = "3216904426693862293";
    private readonly FakeZaloServer _zalo = new();
    private readonly FakeSmsGateway _sms = new();
    private TestDatabase _db = null!;

    private INotificationQueue Queue => _db.Services.GetRequiredService<INotificationQueue>();
    private NotificationProcessor Processor => _db.Services.GetRequiredService<NotificationProcessor>();
    private IChannelSender Sender(string channel) => _db.Services.GetServices<IChannelSender>().Single(s => s.Channel == channel);

    public async Task InitializeAsync()
    {
        await _zalo.StartAsync();
        await _sms.StartAsync();
        _db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, settings: Settings(_zalo, _sms),
            configure: (services, configuration) => services.AddMessagingNotifier(configuration, runWorkers: false));
    }

    public static Dictionary<string, string?> Settings(FakeZaloServer zalo, FakeSmsGateway sms) => new()
    {
        ["Zalo:AppId"] = "3482178216594085616", ["Zalo:OaId"] = "579745863508352884", ["Zalo:OaSecretKey"] = "oa-secret-for-tests",
        ["Zalo:AppSecretKey"] = FakeZaloServer.AppSecret, ["Zalo:AccessToken"] = zalo.AccessToken, ["Zalo:RefreshToken"] = zalo.RefreshToken,
        ["Zalo:OpenApiUrl"] = zalo.BaseUrl.ToString(), ["Zalo:OAuthUrl"] = zalo.BaseUrl.ToString(), ["Zalo:BusinessApiUrl"] = zalo.BaseUrl.ToString(),
        ["Sms:Url"] = sms.SendUrl.ToString(), ["Sms:ApiKey"] = FakeSmsGateway.ApiKey, ["Sms:SecretKey"] = FakeSmsGateway.SecretKey,
        ["Sms:Brandname"] = "CAXTINHHA",
        ["Notifier:DefaultChannelOrder:0"] = "zalo", ["Notifier:DefaultChannelOrder:1"] = "zns",
        ["Notifier:DefaultChannelOrder:2"] = "sms", ["Notifier:DefaultChannelOrder:3"] = "email",
    };

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        await _zalo.DisposeAsync();
        await _sms.DisposeAsync();
    }

    private static JsonElement BookingData() => JsonSerializer.SerializeToElement(new
    {
        citizen = new { name = "Nguyễn Văn An", phone = "0912345678" },
        booking = new { code = "K7MQ4XA", queue_number = 12, start = "2026-11-25T08:30:00+07:00", procedure = "Cấp đổi thẻ căn cước", documents = new[] { "Thẻ căn cước" } },
        office = new { name = "Công an xã Tịnh Hà", address = "xã Tịnh Hà", phone = "0255 3000 101", map_url = "https://maps.example/tinh-ha" },
    });

    private async Task<Outcome> SendThroughWorkerAsync(NotificationRequest request)
    {
        await Queue.SendAsync(JsonSerializer.Serialize(request, NotificationProcessor.Json), null, default);
        var message = Assert.Single(await Queue.ReceiveAsync(1, TimeSpan.FromMinutes(1), default));
        return await Processor.ProcessAsync(message, default);
    }

    private Task<Delivery> DeliveryAsync(string key) => _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>()
        .Deliveries.Include(d => d.Attempts).AsNoTracking().SingleAsync(d => d.Key == key));

    /// <summary>An admin sets the approved ZNS template id, as they would in the template editor.</summary>
    private Task ApproveZnsTemplateAsync(string key, string templateId) => _db.InScopeAsync(async sp =>
    {
        var store = sp.GetRequiredService<TemplateStore>();
        var details = await store.GetAsync(key, default);
        var variants = new Dictionary<string, string>(details.Live!.Variants)
        {
            ["vi.zns"] = details.Live.Variants["vi.zns"].Replace("\"template_id\": \"\"", $"\"template_id\": \"{templateId}\""),
        };
        var (version, report) = await store.SaveDraftAsync(key, variants, "ZNS template approved", "test", default);
        Assert.True(report.IsValid, string.Join("; ", report.Errors.Select(e => e.Message)));
        Assert.True((await store.PublishAsync(key, version.Number, "test", default)).Report.IsValid);
    });

    [Fact]
    public async Task Zalo_outside_the_window_then_no_Zalo_account_then_SMS_delivered_with_three_attempts_on_one_record()
    {
        await ApproveZnsTemplateAsync("notify/booking.confirmed", "312345");
        _zalo.FailNext(UserId, -230);
        _zalo.FailNext("84912345678", -118);
        var request = new NotificationRequest("booking-confirmed:K7MQ4XA", "notify/booking.confirmed",
            new Recipient("Nguyễn Văn An", "0912345678", ZaloUserId: UserId), BookingData());

        Assert.Equal(Outcome.Sent, await SendThroughWorkerAsync(request));

        var delivery = await DeliveryAsync(request.Key);
        Assert.Equal((DeliveryStatus.Sent, "sms"), (delivery.Status, delivery.Channel));
        var attempts = delivery.Attempts.OrderBy(a => a.Number).ToList();
        Assert.Equal(["zalo", "zns", "sms"], attempts.Select(a => a.Channel));
        Assert.Contains("-230", attempts[0].Error);
        Assert.Contains("-118", attempts[1].Error);
        Assert.True(attempts[0].Permanent && attempts[1].Permanent && attempts[2].Succeeded);

        // What reached the gateways is the documented wire format.
        var cs = Assert.Single(_zalo.Messages);
        Assert.Equal(UserId, cs.Body.GetProperty("recipient").GetProperty("user_id").GetString());
        Assert.Equal(_zalo.AccessToken, cs.AccessToken);
        var zns = Assert.Single(_zalo.ZnsMessages).Body;
        Assert.Equal(("84912345678", "312345", request.Key), (zns.GetProperty("phone").GetString(),
            zns.GetProperty("template_id").GetString(), zns.GetProperty("tracking_id").GetString()));
        Assert.Equal("K7MQ4XA", zns.GetProperty("template_data").GetProperty("booking_code").GetString());
        var sms = Assert.Single(_sms.Accepted);
        Assert.Equal(("0912345678", "CAXTINHHA", "0", request.Key), (sms.GetProperty("Phone").GetString(),
            sms.GetProperty("Brandname").GetString(), sms.GetProperty("IsUnicode").GetString(), sms.GetProperty("RequestId").GetString()));
        Assert.DoesNotContain("ư", sms.GetProperty("Content").GetString());
        Assert.Contains("Cong an xa Tinh Ha", sms.GetProperty("Content").GetString());
        Assert.Equal(attempts[2].ProviderMessageId, delivery.ProviderMessageId);
        Assert.Equal(1, attempts[2].Segments);
    }

    [Fact]
    public async Task A_rejected_access_token_is_refreshed_once_and_the_new_pair_is_stored_for_every_node()
    {
        _zalo.ExpireAccessToken();
        var message = new OutgoingMessage("k1", ChannelNames.Zalo, new Recipient(null, null, ZaloUserId: UserId), "Xin chào");

        var result = await Sender(ChannelNames.Zalo).SendAsync(message, default);

        Assert.StartsWith("m", result.ProviderMessageId);
        Assert.Equal(1, _zalo.Refreshes);
        var row = await _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().ZaloTokens.AsNoTracking().SingleAsync());
        Assert.Equal((_zalo.AccessToken, _zalo.RefreshToken, (DateTimeOffset?)null), (row.AccessToken, row.RefreshToken, row.RefreshingUntil));
        Assert.True(row.ExpiresAt > _db.Time.GetUtcNow().AddHours(24));
        // The first call carried the token Zalo had stopped accepting; the repeat carried the refreshed one.
        Assert.Equal(["at-0", "at-1"], _zalo.Messages.Select(m => m.AccessToken));
    }

    [Fact]
    public async Task A_token_close_to_expiry_is_refreshed_before_Zalo_has_to_refuse_it()
    {
        await Sender(ChannelNames.Zalo).SendAsync(new OutgoingMessage("first", ChannelNames.Zalo, new Recipient(null, null, ZaloUserId: UserId), "a"), default);
        Assert.Equal(0, _zalo.Refreshes);
        // 24 of its 25 hours later: less than Zalo:RefreshAhead (2 h) is left.
        _db.Time.Advance(TimeSpan.FromHours(24));

        await Sender(ChannelNames.Zalo).SendAsync(new OutgoingMessage("second", ChannelNames.Zalo, new Recipient(null, null, ZaloUserId: UserId), "b"), default);

        Assert.Equal(1, _zalo.Refreshes);
        Assert.Equal(["at-0", "at-1"], _zalo.Messages.Select(m => m.AccessToken)); // no refused call in between
    }

    [Fact]
    public async Task Two_nodes_that_both_see_a_rejected_token_spend_the_refresh_token_once()
    {
        // Two token providers over one database: two nodes of the same deployment.
        await Sender(ChannelNames.Zalo).SendAsync(new OutgoingMessage("warm", ChannelNames.Zalo, new Recipient(null, null, ZaloUserId: UserId), "a"), default);
        var nodeA = ActivatorUtilities.CreateInstance<ZaloTokenProvider>(_db.Services);
        var nodeB = ActivatorUtilities.CreateInstance<ZaloTokenProvider>(_db.Services);
        var rejected = _zalo.AccessToken;
        _zalo.ExpireAccessToken();

        var tokens = await Task.WhenAll(nodeA.RefreshAsync(rejected, default), nodeB.RefreshAsync(rejected, default));

        Assert.Equal(1, _zalo.Refreshes);
        Assert.All(tokens, t => Assert.Equal(_zalo.AccessToken, t));
    }

    [Fact]
    public async Task A_user_outside_the_interaction_window_is_not_tried_on_Zalo_at_all()
    {
        await _db.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<MessagingDbContext>();
            db.ZaloUsers.Add(new ZaloUser { UserId = UserId, Following = true, LastInteractionAt = _db.Time.GetUtcNow().AddDays(-8) });
            await db.SaveChangesAsync();
        });
        var e = await Assert.ThrowsAsync<ChannelException>(() => Sender(ChannelNames.Zalo).SendAsync(
            new OutgoingMessage("k", ChannelNames.Zalo, new Recipient(null, null, ZaloUserId: UserId), "x"), default));
        Assert.True(e.Permanent);
        Assert.Contains("interaction window", e.Message);
        Assert.Empty(_zalo.Messages);
    }

    [Fact]
    public async Task Zalo_rate_limit_is_worth_a_retry_and_a_blocked_user_is_not()
    {
        _zalo.FailNext(UserId, -32, -244);
        var m = new OutgoingMessage("k", ChannelNames.Zalo, new Recipient(null, null, ZaloUserId: UserId), "x");
        Assert.False((await Assert.ThrowsAsync<ChannelException>(() => Sender(ChannelNames.Zalo).SendAsync(m, default))).Permanent);
        Assert.True((await Assert.ThrowsAsync<ChannelException>(() => Sender(ChannelNames.Zalo).SendAsync(m, default))).Permanent);
    }

    [Fact]
    public void Long_Zalo_texts_are_cut_below_the_limit_between_words()
    {
        var text = string.Join(' ', Enumerable.Repeat("Căn cước", 600));
        var parts = ZaloApiClient.Split(text);
        Assert.True(parts.Count >= 3);
        Assert.All(parts, p => Assert.True(p.Length <= ZaloApiClient.MaxTextLength));
        Assert.Equal(text, string.Join(' ', parts));
    }

    [Fact]
    public async Task The_SMS_gateway_dedupes_our_key_so_a_resend_after_a_lost_answer_is_not_a_second_SMS()
    {
        var m = new OutgoingMessage("reminder:day-before:abc", ChannelNames.Sms, new Recipient(null, "+84 912 345 678"),
            "Công an xã Tịnh Hà nhắc lịch hẹn ngày mai lúc 08:30.");
        var first = await Sender(ChannelNames.Sms).SendAsync(m, default);
        var second = await Sender(ChannelNames.Sms).SendAsync(m, default);
        Assert.Single(_sms.Accepted);
        Assert.Equal(2, _sms.Received.Count);
        Assert.StartsWith("s", first.ProviderMessageId);
        Assert.NotNull(second.ProviderMessageId);
        Assert.Equal("Cong an xa Tinh Ha nhac lich hen ngay mai luc 08:30.", _sms.Accepted.Single().GetProperty("Content").GetString());
    }

    [Fact]
    public async Task SMS_result_codes_and_outages_are_told_apart()
    {
        var sender = Sender(ChannelNames.Sms);
        OutgoingMessage M(string key) => new(key, ChannelNames.Sms, new Recipient(null, "0912345678"), "x");
        _sms.FailNext("0912345678", "108", "146");
        var wrongNumber = await Assert.ThrowsAsync<ChannelException>(() => sender.SendAsync(M("a"), default));
        Assert.True(wrongNumber.Permanent);
        Assert.Contains("108", wrongNumber.Message);
        Assert.True((await Assert.ThrowsAsync<ChannelException>(() => sender.SendAsync(M("b"), default))).Permanent);
        _sms.HttpStatuses.Enqueue(503);
        Assert.False((await Assert.ThrowsAsync<ChannelException>(() => sender.SendAsync(M("c"), default))).Permanent);
        Assert.False(sender.CanReach(new Recipient(null, "0255 3822 123"))); // a landline cannot receive SMS
        await Assert.ThrowsAsync<ChannelException>(() => sender.SendAsync(M("d") with { Recipient = new Recipient(null, "12345") }, default));
    }

    [Fact]
    public async Task A_long_unicode_SMS_counts_its_parts_when_diacritics_are_kept()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite,
            settings: new Dictionary<string, string?>(Settings(_zalo, _sms)) { ["Sms:DeAccent"] = "false" },
            configure: (services, configuration) => services.AddMessagingNotifier(configuration, runWorkers: false));
        var sender = db.Services.GetServices<IChannelSender>().Single(s => s.Channel == ChannelNames.Sms);
        var text = string.Concat(Enumerable.Repeat("Hồ sơ đã có kết quả. ", 8));
        var result = await sender.SendAsync(new OutgoingMessage("u1", ChannelNames.Sms, new Recipient(null, "0912345678"), text), default);
        Assert.Equal(3, result.Segments);
        Assert.Equal("1", _sms.Accepted.Single().GetProperty("IsUnicode").GetString());
    }

    [Fact]
    public void The_webhook_signature_is_sha256_of_app_id_body_timestamp_and_the_oa_secret()
    {
        var body = Encoding.UTF8.GetBytes("""{"app_id":"1","timestamp":"1677721200000","event_name":"follow"}""");
        var expected = "mac=" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("1" + Encoding.UTF8.GetString(body) + "1677721200000" + "secret")));
        Assert.Equal(expected, ZaloSignature.Compute("1", body, "1677721200000", "secret"));
        Assert.True(ZaloSignature.Verify("1", body, "1677721200000", "secret", expected.ToUpperInvariant().Replace("MAC=", "mac=")));
        Assert.False(ZaloSignature.Verify("1", body, "1677721200000", "other", expected));
        body[^2] ^= 1;
        Assert.False(ZaloSignature.Verify("1", body, "1677721200000", "secret", expected));
        Assert.False(ZaloSignature.Verify("1", body, "1677721200000", "secret", null));
    }
}
