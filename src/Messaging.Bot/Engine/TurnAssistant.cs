namespace Messaging.Bot.Engine;

/// <summary>
/// A second responder for the messages the dialogs are not sure about (an AI assistant, when an office has one). It
/// sees the turn after the interruptions and before the dialogs; returning false leaves the turn to the dialogs
/// unchanged, which is what happens when it is off, unreachable or not confident in its own answer.
/// </summary>
public interface ITurnAssistant
{
    Task<bool> TryAnswerAsync(TurnContext t, CancellationToken ct);
}

/// <summary>What the assistant keeps between turns. Texts are stored masked, as they were sent to the model.</summary>
public sealed class AssistantState
{
    public List<AssistantMessage> History { get; set; } = [];
    /// <summary>Placeholder → the citizen's value it stands for ("[SĐT_1]" → "0912345678"); never sent to the model.</summary>
    public Dictionary<string, string> Placeholders { get; set; } = [];
    /// <summary>The booking the assistant offered and the citizen has not yet confirmed.</summary>
    public ProposedBooking? Proposal { get; set; }
    public DateTimeOffset LastAt { get; set; }
}

public sealed record AssistantMessage(string Role, string Content);

public sealed record ProposedBooking(string ProcedureId, string OfficeId, DateTimeOffset Start, string Name, string Phone);
