namespace Messaging.Bot.Engine;

/// <summary>Everything the bot remembers about a conversation between turns; stored as JSON.</summary>
public sealed class ConversationData
{
    /// <summary>Vietnamese stays as UTF-8 rather than \u escapes: a third of the size, and the state is never put in a page.</summary>
    public static readonly System.Text.Json.JsonSerializerOptions Json = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public List<DialogFrame> Stack { get; set; } = [];
    /// <summary>Context that outlives a dialog: the procedure last talked about, the citizen's name and phone.</summary>
    public Dictionary<string, string> Memory { get; set; } = [];
    /// <summary>When dossier lookups failed, to cap them per hour.</summary>
    public List<DateTimeOffset> FailedLookups { get; set; } = [];
    /// <summary>The AI assistant's exchange, when it has one going; null otherwise (and always when it is off).</summary>
    public AssistantState? Assistant { get; set; }
}

/// <summary>One running dialog: its name, the values gathered so far and the question it is waiting on.</summary>
public sealed class DialogFrame
{
    public string Dialog { get; set; } = "";
    public Dictionary<string, string> Values { get; set; } = [];
    public PendingPrompt? Prompt { get; set; }

    public string? Get(string slot) => Values.TryGetValue(slot, out var v) ? v : null;
    public void Set(string slot, string? value)
    {
        if (value is null) Values.Remove(slot);
        else Values[slot] = value;
    }
}

public enum PromptKind { Choice, Text, Name, Date, Time, Phone, Confirm, DossierCode, Factor, BookingCode, OneTimeCode }

public sealed record Choice(string Value, string Title);

/// <summary>
/// A question waiting for its answer, with everything needed to ask it again after an interruption or a wrong answer:
/// the template, its model and the buttons.
/// </summary>
public sealed class PendingPrompt
{
    public string Slot { get; set; } = "";
    public PromptKind Kind { get; set; }
    public string TemplateKey { get; set; } = "";
    public string ModelJson { get; set; } = "{}";
    public List<Choice> Choices { get; set; } = [];
    /// <summary>An entity type that also answers the question ("office" for a choice of offices).</summary>
    public string? AcceptsEntity { get; set; }
    public int Attempts { get; set; }
}
