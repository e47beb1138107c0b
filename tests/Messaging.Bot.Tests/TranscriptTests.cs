using System.Text;
using System.Text.Json;
using Messaging.Bot.Activities;
using Messaging.Core.Appointments;
using Messaging.Core.FrontDesk;
using Messaging.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Bot.Tests;

/// <summary>
/// Conversation transcripts as golden files under `tests/golden/transcripts/`: "> " lines are what the citizen
/// types, "@ " lines act on the world (advance the clock, restart the server, fill a slot), and every other line is
/// the bot's answer, with buttons in [brackets] and channel data in {braces}. The test replays the citizen's lines
/// and compares the whole file. Adding a case adds a file. After an intended change: UPDATE_GOLDEN=1, then review.
/// </summary>
public sealed class TranscriptTests
{
    private static readonly string Root = Path.Combine(RepoPaths.Root, "tests", "golden", "transcripts");

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(Root, "*.txt").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Transcript(string file)
    {
        var path = Path.Combine(Root, file);
        var expected = await File.ReadAllTextAsync(path);
        var actual = await ReplayAsync(expected);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1") await File.WriteAllTextAsync(path, actual);
        Assert.DoesNotContain("!! ", actual);
        Assert.Equal(expected, actual);
    }

    private static async Task<string> ReplayAsync(string script)
    {
        var lines = script.Replace("\r\n", "\n").Split('\n');
        var locale = lines.FirstOrDefault(l => l.StartsWith("# locale:", StringComparison.Ordinal))?[9..].Trim() ?? "vi";
        // "# codes: required" plays the conversation where one-time codes are asked for (a real SMS gateway); "{code}"
        // types the last code sent, "{wrong code}" another one.
        var codes = lines.Contains("# codes: required");
        var sent = new SentCodes();
        await using var host = await BotHost.StartAsync(
            settings: codes ? new Dictionary<string, string?> { ["Identity:PhoneVerification"] = "Always" } : null,
            configure: s => s.AddSingleton<Messaging.Core.Notifications.INotificationSink>(sent));
        var output = new StringBuilder();
        var conversation = "transcript";
        IReadOnlyList<CardAction> buttons = [];
        foreach (var line in lines)
        {
            if (line.StartsWith("# ", StringComparison.Ordinal))
            {
                output.Append(line).Append('\n');
            }
            else if (line.StartsWith("@ user ", StringComparison.Ordinal))
            {
                // Another citizen, in another conversation.
                output.Append(line).Append('\n');
                conversation = line[7..].Trim();
            }
            else if (line.StartsWith("@ ", StringComparison.Ordinal))
            {
                output.Append(line).Append('\n');
                await ActAsync(host, line[2..].Trim());
            }
            else if (line.StartsWith("> ", StringComparison.Ordinal))
            {
                output.Append(line).Append('\n');
                if (ParseInput(line[2..], buttons) is not var (text, value))
                {
                    output.Append("!! no such button in the last reply\n");
                    continue;
                }
                text = text.Replace("{code}", sent.Last, StringComparison.Ordinal)
                    .Replace("{wrong code}", sent.Last == "000000" ? "111111" : "000000", StringComparison.Ordinal);
                var replies = await host.SayAsync(conversation, text, locale == "en" ? "en-US" : "vi-VN", value);
                foreach (var r in replies) Render(r, output);
                buttons = replies.LastOrDefault(r => r.SuggestedActions is not null)?.SuggestedActions?.Actions ?? [];
            }
        }
        return output.ToString().TrimEnd('\n') + "\n";
    }

    /// <summary>
    /// "[Title]" presses the button of that title in the last replies, as a web chat click does: imBack sends the value
    /// as text, postBack sends it as the activity's value.
    /// </summary>
    private static (string Text, string? Value)? ParseInput(string input, IReadOnlyList<CardAction> buttons)
    {
        if (!(input.StartsWith('[') && input.EndsWith(']'))) return (input, null);
        var button = buttons.FirstOrDefault(b => b.Title == input[1..^1]);
        if (button is null) return null;
        return button.Type == ActionTypes.ImBack ? (button.Value, null) : ("", button.Value);
    }

    /// <summary>The codes the bot sent, as the phone would receive them.</summary>
    private sealed class SentCodes : Messaging.Core.Notifications.INotificationSink
    {
        public string Last { get; private set; } = "";
        public Task EnqueueAsync(Messaging.Core.Notifications.NotificationRequest request, CancellationToken ct)
        {
            Last = request.Data.GetProperty("code").GetString()!;
            return Task.CompletedTask;
        }
    }

    private static void Render(Activity r, StringBuilder output)
    {
        foreach (var l in (r.Text ?? "").Split('\n')) output.Append("< ").Append(l).Append('\n');
        if (r.SuggestedActions?.Actions is { Count: > 0 } actions)
            output.Append("  ").Append(string.Join(" ", actions.Select(a => $"[{a.Title}]"))).Append('\n');
        if (r.ChannelData is { } data) output.Append("  ").Append(JsonSerializer.Serialize(data)).Append('\n');
    }

    private static async Task ActAsync(BotHost host, string action)
    {
        var parts = action.Split(' ', 2);
        switch (parts[0])
        {
            case "wait":
                host.Time.Advance(TimeSpan.FromMinutes(int.Parse(parts[1].TrimEnd('m'))));
                break;
            case "restart":
                await host.RestartAsync();
                break;
            case "fill":
            {
                // Other citizens take every remaining place of a slot: "fill ca-xa-tinh-ha cccd-first-issue 2026-11-25T07:30:00+07:00"
                var args = parts[1].Split(' ');
                for (var i = 0; i < 20; i++)
                {
                    await using var scope = host.Services.CreateAsyncScope();
                    try
                    {
                        await scope.ServiceProvider.GetRequiredService<BookingService>().BookAsync(new BookingRequest(args[1], args[0],
                            DateTimeOffset.Parse(args[2]), "Người khác", $"09870000{i:00}"), default);
                    }
                    catch (BookingException e) when (e.Error == BookingError.SlotFull)
                    {
                        break;
                    }
                }
                break;
            }
            case "walkin":
            {
                // Citizens take tickets at the office's desk: "walkin ca-xa-tinh-ha 3"
                var args = parts[1].Split(' ');
                for (var i = 0; i < int.Parse(args[1]); i++)
                {
                    await using var scope = host.Services.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<DeskService>().IssueAsync(args[0], null, null, "canbo", default);
                }
                break;
            }
            case "call":
            {
                // A desk calls the next number (and finishes the one it was serving): "call ca-xa-tinh-ha Quầy 1"
                var args = parts[1].Split(' ', 2);
                await using var scope = host.Services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<DeskService>().CallNextAsync(args[0], args[1], "canbo", default);
                break;
            }
            default:
                throw new InvalidOperationException("unknown action " + action);
        }
    }
}
