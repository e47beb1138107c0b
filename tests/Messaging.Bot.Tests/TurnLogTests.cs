using System.Buffers.Text;
using Messaging.Bot.Activities;
using Messaging.Bot.Engine;
using Messaging.Core.Identity;
using Messaging.Language.Text;
using Messaging.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Messaging.Bot.Tests;

/// <summary>
/// Every line written during a turn names the turn's conversation and channel, and names a Zalo conversation by a
/// pseudonym: the user's Zalo id, which the conversation id holds, never reaches the log.
/// </summary>
public sealed class TurnLogTests
{
    [Fact]
    public async Task A_line_written_during_a_turn_carries_the_conversation_by_pseudonym_and_the_channel()
    {
        var capture = new LogCapture();
        await using var host = await BotHost.StartAsync(configure: s =>
        {
            s.AddLogging(b => b.AddProvider(capture));
            s.AddSingleton<ITurnAssistant, ListeningAssistant>();
        });
        const string zaloUser = "8451236790123456789";
        var conversation = "zalo:" + zaloUser;
        var message = new Activity
        {
            Id = "zalo-msg-1", Text = "xin chào", Locale = "vi-VN", ChannelId = "zalo",
            From = new ChannelAccount(zaloUser), Conversation = new ConversationAccount(conversation),
        };
        var identity = new TurnIdentity("zalo", zaloUser, IdentityKind.ChannelUser, conversation);

        var first = await host.Engine.RunTurnAsync(message, identity, CancellationToken.None);
        // Zalo sends an event again when the answer was slow: the same message, answered from the transcript, which logs.
        var again = await host.Engine.RunTurnAsync(message, identity, CancellationToken.None);
        Assert.Equal(first.Select(r => r.Text), again.Select(r => r.Text));

        var replay = Assert.Single(capture.Entries, e => e.Category == typeof(ConversationEngine).FullName && e.EventId.Id == 2001);
        var expected = Base64Url.EncodeToString(Convert.FromHexString(host.Services.GetRequiredService<Fingerprinter>().Of(conversation)));
        Assert.Equal(expected, replay.ScopeValues["ConversationRef"]);
        Assert.Equal("zalo", replay.ScopeValues["Channel"]);
        Assert.Equal(LogLevel.Information, replay.Level);
        // Whole in the console too: the mask there cuts long runs of digits, as it would a phone's.
        Assert.Equal(expected, PersonalData.Mask(expected));
        // A service the turn called, logging under its own category, writes in the same scope.
        var consulted = Assert.Single(capture.Entries, e => e.Message == ListeningAssistant.Line);
        Assert.Equal(expected, consulted.ScopeValues["ConversationRef"]);
        Assert.Equal("zalo", consulted.ScopeValues["Channel"]);
        Assert.All(capture.Entries, e => Assert.DoesNotContain(zaloUser, e.Text, StringComparison.Ordinal));
    }

    /// <summary>Stands where the AI assistant does: asked during the turn, it logs and lets the dialogs answer.</summary>
    private sealed class ListeningAssistant(ILogger<ListeningAssistant> log) : ITurnAssistant
    {
        public const string Line = "Asked about a turn";

        public Task<bool> TryAnswerAsync(TurnContext t, CancellationToken ct)
        {
            log.LogInformation(Line);
            return Task.FromResult(false);
        }
    }
}
