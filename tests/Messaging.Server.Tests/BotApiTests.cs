using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Messaging.Server.Tests;

public sealed class BotApiTests : IAsyncLifetime
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

    private static object Message(string conversation, string text, bool expectReplies = true) => new
    {
        type = "message", id = Guid.NewGuid().ToString("N"), channelId = "webchat", from = new { id = "u1", name = "An" },
        conversation = new { id = conversation }, recipient = new { id = "bot" }, text, locale = "vi-VN",
        deliveryMode = expectReplies ? "expectReplies" : null,
    };

    [Fact]
    public async Task Expect_replies_returns_every_reply_of_the_turn_in_activity_shape()
    {
        var r = await _client.PostAsJsonAsync("/api/messages", Message("c1", "xin chào"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var body = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        var reply = body.GetProperty("activities")[0];
        Assert.Equal("message", reply.GetProperty("type").GetString());
        Assert.Equal("c1", reply.GetProperty("conversation").GetProperty("id").GetString());
        Assert.Equal("u1", reply.GetProperty("recipient").GetProperty("id").GetString());
        Assert.StartsWith("Xin chào", reply.GetProperty("text").GetString());
        var action = reply.GetProperty("suggestedActions").GetProperty("actions")[0];
        Assert.Equal("imBack", action.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(reply.GetProperty("replyToId").GetString()));
        // Only the Activity schema's own fields: a helper property once went out as "textOrValue", repeating the text.
        string[] schema = ["type", "id", "timestamp", "channelId", "from", "conversation", "recipient", "text", "locale", "value",
            "suggestedActions", "attachments", "channelData", "replyToId", "deliveryMode", "inputHint", "textFormat"];
        Assert.All(reply.EnumerateObject(), p => Assert.Contains(p.Name, schema));
    }

    [Fact]
    public async Task Without_expect_replies_the_answer_is_202_and_replies_are_polled_with_the_conversation_token()
    {
        var started = await _client.PostAsJsonAsync("/api/conversations", new { locale = "vi" });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var body = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement;
        var id = body.GetProperty("conversationId").GetString()!;
        var token = body.GetProperty("token").GetString()!;
        Assert.StartsWith("wc-", id);

        using var post = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = JsonContent.Create(Message(id, "phí làm hộ chiếu bao nhiêu", expectReplies: false)) };
        post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.Accepted, (await _client.SendAsync(post)).StatusCode);

        async Task<JsonElement> PollAsync(string watermark)
        {
            using var get = new HttpRequestMessage(HttpMethod.Get, $"/api/conversations/{id}/activities?watermark={watermark}");
            get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var r = await _client.SendAsync(get);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            return JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        }
        var page = await PollAsync("0");
        var activities = page.GetProperty("activities");
        Assert.Equal(2, activities.GetArrayLength());
        Assert.Contains("Lệ phí", activities[1].GetProperty("text").GetString());
        var next = await PollAsync(page.GetProperty("watermark").GetString()!);
        Assert.Equal(0, next.GetProperty("activities").GetArrayLength());
    }

    [Fact]
    public async Task Malformed_and_unknown_activities()
    {
        var bad = await _client.PostAsync("/api/messages", new StringContent("{\"type\": \"message\", ", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        var noConversation = await _client.PostAsJsonAsync("/api/messages", new { type = "message", text = "hi" });
        Assert.Equal(HttpStatusCode.BadRequest, noConversation.StatusCode);
        var typing = await _client.PostAsJsonAsync("/api/messages", new { type = "typing", conversation = new { id = "c3" } });
        Assert.Equal(HttpStatusCode.Accepted, typing.StatusCode);
        var tooLong = await _client.PostAsJsonAsync("/api/messages", Message("c3", new string('a', 2001)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLong.StatusCode);
    }

    [Fact]
    public async Task Officers_read_masked_transcripts_of_their_offices_and_nobody_else_does()
    {
        // A citizen asks for an officer of Tịnh Hà: the officer of Tịnh Hà reads the conversation, no one else.
        await _client.PostAsJsonAsync("/api/messages", Message("c4", "cho tôi gặp cán bộ công an xã Tịnh Hà, sđt của tôi 0912345678"));
        await _client.PostAsJsonAsync("/api/messages", Message("c5", "sđt của tôi 0912345678"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.GetAsync("/api/admin/conversations/c4/transcript")).StatusCode);
        var officer = _factory.CreateClient();
        officer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", MessagingServerFactory.OfficerKey);
        var transcript = JsonDocument.Parse(await officer.GetStringAsync("/api/admin/conversations/c4/transcript")).RootElement;
        Assert.Equal("cho tôi gặp cán bộ công an xã Tịnh Hà, sđt của tôi 0912***678", transcript[0].GetProperty("text").GetString());
        // A conversation that concerns no office of theirs answers as if it did not exist.
        Assert.Equal(HttpStatusCode.NotFound, (await officer.GetAsync("/api/admin/conversations/c5/transcript")).StatusCode);
        var admin = _factory.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", MessagingServerFactory.AdminKey);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/admin/conversations/c5/transcript")).StatusCode);
    }

    [Fact]
    public async Task The_web_chat_page_is_served_at_the_root()
    {
        var html = await _client.GetStringAsync("/");
        Assert.Contains("chat.js", html);
        Assert.Contains("width=device-width", html);
        Assert.Contains("/api/messages", await _client.GetStringAsync("/chat.js"));
    }
}
