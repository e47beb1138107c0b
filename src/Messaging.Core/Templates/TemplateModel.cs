namespace Messaging.Core.Templates;

/// <summary>The channels a template can have a variant for.</summary>
public static class TemplateChannels
{
    public const string Chat = "chat";
    public const string Zalo = "zalo";
    public const string Sms = "sms";
    public const string EmailSubject = "email.subject";
    public const string EmailHtml = "email.html";
    public const string EmailText = "email.text";
    public const string Zns = "zns";

    public static readonly string[] All = [Chat, Zalo, Sms, EmailSubject, EmailHtml, EmailText, Zns];
    public static readonly string[] Locales = ["vi", "en"];

    /// <summary>"vi.sms" → ("vi", "sms"); null when either part is unknown.</summary>
    public static (string Locale, string Channel)? Parse(string variant)
    {
        var dot = variant.IndexOf('.');
        if (dot <= 0) return null;
        var locale = variant[..dot];
        var channel = variant[(dot + 1)..];
        return Locales.Contains(locale) && All.Contains(channel) ? (locale, channel) : null;
    }

    public static string Variant(string locale, string channel) => $"{locale}.{channel}";
}

/// <summary>A variable a template expects, documented for the admins who edit it.</summary>
public sealed record TemplateVariable(string Name, string Description);

/// <summary>Everything that defines a template, as shipped in `templates/{key}/` or saved by an admin.</summary>
public sealed record TemplateDefinition(
    string Key,
    string Description,
    IReadOnlyList<TemplateVariable> Variables,
    string SampleModelJson,
    IReadOnlyDictionary<string, string> Variants,
    bool SmsDeAccent,
    IReadOnlyDictionary<string, int> ZnsLimits);

public enum TemplateVersionStatus { Draft, Published, Superseded }

/// <summary>One template as stored: its metadata and the shipped default it can be reset to.</summary>
public sealed class MessageTemplate
{
    public required string Key { get; set; }
    public string Description { get; set; } = "";
    public string VariablesJson { get; set; } = "[]";
    public string SampleModelJson { get; set; } = "{}";
    public bool SmsDeAccent { get; set; }
    public string ZnsLimitsJson { get; set; } = "{}";
    /// <summary>The variants of the file under `templates/`, as last seeded.</summary>
    public string DefaultVariantsJson { get; set; } = "{}";
    public string DefaultHash { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// One saved state of a template's variants. Saves are drafts; publishing makes one live (the previous live version
/// becomes superseded). Rollback and reset create new versions, so history is never rewritten.
/// </summary>
public sealed class TemplateVersion
{
    public long Id { get; set; }
    public required string Key { get; set; }
    public int Number { get; set; }
    public TemplateVersionStatus Status { get; set; }
    /// <summary>JSON object "locale.channel" → source text.</summary>
    public string VariantsJson { get; set; } = "{}";
    public string Origin { get; set; } = "";
    public string? Comment { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public string? PublishedBy { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
}

/// <summary>Who did what, and when: one row per change an admin or officer makes.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public string Actor { get; set; } = "";
    public string Action { get; set; } = "";
    public string Subject { get; set; } = "";
    public string? Details { get; set; }
}
