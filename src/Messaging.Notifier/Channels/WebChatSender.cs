using System.Text.Json;
using Messaging.Core.Conversations;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Notifier.Channels;

/// <summary>
/// A proactive message into an open web chat: appended to the conversation, where the page's polling (or a Direct Line
/// client's next poll) picks it up. The sequence number is taken with one atomic increment.
/// </summary>
public sealed class WebChatSender(IServiceScopeFactory scopes, TimeProvider time, ConversationSignals signals) : IChannelSender
{
    public string Channel => ChannelNames.WebChat;

    public bool CanReach(Recipient r) => r.WebChatConversationId is not null;

    public async Task<SendResult> SendAsync(OutgoingMessage m, CancellationToken ct)
    {
        if (m.Recipient.WebChatConversationId is not { } conversation) throw new ChannelException("no web chat", permanent: true);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        await using var tx = await db.BeginWriteAsync(ct);
        var rows = await db.ExecuteAsync("UPDATE conversations SET last_sequence = last_sequence + 1, version = version + 1 WHERE id = @id", ct, ("@id", conversation));
        if (rows == 0) throw new ChannelException("the web chat conversation no longer exists", permanent: true);
        var sequence = await db.ScalarAsync("SELECT last_sequence FROM conversations WHERE id = @id", ct, ("@id", conversation));
        var id = "n-" + EmailComposer.SafeName(m.Key);
        var now = time.GetUtcNow();
        var activity = new
        {
            type = "message", id, timestamp = now, channelId = "webchat", from = new { id = "bot", name = "Công an xã", role = "bot" },
            conversation = new { id = conversation }, text = m.Text,
        };
        db.ConversationActivities.Add(new ConversationActivity
        {
            ConversationId = conversation, Sequence = sequence, Direction = "out", At = now, Text = m.Text,
            Json = JsonSerializer.Serialize(activity, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }),
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        signals.Notify(conversation);
        return new SendResult(id);
    }
}
