using System.Text.Json;
using Messaging.Bot.Activities;
using Messaging.Core.Templates;
using Messaging.Language;
using Messaging.Language.Entities;
using Messaging.Language.Text;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Bot.Engine;

/// <summary>One turn: the incoming activity, what the language model read in it, the state, and the replies so far.</summary>
public sealed class TurnContext(Activity incoming, ParseResult nlu, ConversationData state, string locale,
    DateTimeOffset now, IServiceProvider services, string conversationId, TurnIdentity identity)
{
    public static readonly JsonSerializerOptions ModelJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public Activity Incoming { get; } = incoming;
    public ParseResult Nlu { get; } = nlu;
    public ConversationData State { get; } = state;
    public string Locale { get; } = locale;
    public DateTimeOffset Now { get; } = now;
    public IServiceProvider Services { get; } = services;
    public string ConversationId { get; } = conversationId;
    public string Text { get; } = incoming.TextOrValue ?? "";
    /// <summary>The message's canonical words as the model read them ("datlichlamcancuoc" split), for routing words.</summary>
    public string Folded { get; } = nlu.Canonical is { } read && nlu.Text == (incoming.TextOrValue ?? "")
        ? read : Normalizer.Canonical(incoming.TextOrValue);
    /// <summary>Who is speaking, as the adapter verified it; never the activity's own claims.</summary>
    public TurnIdentity Identity { get; } = identity;
    public string ChannelId => Identity.Channel;
    public string UserId => Identity.Subject;
    /// <summary>
    /// This turn's key for side effects (a booking, a cancellation, a move): the same in every run of the turn, so a
    /// run repeated after a version conflict finds its effect made and makes no second one.
    /// </summary>
    public string TurnKey => Key($"{ConversationId}:{Incoming.Id}");

    // Keys are stored in 200 characters; long ids (up to the activity limits) are hashed, which keeps them distinct.
    private static string Key(string key) => key.Length <= 200 ? key
        : "h:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
    public List<Activity> Replies { get; } = [];

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    public string? Entity(string type) => Nlu.Entities.FirstOrDefault(e => e.Type == type)?.Value;
    public Entity? EntityOf(string type) => Nlu.Entities.FirstOrDefault(e => e.Type == type);
    public string Intent => Nlu.Intent.Name;
    public double Confidence => Nlu.Intent.Confidence;

    /// <summary>Renders a bot template for this turn's locale and adds it as a reply, with buttons and channel data.</summary>
    public async Task SayAsync(string templateKey, object? model = null, IEnumerable<CardAction>? actions = null,
        object? channelData = null, CancellationToken ct = default)
    {
        var json = JsonSerializer.SerializeToElement(model ?? new { }, ModelJson);
        await SayJsonAsync(templateKey, json, actions, channelData, ct);
    }

    public async Task SayJsonAsync(string templateKey, JsonElement model, IEnumerable<CardAction>? actions,
        object? channelData, CancellationToken ct)
    {
        var rendered = await Service<TemplateStore>().RenderAsync(templateKey, TemplateChannels.Chat, Locale, model, ct)
            ?? throw new InvalidOperationException($"Template {templateKey} has no chat variant.");
        var list = actions?.ToList();
        Replies.Add(new Activity
        {
            Type = ActivityTypes.Message,
            Text = rendered.Text,
            Locale = Locale == "en" ? "en-US" : "vi-VN",
            SuggestedActions = list is { Count: > 0 } ? new SuggestedActions(list) : null,
            ChannelData = channelData is null ? null : JsonSerializer.SerializeToElement(channelData, ActivityJson.Options),
        });
    }

    /// <summary>Asks a question and remembers it, so the answer (or an interruption) can be handled next turn.</summary>
    public Task PromptAsync(DialogFrame frame, string slot, PromptKind kind, string templateKey, object? model = null,
        IReadOnlyList<Choice>? choices = null, string? acceptsEntity = null, CancellationToken ct = default)
    {
        frame.Prompt = new PendingPrompt
        {
            Slot = slot,
            Kind = kind,
            TemplateKey = templateKey,
            ModelJson = JsonSerializer.Serialize(model ?? new { }, ModelJson),
            Choices = choices?.ToList() ?? [],
            AcceptsEntity = acceptsEntity,
        };
        return RepeatPromptAsync(frame.Prompt, ct);
    }

    public Task RepeatPromptAsync(PendingPrompt prompt, CancellationToken ct) =>
        SayJsonAsync(prompt.TemplateKey, JsonDocument.Parse(prompt.ModelJson).RootElement, Buttons(prompt.Choices), null, ct);

    public static IEnumerable<CardAction> Buttons(IEnumerable<Choice> choices) =>
        choices.Select(c => new CardAction(ActionTypes.PostBack, c.Title, c.Value));
}
