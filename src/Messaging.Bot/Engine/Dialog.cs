namespace Messaging.Bot.Engine;

/// <summary>
/// A dialog in the spirit of Bot Framework's: it gathers values over turns, asking one question at a time. The engine
/// calls <see cref="ContinueAsync"/> when the dialog starts and after each answer; the dialog fills what the message
/// already says, asks for the next missing value, or finishes. Returning true means the dialog is done.
/// </summary>
public abstract class Dialog
{
    public abstract string Name { get; }

    public abstract Task<bool> ContinueAsync(TurnContext turn, DialogFrame frame, CancellationToken ct);
}

/// <summary>A one-turn answer (greeting, help, procedure question): no state survives it.</summary>
public abstract class Responder : Dialog
{
    public sealed override async Task<bool> ContinueAsync(TurnContext turn, DialogFrame frame, CancellationToken ct)
    {
        await RespondAsync(turn, ct);
        return true;
    }

    public abstract Task RespondAsync(TurnContext turn, CancellationToken ct);
}
