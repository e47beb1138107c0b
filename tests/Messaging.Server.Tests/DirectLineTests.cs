using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Messaging.Server.DirectLine;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Messaging.Server.Tests;

/// <summary>Direct Line 3.0 over the real pipeline: the protocol's answers, and who is refused.</summary>
public sealed class DirectLineTests : IAsyncLifetime
{
    private const string Secret = "portal-secret-0123456789abcdef";
    private const string RevokedSecret = "old-portal-secret-0123456789ab";
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private MessagingServerFactory _factory = null!;
    private WebApplicationFactory<Program> _app = null!;

    public Task InitializeAsync()
    {
        _factory = new MessagingServerFactory(new Dictionary<string, string?>
        {
            ["DirectLine:Secrets:0:Name"] = "portal",
            ["DirectLine:Secrets:0:Secret"] = Secret,
            ["DirectLine:Secrets:1:Name"] = "old-portal",
            ["DirectLine:Secrets:1:Secret"] = RevokedSecret,
            ["DirectLine:Secrets:1:Revoked"] = "true",
            ["DirectLine:TokenKey"] = "a-test-token-key-of-more-than-32-characters",
        });
        _app = _factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(_time)));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _factory.DisposeAsync();
    }

    private HttpClient Client(string? bearer)
    {
        var client = _app.CreateClient();
        if (bearer is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    private async Task<(string Conversation, string Token, JsonElement Body, HttpStatusCode Status)> StartAsync(string bearer = Secret)
    {
        var response = await Client(bearer).PostAsync("/v3/directline/conversations", null);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("conversationId").GetString()!, body.GetProperty("token").GetString()!, body, response.StatusCode);
    }

    private static async Task<string> ErrorCodeAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString()!;

    private static StringContent Message(string text) =>
        new(JsonSerializer.Serialize(new { type = "message", from = new { id = "dl_user" }, text }), Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_conversation_started_with_the_secret_takes_activities_and_returns_both_directions_with_a_watermark()
    {
        var (conversation, token, body, status) = await StartAsync();
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(1800, body.GetProperty("expires_in").GetInt32());
        Assert.StartsWith($"ws://localhost/v3/directline/conversations/{conversation}/stream?watermark=-&t=", body.GetProperty("streamUrl").GetString());

        var posted = await Client(token).PostAsync($"/v3/directline/conversations/{conversation}/activities", Message("phí làm hộ chiếu bao nhiêu"));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var id = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.StartsWith(conversation + "|", id);

        var page = await Client(token).GetFromJsonAsync<JsonElement>($"/v3/directline/conversations/{conversation}/activities");
        var activities = page.GetProperty("activities").EnumerateArray().ToList();
        Assert.Equal(id, activities[0].GetProperty("id").GetString()); // the citizen's own message, echoed
        Assert.Equal("user", activities[0].GetProperty("from").GetProperty("role").GetString());
        Assert.Equal("bot", activities[1].GetProperty("from").GetProperty("role").GetString());
        Assert.Equal(id, activities[1].GetProperty("replyToId").GetString());
        Assert.Contains("100.000 đồng", activities[1].GetProperty("text").GetString());
        var watermark = page.GetProperty("watermark").GetString();
        var after = await Client(token).GetFromJsonAsync<JsonElement>($"/v3/directline/conversations/{conversation}/activities?watermark={watermark}");
        Assert.Empty(after.GetProperty("activities").EnumerateArray());
        Assert.Equal(watermark, after.GetProperty("watermark").GetString());
    }

    [Fact]
    public async Task A_generated_token_is_bound_to_its_conversation_refreshes_and_resumes()
    {
        var generated = await Client(Secret).PostAsync("/v3/directline/tokens/generate", JsonContent.Create(new { user = new { id = "dl_bound" } }));
        Assert.Equal(HttpStatusCode.OK, generated.StatusCode);
        var g = await generated.Content.ReadFromJsonAsync<JsonElement>();
        var conversation = g.GetProperty("conversationId").GetString()!;
        var token = g.GetProperty("token").GetString()!;

        var (started, _, _, status) = await StartAsync(token);
        Assert.Equal((conversation, HttpStatusCode.Created), (started, status));
        await Client(token).PostAsync($"/v3/directline/conversations/{conversation}/activities", Message("xin chào"));
        var (_, _, _, again) = await StartAsync(token);
        Assert.Equal(HttpStatusCode.OK, again); // resumed, not a new conversation

        var refreshed = await Client(token).PostAsync("/v3/directline/tokens/refresh", null);
        var r = await refreshed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(conversation, r.GetProperty("conversationId").GetString());
        var reconnect = await Client(r.GetProperty("token").GetString()).GetFromJsonAsync<JsonElement>($"/v3/directline/conversations/{conversation}?watermark=1");
        Assert.Contains("/stream?", reconnect.GetProperty("streamUrl").GetString());

        // The user the token was made for is who speaks, whatever the client writes in from.id.
        var page = await Client(token).GetFromJsonAsync<JsonElement>($"/v3/directline/conversations/{conversation}/activities");
        Assert.Equal("dl_bound", page.GetProperty("activities")[0].GetProperty("from").GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(token).PostAsync("/v3/directline/tokens/generate", null)).StatusCode);
    }

    [Fact]
    public async Task No_credentials_a_wrong_secret_a_forged_token_and_a_revoked_secret_are_refused()
    {
        var none = await Client(null).PostAsync("/v3/directline/conversations", null);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("BadArgument", await ErrorCodeAsync(none));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client("not-our-secret-0123456789").PostAsync("/v3/directline/tokens/generate", null)).StatusCode);

        var (conversation, token, _, _) = await StartAsync();
        var forged = token[..^3] + (token[^3] == 'A' ? "B" : "A") + token[^2..];
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client(forged).GetAsync($"/v3/directline/conversations/{conversation}/activities")).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await Client(RevokedSecret).PostAsync("/v3/directline/conversations", null)).StatusCode);
        // A token made while that secret stood is refused with it.
        var fromRevoked = _app.Services.GetRequiredService<DirectLineTokens>().Issue(conversation, null, "old-portal");
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(fromRevoked).GetAsync($"/v3/directline/conversations/{conversation}/activities")).StatusCode);
    }

    [Fact]
    public async Task An_expired_token_is_refused_with_403_and_cannot_be_refreshed()
    {
        var (conversation, token, _, _) = await StartAsync();
        _time.Advance(TimeSpan.FromMinutes(31));

        var read = await Client(token).GetAsync($"/v3/directline/conversations/{conversation}/activities");
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Equal("TokenExpired", await ErrorCodeAsync(read));
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(token).PostAsync("/v3/directline/tokens/refresh", null)).StatusCode);
    }

    [Fact]
    public async Task A_token_cannot_read_write_or_stream_another_conversation()
    {
        var (mine, token, _, _) = await StartAsync();
        var (theirs, theirToken, _, _) = await StartAsync();
        await Client(theirToken).PostAsync($"/v3/directline/conversations/{theirs}/activities", Message("số tôi là 0912345678"));

        Assert.Equal(HttpStatusCode.Forbidden, (await Client(token).GetAsync($"/v3/directline/conversations/{theirs}/activities")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(token).PostAsync($"/v3/directline/conversations/{theirs}/activities", Message("xin chào"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(token).GetAsync($"/v3/directline/conversations/{theirs}")).StatusCode);
        var socket = _app.Server.CreateWebSocketClient();
        await Assert.ThrowsAnyAsync<Exception>(() =>
            socket.ConnectAsync(new Uri($"ws://localhost/v3/directline/conversations/{theirs}/stream?t={Uri.EscapeDataString(token)}"), default));
        // Its own conversation it still reads.
        Assert.Equal(HttpStatusCode.OK, (await Client(token).GetAsync($"/v3/directline/conversations/{mine}/activities")).StatusCode);
    }

    [Fact]
    public async Task A_page_on_a_site_not_listed_cannot_open_the_stream_even_with_a_valid_token()
    {
        var (_, _, body, _) = await StartAsync();
        var url = new Uri(body.GetProperty("streamUrl").GetString()!);
        var stranger = _app.Server.CreateWebSocketClient();
        stranger.ConfigureRequest = r => r.Headers.Origin = "https://not-a-listed-portal.example";
        await Assert.ThrowsAnyAsync<Exception>(() => stranger.ConnectAsync(url, default));

        var sameSite = _app.Server.CreateWebSocketClient();
        sameSite.ConfigureRequest = r => r.Headers.Origin = "http://localhost";
        using var socket = await sameSite.ConnectAsync(url, default);
        Assert.Equal(WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task Direct_line_credentials_reach_only_direct_line_conversations_and_other_apis_do_not_reach_those()
    {
        // A citizen's conversation on our own page: a portal's secret cannot read or write it.
        var page = Client(null);
        await page.PostAsync("/api/messages", new StringContent(JsonSerializer.Serialize(new
        {
            type = "message", from = new { id = "web-user" }, conversation = new { id = "web-123" }, text = "số tôi là 0912345678",
        }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, (await Client(Secret).GetAsync("/v3/directline/conversations/web-123/activities")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client(Secret).PostAsync("/v3/directline/conversations/web-123/activities", Message("xin chào"))).StatusCode);

        // And a Direct Line conversation is not readable or writable without its credentials through the page's API.
        var (conversation, token, _, _) = await StartAsync();
        await Client(token).PostAsync($"/v3/directline/conversations/{conversation}/activities", Message("xin chào"));
        Assert.Equal(HttpStatusCode.NotFound, (await page.GetAsync($"/api/conversations/{conversation}/activities")).StatusCode);
        var injected = await page.PostAsync("/api/messages", new StringContent(JsonSerializer.Serialize(new
        {
            type = "message", from = new { id = "intruder" }, conversation = new { id = conversation }, text = "hủy",
        }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, injected.StatusCode);
    }

    [Fact]
    public async Task Malformed_activities_get_400_with_the_protocols_error_body()
    {
        var (conversation, token, _, _) = await StartAsync();
        var bad = await Client(token).PostAsync($"/v3/directline/conversations/{conversation}/activities",
            new StringContent("{not json", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("BadArgument", await ErrorCodeAsync(bad));
    }

    [Fact]
    public async Task The_stream_delivers_the_turn_and_a_later_proactive_message()
    {
        var (conversation, token, body, _) = await StartAsync();
        var socket = await _app.Server.CreateWebSocketClient().ConnectAsync(new Uri(body.GetProperty("streamUrl").GetString()!), default);
        await Client(token).PostAsync($"/v3/directline/conversations/{conversation}/activities", Message("xin chào"));

        var texts = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (texts.Count < 2)
        {
            var group = await ReceiveAsync(socket, timeout.Token);
            texts.AddRange(group.GetProperty("activities").EnumerateArray().Select(a => a.GetProperty("from").GetProperty("role").GetString() + ":" + a.GetProperty("text").GetString()));
        }
        Assert.StartsWith("user:xin chào", texts[0]);
        Assert.StartsWith("bot:", texts[1]);

        // What the notifier's web chat sender does for a reminder or an officer's reply.
        var sender = _app.Services.GetServices<Messaging.Notifier.Channels.IChannelSender>().Single(s => s.Channel == "webchat");
        await sender.SendAsync(new Messaging.Notifier.Channels.OutgoingMessage("reminder:test", "webchat",
            new Messaging.Core.Notifications.Recipient(null, null, WebChatConversationId: conversation), "Nhắc lịch: 8 giờ sáng mai."), default);
        var proactive = await ReceiveAsync(socket, timeout.Token);
        Assert.Equal("Nhắc lịch: 8 giờ sáng mai.", proactive.GetProperty("activities")[0].GetProperty("text").GetString());
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, default);
    }

    [Fact]
    public async Task A_stream_closes_when_its_token_expires()
    {
        var (_, _, body, _) = await StartAsync();
        var socket = await _app.Server.CreateWebSocketClient().ConnectAsync(new Uri(body.GetProperty("streamUrl").GetString()!), default);
        _time.Advance(TimeSpan.FromMinutes(31));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[4096];
        WebSocketReceiveResult result;
        do result = await socket.ReceiveAsync(buffer, timeout.Token);
        while (result.MessageType != WebSocketMessageType.Close);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, result.CloseStatus);
    }

    [Fact]
    public async Task One_token_opens_at_most_three_streams_at_once()
    {
        var (_, _, body, _) = await StartAsync();
        var url = new Uri(body.GetProperty("streamUrl").GetString()!);
        var open = new List<WebSocket>();
        for (var i = 0; i < 3; i++) open.Add(await _app.Server.CreateWebSocketClient().ConnectAsync(url, default));
        await Assert.ThrowsAnyAsync<Exception>(() => _app.Server.CreateWebSocketClient().ConnectAsync(url, default));
        // A closed stream gives its place back.
        await open[0].CloseAsync(WebSocketCloseStatus.NormalClosure, null, default);
        for (var i = 0; i < 50; i++)
        {
            try
            {
                open.Add(await _app.Server.CreateWebSocketClient().ConnectAsync(url, default));
                break;
            }
            catch (InvalidOperationException) when (i < 49)
            {
                await Task.Delay(100);
            }
        }
        Assert.Equal(4, open.Count);
    }

    private static async Task<JsonElement> ReceiveAsync(WebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, ct);
            message.Write(buffer, 0, result.Count);
        } while (!result.EndOfMessage);
        return JsonSerializer.Deserialize<JsonElement>(message.ToArray());
    }
}
