using System.Text;

namespace Messaging.Bot.Activities;

/// <summary>
/// What a client may write through an activity: ids of bounded length and plain characters, channel names that are
/// not a real channel's, and text without NUL or other control characters (PostgreSQL refuses NUL, and nobody types it).
/// </summary>
public static class ActivityRules
{
    public const int MaxIdLength = 128;
    public const int MaxNameLength = 100;
    public const int MaxChannelLength = 32;
    /// <summary>A posted button value longer than this is not one of ours.</summary>
    public const int MaxValueLength = 200;

    /// <summary>Channels whose identities only their own adapters (a signed webhook, Direct Line tokens) may speak for.</summary>
    public static readonly HashSet<string> ReservedChannels = new(StringComparer.OrdinalIgnoreCase)
        { "zalo", "directline", "sms", "zns", "email", "api" };

    /// <summary>Conversation id prefixes of the real channels (Zalo, Direct Line): never reachable through /api/messages.</summary>
    public static readonly string[] ForeignPrefixes = ["zalo:", "dl-"];

    /// <summary>The web chat's server-issued conversations: reachable only with their token.</summary>
    public const string WebChatPrefix = "wc-";

    /// <summary>The identity space of plain Activity clients: apart from every channel's, whatever channel they name.</summary>
    public const string AnonymousChannel = "anon";

    /// <summary>Letters, digits and . _ - : @ | + = only; nothing that could be a control, a path or markup.</summary>
    public static bool IsValidId(string? id) =>
        id is { Length: > 0 and <= MaxIdLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ':' or '@' or '|' or '+' or '=');

    public static bool IsValidChannel(string? channel) =>
        channel is { Length: > 0 and <= MaxChannelLength } && channel.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>Why a client's activity cannot be taken as it is, or null when it can.</summary>
    public static string? Problem(Activity a)
    {
        if (!IsValidId(a.Conversation?.Id)) return $"conversation.id is required: 1 to {MaxIdLength} letters, digits or . _ - : @ | + =.";
        if (a.Id is not null && !IsValidId(a.Id)) return $"id has at most {MaxIdLength} letters, digits or . _ - : @ | + =.";
        if (a.From?.Id is { } from && !IsValidId(from)) return $"from.id has at most {MaxIdLength} letters, digits or . _ - : @ | + =.";
        if (a.ChannelId is { } channel && !IsValidChannel(channel)) return $"channelId has at most {MaxChannelLength} letters, digits or . _ -.";
        if (a.Locale is { Length: > 16 }) return "locale has at most 16 characters.";
        if (a.Timestamp is { } ts && (ts.Year < 2000 || ts.Year > 2100)) return "timestamp is out of range.";
        return null;
    }

    /// <summary>Control characters other than line breaks and tabs become spaces; NUL is dropped.</summary>
    public static string? CleanText(string? text)
    {
        if (text is null) return null;
        var clean = true;
        foreach (var c in text) if (IsUnwanted(c)) { clean = false; break; }
        if (clean) return text;
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c == '\0') continue;
            sb.Append(IsUnwanted(c) ? ' ' : c);
        }
        return sb.ToString();
    }

    private static bool IsUnwanted(char c) => char.IsControl(c) && c is not ('\n' or '\r' or '\t');

    /// <summary>
    /// The activity as the engine gets it from an untrusted client: only the fields the product uses, text and name
    /// cleaned, a posted value kept only when it is a short string (a button's), no channel data or attachments.
    /// </summary>
    public static Activity Sanitized(Activity a, string channel) => new()
    {
        Type = a.Type,
        Id = a.Id,
        Timestamp = a.Timestamp,
        ChannelId = channel,
        From = a.From is { } f ? new ChannelAccount(f.Id, CleanName(f.Name), "user") : null,
        Conversation = a.Conversation,
        Recipient = a.Recipient is { } r && IsValidId(r.Id) ? new ChannelAccount(r.Id) : null,
        Text = CleanText(a.Text),
        Locale = a.Locale,
        Value = a.Value is { ValueKind: System.Text.Json.JsonValueKind.String } v && v.GetString()!.Length <= MaxValueLength ? v : null,
        DeliveryMode = a.DeliveryMode,
    };

    private static string? CleanName(string? name) =>
        name is null ? null : CleanText(name.Length > MaxNameLength ? name[..MaxNameLength] : name);
}
