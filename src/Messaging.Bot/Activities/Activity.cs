using System.Text.Json;
using System.Text.Json.Serialization;

namespace Messaging.Bot.Activities;

/// <summary>
/// One message in or out, in the Bot Framework Activity schema's JSON shape, so Bot Framework clients and channels
/// read it unchanged. Only the fields this product uses are modelled; unknown fields are ignored on input.
/// </summary>
public sealed record Activity
{
    [JsonPropertyName("type")] public string Type { get; init; } = ActivityTypes.Message;
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("timestamp")] public DateTimeOffset? Timestamp { get; init; }
    [JsonPropertyName("channelId")] public string? ChannelId { get; init; }
    [JsonPropertyName("from")] public ChannelAccount? From { get; init; }
    [JsonPropertyName("conversation")] public ConversationAccount? Conversation { get; init; }
    [JsonPropertyName("recipient")] public ChannelAccount? Recipient { get; init; }
    [JsonPropertyName("text")] public string? Text { get; init; }
    [JsonPropertyName("locale")] public string? Locale { get; init; }
    [JsonPropertyName("value")] public JsonElement? Value { get; init; }
    [JsonPropertyName("suggestedActions")] public SuggestedActions? SuggestedActions { get; init; }
    [JsonPropertyName("attachments")] public IReadOnlyList<Attachment>? Attachments { get; init; }
    [JsonPropertyName("channelData")] public JsonElement? ChannelData { get; init; }
    [JsonPropertyName("replyToId")] public string? ReplyToId { get; init; }
    [JsonPropertyName("deliveryMode")] public string? DeliveryMode { get; init; }
    [JsonPropertyName("inputHint")] public string? InputHint { get; init; }
    /// <summary>"plain" on every reply: the bot's line breaks are meant as written, not as Markdown.</summary>
    [JsonPropertyName("textFormat")] public string? TextFormat { get; init; }

    /// <summary>The text, or a string value a button posted back. Not part of the wire shape: it would repeat the text.</summary>
    [JsonIgnore]
    public string? TextOrValue => !string.IsNullOrWhiteSpace(Text) ? Text
        : Value is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;
}

public static class ActivityTypes
{
    public const string Message = "message";
    public const string ConversationUpdate = "conversationUpdate";
    public const string Typing = "typing";
    public const string Event = "event";
}

public static class DeliveryModes
{
    public const string ExpectReplies = "expectReplies";
}

public sealed record ChannelAccount(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string? Name = null,
    [property: JsonPropertyName("role")] string? Role = null);

public sealed record ConversationAccount([property: JsonPropertyName("id")] string Id);

public sealed record SuggestedActions([property: JsonPropertyName("actions")] IReadOnlyList<CardAction> Actions);

/// <summary>A button: imBack posts its value as the user's text; postBack posts it without showing it; openUrl opens a link.</summary>
public sealed record CardAction(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("value")] string Value);

public static class ActionTypes
{
    public const string ImBack = "imBack";
    public const string PostBack = "postBack";
    public const string OpenUrl = "openUrl";
}

public sealed record Attachment(
    [property: JsonPropertyName("contentType")] string ContentType,
    [property: JsonPropertyName("content")] JsonElement? Content = null,
    [property: JsonPropertyName("name")] string? Name = null);

/// <summary>The answer to a turn in expectReplies mode: every reply of that turn.</summary>
public sealed record ExpectedReplies([property: JsonPropertyName("activities")] IReadOnlyList<Activity> Activities);

public static class ActivityJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
