using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Messaging.Bot.Engine;
using Messaging.Core.Appointments;
using Messaging.Core.Conversations;
using Messaging.Core.Persistence;
using Messaging.Core.Seeding;
using Messaging.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Server.Tests;

/// <summary>
/// The product as an attacker meets it over HTTP: a second conversation that claims someone's id, a spoofed channel, a
/// guessed transcript, a new conversation per guess of a dossier's second factor, invented phone numbers, a flood of
/// handoff requests, oversized and out-of-range input. Each test would pass for the attacker on the old main.
/// </summary>
public abstract class CitizenTrustTests : IAsyncLifetime
{
    protected MessagingServerFactory Factory = null!;
    protected HttpClient Client = null!;

    protected virtual Task<Dictionary<string, string?>> SettingsAsync() => Task.FromResult(new Dictionary<string, string?>());

    public async Task InitializeAsync()
    {
        var settings = await SettingsAsync();
        // The per-minute limits live in one process's memory; these tests show what holds when they do not (many nodes, many addresses).
        settings["RateLimits:PublicPerMinute"] = "100000";
        settings["RateLimits:DossierLookupPerMinute"] = "100000";
        Factory = new MessagingServerFactory(settings);
        Client = Factory.CreateClient();
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();

    protected async Task<(string Id, string Token)> StartConversationAsync()
    {
        var r = await Client.PostAsJsonAsync("/api/conversations", new { locale = "vi" });
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var body = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        return (body.GetProperty("conversationId").GetString()!, body.GetProperty("token").GetString()!);
    }

    protected async Task<HttpResponseMessage> PostAsync(string conversation, string? text, string? token = null, string channel = "webchat",
        string from = "citizen-1", string? value = null, object? extra = null)
    {
        var activity = new Dictionary<string, object?>
        {
            ["type"] = "message", ["id"] = Guid.NewGuid().ToString("N"), ["channelId"] = channel, ["from"] = new { id = from },
            ["conversation"] = new { id = conversation }, ["text"] = text, ["locale"] = "vi-VN", ["deliveryMode"] = "expectReplies",
        };
        if (value is not null) activity["value"] = value;
        foreach (var p in extra?.GetType().GetProperties() ?? []) activity[p.Name] = p.GetValue(extra);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = JsonContent.Create(activity) };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Client.SendAsync(request);
    }

    /// <summary>A turn that must be answered; its replies.</summary>
    protected async Task<List<JsonElement>> SayAsync(string conversation, string? text, string? token = null, string from = "citizen-1", string? value = null)
    {
        var r = await PostAsync(conversation, text, token, from: from, value: value);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("activities").EnumerateArray().ToList();
    }

    protected static string Texts(IEnumerable<JsonElement> replies) => string.Join("\n", replies.Select(r => r.TryGetProperty("text", out var t) ? t.GetString() : ""));

    /// <summary>Books the first free slot by chat, tapping the slot and confirmation buttons; returns the booking code.</summary>
    protected async Task<string> BookByChatAsync(string conversation, string? token, string phone, string from = "citizen-1")
    {
        var day = DemoDays.CardDay(9);
        var replies = await SayAsync(conversation, $"đặt lịch làm căn cước ở xã Tịnh Hà ngày {day:dd/MM/yyyy}, tên Nguyễn Văn An, sđt {phone}", token, from);
        for (var step = 0; step < 8; step++)
        {
            if (replies.FirstOrDefault(r => r.TryGetProperty("channelData", out var d) && d.TryGetProperty("booking", out _)) is { ValueKind: JsonValueKind.Object } done)
                return done.GetProperty("channelData").GetProperty("booking").GetProperty("code").GetString()!;
            var actions = replies.Where(r => r.TryGetProperty("suggestedActions", out _))
                .SelectMany(r => r.GetProperty("suggestedActions").GetProperty("actions").EnumerateArray()).ToList();
            var pick = actions.FirstOrDefault(a => a.GetProperty("value").GetString()!.StartsWith("slot|", StringComparison.Ordinal) || a.GetProperty("value").GetString() == "yes");
            Assert.True(pick.ValueKind == JsonValueKind.Object, "no slot or confirmation button in: " + Texts(replies));
            replies = await SayAsync(conversation, "", token, from, pick.GetProperty("value").GetString());
        }
        throw new Xunit.Sdk.XunitException("the booking did not complete");
    }

