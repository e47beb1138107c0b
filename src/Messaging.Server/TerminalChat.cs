using Messaging.Bot.Activities;
using Messaging.Bot.Engine;

namespace Messaging.Server;

/// <summary>`dotnet run --project src/Messaging.Server -- chat`: type as a citizen, read the bot's replies.</summary>
public static class TerminalChat
{
    public static async Task RunAsync(IServiceProvider services, TextReader input, TextWriter output, CancellationToken ct)
    {
        var engine = services.GetRequiredService<ConversationEngine>();
        var conversation = "terminal-" + Guid.NewGuid().ToString("N")[..8];
        await output.WriteLineAsync("Trò chuyện với bot (Ctrl+D để thoát, \"en:\" trước câu để nói tiếng Anh).");
        string? line;
        while (!ct.IsCancellationRequested && (line = await input.ReadLineAsync(ct)) is not null)
        {
            var locale = line.StartsWith("en:", StringComparison.Ordinal) ? "en-US" : "vi-VN";
            var text = locale == "en-US" ? line[3..].Trim() : line;
            var replies = await engine.RunTurnAsync(new Activity
            {
                Text = text,
                Locale = locale,
                ChannelId = "terminal",
                From = new ChannelAccount("terminal-user"),
                Conversation = new ConversationAccount(conversation),
                Id = Guid.NewGuid().ToString("N"),
            }, ct);
            foreach (var r in replies)
            {
                await output.WriteLineAsync("bot> " + r.Text?.Replace("\n", "\n     "));
                if (r.SuggestedActions?.Actions is { Count: > 0 } actions)
                    await output.WriteLineAsync("     " + string.Join("  ", actions.Select(a => $"[{a.Title}]")));
            }
        }
    }
}