    protected async Task<T> ReadAsync<T>(Func<MessagingDbContext, Task<T>> read)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<MessagingDbContext>());
    }

    protected async Task<HttpResponseMessage> ReadTranscriptAsync(string conversation, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/conversations/{Uri.EscapeDataString(conversation)}/activities?watermark=0");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Client.SendAsync(request);
    }

    [Fact]
    public async Task A_second_conversation_claiming_the_same_user_id_sees_no_booking_and_cancels_none()
    {
        var victim = await StartConversationAsync();
        var code = await BookByChatAsync(victim.Id, victim.Token, "0912345678", from: "web-victim");

        // Another client claims the victim's from.id (and channel) in a conversation of its own.
        var replies = await SayAsync("attacker-conversation", "hủy lịch hẹn của tôi", from: "web-victim");
        Assert.DoesNotContain(code, JsonSerializer.Serialize(replies));
        Assert.Contains("mã lịch hẹn", Texts(replies), StringComparison.OrdinalIgnoreCase);
        replies = await SayAsync("attacker-conversation", code, from: "web-victim");
        Assert.Contains("số điện thoại", Texts(replies)); // the code alone is not enough
        replies = await SayAsync("attacker-conversation", "0987654321", from: "web-victim");
        Assert.DoesNotContain("Đồng ý hủy", JsonSerializer.Serialize(replies));

        // Nor can it write into the victim's conversation: no token, or another conversation's token.
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(victim.Id, "hủy lịch", from: "web-victim")).StatusCode);
        var another = await StartConversationAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(victim.Id, "hủy lịch", another.Token, from: "web-victim")).StatusCode);

        var booking = await ReadAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.Code == code));
        Assert.Equal(BookingStatus.Booked, booking.Status);
        Assert.Equal(("webchat", victim.Id), (booking.Channel, booking.ChannelUserId));
        // The victim, in their own conversation, still finds it without a code.
        var own = Texts(await SayAsync(victim.Id, "tôi muốn hủy lịch hẹn", victim.Token, from: "web-victim"));
        Assert.Contains($"Anh/chị muốn hủy lịch {code}", own);
    }

    [Theory]
    [InlineData("zalo", "c-spoof-1")]
    [InlineData("ZALO", "c-spoof-2")]
    [InlineData("directline", "c-spoof-3")]
    [InlineData("webchat", "zalo:3216904426693862293")]
    [InlineData("webchat", "dl-AbCdEfGhIjKlMnOpQrStUvWx")]
    public async Task The_real_channels_id_spaces_are_refused_and_nothing_is_stored(string channel, string conversation)
    {
        var r = await PostAsync(conversation, "lịch hẹn của tôi", channel: channel, from: "3216904426693862293");
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.False(await ReadAsync(db => db.Conversations.AnyAsync(c => c.Id == conversation)));
        Assert.False(await ReadAsync(db => db.ConversationActivities.AnyAsync(a => a.ConversationId == conversation)));
    }

    [Fact]
    public async Task A_guessed_web_chat_id_without_its_token_is_refused()
    {
        var r = await PostAsync("wc-guessed-id-0123456789", "xin chào");
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.Equal(0, await ReadAsync(db => db.Conversations.CountAsync(c => c.Id == "wc-guessed-id-0123456789")));
    }

    [Fact]
    public async Task A_transcript_is_read_only_with_its_conversations_token()
    {
        var mine = await StartConversationAsync();
        await SayAsync(mine.Id, "tên tôi là Nguyễn Văn An", mine.Token);
        await SayAsync("anonymous-conversation", "xin chào");
        var other = await StartConversationAsync();

        Assert.Equal(HttpStatusCode.OK, (await ReadTranscriptAsync(mine.Id, mine.Token)).StatusCode);
        var refused = new[]
        {
            await ReadTranscriptAsync(mine.Id, null),
            await ReadTranscriptAsync(mine.Id, other.Token),
            await ReadTranscriptAsync(mine.Id, mine.Token[..^1] + (mine.Token[^1] == 'A' ? 'B' : 'A')),
            await ReadTranscriptAsync("anonymous-conversation", null),
            await ReadTranscriptAsync("anonymous-conversation", mine.Token),
            await ReadTranscriptAsync("no-such-conversation", mine.Token),
        };
        Assert.All(refused, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        // One answer whatever was wrong: an unknown id and a wrong token cannot be told apart.
        Assert.Single(refused.Select(r => JsonDocument.Parse(r.Content.ReadAsStringAsync().Result).RootElement.GetProperty("detail").GetString()).Distinct());
    }

    [Fact]
    public async Task Thirty_fresh_conversations_guessing_a_second_factor_get_ten_checks_then_everyone_is_told_to_wait()
    {
        var outcomes = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            var conversation = $"guess-{i}";
            await SayAsync(conversation, $"tra cứu hồ sơ {DemoData.DemoDossierCode}");
            var text = Texts(await SayAsync(conversation, (1000 + i).ToString()));
            outcomes.Add(text.Contains("chưa khớp", StringComparison.Ordinal) ? "mismatch"
                : text.Contains("tra cứu sai nhiều lần", StringComparison.Ordinal) ? "locked" : "other: " + text);
        }
        Assert.Equal(Enumerable.Repeat("mismatch", 10).Concat(Enumerable.Repeat("locked", 20)), outcomes);

        // Now even the right factor gets the same "wait", in chat and through the API, which shares the cap.
        await SayAsync("owner", $"tra cứu hồ sơ {DemoData.DemoDossierCode}");
        Assert.Contains("tra cứu sai nhiều lần", Texts(await SayAsync("owner", "5678")));
        var api = await Client.PostAsJsonAsync("/api/dossiers/lookup", new { code = DemoData.DemoDossierCode, factor = "5678" });
        Assert.Equal(HttpStatusCode.TooManyRequests, api.StatusCode);
        Assert.True(api.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        var audit = await ReadAsync(db => db.AuditLog.AsNoTracking().Where(a => a.Action == "dossier.lookup-locked").ToListAsync());
        var entry = Assert.Single(audit);
        Assert.DoesNotContain("240930-0101", entry.Subject); // the code is masked in the audit log too
    }

    [Fact]
    public async Task Parallel_guesses_through_the_api_never_get_more_than_ten_checks()
    {
        var code = "000.00.12.H55-241001-0102";
        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            Client.PostAsJsonAsync("/api/dossiers/lookup", new { code, factor = (2000 + i).ToString() })));
        Assert.Equal(10, results.Count(r => r.StatusCode == HttpStatusCode.NotFound));
        Assert.Equal(20, results.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task A_days_slots_cannot_be_filled_with_invented_numbers()
    {
        var day = OfficeTime.LocalDate(DateTimeOffset.UtcNow, null).AddDays(10);
        var slots = JsonDocument.Parse(await Client.GetStringAsync($"/api/slots?procedure=cccd-renewal&office=ca-xa-tinh-ha&from={day:yyyy-MM-dd}&to={day.AddDays(7):yyyy-MM-dd}"))
            .RootElement.EnumerateArray().ToList();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            var r = await Client.PostAsJsonAsync("/api/bookings", new
            {
                procedureId = "cccd-renewal", officeId = "ca-xa-tinh-ha", start = slots[i % slots.Count].GetProperty("start").GetDateTimeOffset(),
                citizenName = "Người Bịa", phone = $"0912{100000 + i * 7:000000}",
            });
            statuses.Add(r.StatusCode);
        }
        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(20, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(10, await ReadAsync(db => db.Bookings.CountAsync(b => b.CitizenName == "Người Bịa")));
    }

    [Fact]
    public async Task A_flood_of_handoff_requests_is_capped_and_cannot_push_a_verified_request_down()
    {
        // A Zalo user, vouched for by the signed webhook, asks first.
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var engine = scope.ServiceProvider.GetRequiredService<ConversationEngine>();
            await engine.RunAsync(new Bot.Activities.Activity { Text = "cho tôi gặp cán bộ", Conversation = new("zalo:zalo-user-1"), From = new("zalo-user-1") },
                new TurnIdentity("zalo", "zalo-user-1", IdentityKind.ChannelUser, "zalo:zalo-user-1"), default);
        }
        var answers = new List<string>();
        for (var i = 0; i < 100; i++) answers.Add(Texts(await SayAsync($"flood-{i}", "cho tôi gặp cán bộ")));
        Assert.Equal(3, answers.Count(a => a.Contains("Em đã chuyển yêu cầu", StringComparison.Ordinal)));
        Assert.Equal(4, await ReadAsync(db => db.HandoffRequests.CountAsync()));

        var admin = Factory.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", MessagingServerFactory.AdminKey);
        var html = await admin.GetStringAsync("/staff/handoffs");
        var first = html.IndexOf("data-handoff=", StringComparison.Ordinal);
        Assert.True(first > 0);
        Assert.Contains("đã xác thực", html[first..html.IndexOf("</li>", first, StringComparison.Ordinal)]);
    }

    [Fact]
    public async Task Oversized_and_malformed_activities_get_4xx_and_nothing_is_stored()
    {
        var big = new string('x', 40_000);
        var cases = new (string Name, HttpResponseMessage Response, HttpStatusCode Expected)[]
        {
            ("channelData", await PostAsync("big-1", "xin chào", extra: new { channelData = new { blob = big } }), HttpStatusCode.RequestEntityTooLarge),
            ("attachments", await PostAsync("big-2", "xin chào", extra: new { attachments = new[] { new { contentType = "text/plain", content = big } } }), HttpStatusCode.RequestEntityTooLarge),
            ("long id", await PostAsync(new string('c', 129), "xin chào"), HttpStatusCode.BadRequest),
            ("control in id", await PostAsync("bad\u0000id", "xin chào"), HttpStatusCode.BadRequest),
            ("long from", await PostAsync("big-3", "xin chào", from: new string('u', 200)), HttpStatusCode.BadRequest),
            ("long channel", await PostAsync("big-4", "xin chào", channel: new string('k', 40)), HttpStatusCode.BadRequest),
            ("markup in channel", await PostAsync("big-5", "xin chào", channel: "<script>"), HttpStatusCode.BadRequest),
            ("long text", await PostAsync("big-6", new string('a', 2001)), HttpStatusCode.RequestEntityTooLarge),
        };
        foreach (var (name, response, expected) in cases) Assert.True(expected == response.StatusCode, $"{name}: {response.StatusCode}");
        Assert.Equal(0, await ReadAsync(db => db.Conversations.CountAsync(c => c.Id.StartsWith("big-"))));
        Assert.Equal(0, await ReadAsync(db => db.ConversationActivities.CountAsync()));
    }

    [Fact]
    public async Task Only_what_the_product_uses_is_stored_and_control_characters_never_reach_the_database()
    {
        var mine = await StartConversationAsync();
        var r = await PostAsync(mine.Id, "xin\u0000 chào\u0007 bạn", mine.Token,
            extra: new { channelData = new { tracking = "client-secret-value" }, attachments = new[] { new { contentType = "image/png", contentUrl = "http://evil.example/x.png" } } });
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var stored = await ReadAsync(db => db.ConversationActivities.AsNoTracking().Where(a => a.ConversationId == mine.Id && a.Direction == "in").SingleAsync());
        Assert.DoesNotContain("client-secret-value", stored.Json);
        Assert.DoesNotContain("evil.example", stored.Json);
        Assert.DoesNotContain('\u0000', stored.Text!);
        Assert.DoesNotContain('\u0007', stored.Text!);
        Assert.Contains("chào", stored.Text);
    }

    [Theory]
    [InlineData("/api/slots?procedure=cccd-renewal&from=9999-12-31")]
    [InlineData("/api/slots?procedure=cccd-renewal&from=0001-01-01")]
    [InlineData("/api/slots?procedure=cccd-renewal&from=2026-12-01&to=9999-12-31")]
    public async Task Dates_out_of_range_are_a_bad_request(string url) =>
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.GetAsync(url)).StatusCode);

    [Theory]
    [InlineData("9999-12-31T00:00:00+00:00")]
    [InlineData("0001-01-01T00:00:00+00:00")]
    public async Task Reference_times_and_booking_starts_out_of_range_are_a_bad_request(string when)
    {
        var parse = await Client.PostAsync("/model/parse", new StringContent($$"""{"text":"đặt lịch ngày mai","referenceTime":"{{when}}"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, parse.StatusCode);
        var book = await Client.PostAsync("/api/bookings", new StringContent(
            $$"""{"procedureId":"cccd-renewal","officeId":"ca-xa-tinh-ha","start":"{{when}}","citizenName":"An","phone":"0912345678"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, book.StatusCode);
    }

    [Fact]
    public async Task Direct_line_refuses_an_oversized_activity()
    {
        using var generate = new HttpRequestMessage(HttpMethod.Post, "/v3/directline/tokens/generate");
        generate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "demo-directline-secret-2026");
        var token = JsonDocument.Parse(await (await Client.SendAsync(generate)).Content.ReadAsStringAsync()).RootElement;
        var id = token.GetProperty("conversationId").GetString();
        using var post = new HttpRequestMessage(HttpMethod.Post, $"/v3/directline/conversations/{id}/activities")
        {
            Content = JsonContent.Create(new { type = "message", from = new { id = "u" }, text = "xin chào", channelData = new { blob = new string('x', 40_000) } }),
        };
        post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await Client.SendAsync(post)).StatusCode);
        Assert.Equal(0, await ReadAsync(db => db.ConversationActivities.CountAsync()));
    }

    [Fact]
    public async Task Personal_numbers_are_masked_in_the_stored_transcript_by_their_shape()
    {
        var mine = await StartConversationAsync();
        await SayAsync(mine.Id, "sđt:0912345678 cccd051090001234 hồ sơ 000.00.12.H55-240930-0101 email an.nguyen@example.vn", mine.Token);
        var stored = await ReadAsync(db => db.ConversationActivities.AsNoTracking().Where(a => a.ConversationId == mine.Id && a.Direction == "in").SingleAsync());
        foreach (var secret in new[] { "0912345678", "051090001234", "240930-0101", "an.nguyen@" })
        {
            Assert.DoesNotContain(secret, stored.Text);
            Assert.DoesNotContain(secret, stored.Json);
        }
        Assert.Contains("0912***678", stored.Text);
    }
}

public sealed class SqliteCitizenTrustTests : CitizenTrustTests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresCitizenTrustTests(PostgresFixture pg) : CitizenTrustTests
{
    protected override async Task<Dictionary<string, string?>> SettingsAsync() => new()
    {
        ["Database:Provider"] = "Postgres",
        ["Database:ConnectionString"] = await pg.Server.CreateDatabaseAsync(),
    };
}
