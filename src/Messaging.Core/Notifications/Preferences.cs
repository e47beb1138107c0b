using System.Text.RegularExpressions;
using Messaging.Language.Text;

namespace Messaging.Core.Notifications;

/// <summary>
/// What a citizen asked to change about how they are told things: only some channels, an e-mail to use first, stop or
/// resume messages (on named channels, or on the one they wrote from), the language.
/// </summary>
public sealed record PreferenceChange(
    IReadOnlyList<string>? OnlyChannels = null,
    string? Email = null,
    bool? OptOut = null,
    IReadOnlyList<string>? OptChannels = null,
    string? Locale = null);

/// <summary>
/// Reads a preference command the way citizens type it, with or without diacritics: "chỉ nhận SMS", "chi nhan zalo",
/// "nhận qua email an@gmail.com", "TU CHOI", "từ chối sms", "ĐĂNG KÝ LẠI", "nhắn tin bằng tiếng Anh". Anything else is
/// not a command (null), so ordinary questions are never taken for one.
/// </summary>
public static partial class PreferenceCommands
{
    /// <summary>The order an explicit wish starts from: every out-of-band channel (a web chat is a copy, never the delivery).</summary>
    public static readonly string[] OutOfBand = [ChannelNames.Zalo, ChannelNames.Zns, ChannelNames.Sms, ChannelNames.Email];

    public static PreferenceChange? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 200) return null;
        var folded = string.Join(' ', Folding.Fold(text).ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries)).Trim(' ', '.', '!');
        if (EmailCommand().Match(folded) is { Success: true } && EmailAddress.Find(text) is { } email)
            return new PreferenceChange(Email: email);
        if (OnlyCommand().Match(folded) is { Success: true } only)
            return new PreferenceChange(OnlyChannels: ChannelsOf(only.Groups["channel"].Value, only: true));
        if (StopCommand().Match(folded) is { Success: true } stop)
            return new PreferenceChange(OptOut: true, OptChannels: stop.Groups["channel"].Success ? ChannelsOf(stop.Groups["channel"].Value, only: false) : null);
        if (ResumeCommand().Match(folded) is { Success: true } resume)
            return new PreferenceChange(OptOut: false, OptChannels: resume.Groups["channel"].Success ? ChannelsOf(resume.Groups["channel"].Value, only: false) : null);
        if (LanguageCommand().Match(folded) is { Success: true } language)
            return new PreferenceChange(Locale: language.Groups["language"].Value is "tieng anh" or "english" ? "en" : "vi");
        return null;
    }

    /// <summary>"Only Zalo" keeps ZNS (Zalo's own template messages) behind the chat; stopping Zalo stops the chat only.</summary>
    private static string[] ChannelsOf(string word, bool only) => word switch
    {
        "sms" or "tin nhan" or "tin nhan sms" or "tin nhan dien thoai" => [ChannelNames.Sms],
        "zalo" => only ? [ChannelNames.Zalo, ChannelNames.Zns] : [ChannelNames.Zalo],
        _ => [ChannelNames.Email],
    };

    private const string Channel = "(?<channel>sms|tin nhan sms|tin nhan dien thoai|tin nhan|zalo|email|e-mail|mail|thu dien tu)";

    [GeneratedRegex(@"^(toi muon |cho toi |xin )?(chi )?(nhan|gui)( tin| thong bao)?( qua| bang| vao)? (email|e-mail|mail|thu dien tu)\b|^(email|e-mail) (cua toi|toi) la\b|^(send|notify) me by e-?mail\b", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex EmailCommand();

    [GeneratedRegex(@"^(toi muon |cho toi |xin )?(chi|only)( nhan| gui| send)?( tin| thong bao)?( qua| bang| by| via)? " + Channel + "( thoi| only)?$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex OnlyCommand();

    [GeneratedRegex(@"^(tu choi|stop|huy dang ky|khong nhan tin|unsubscribe|ngung nhan tin|dung gui tin)( nhan tin| tin)?( qua)?( " + Channel + ")?$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex StopCommand();

    [GeneratedRegex(@"^(dang ky lai|dong y nhan tin|nhan tin lai|start|resume)( qua)?( " + Channel + ")?$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex ResumeCommand();

    [GeneratedRegex(@"^(nhan tin|gui tin|thong bao|nhan thong bao)( bang| qua)? (?<language>tieng anh|tieng viet)$|^(send )?(messages|notifications) in (?<language>english|vietnamese)$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex LanguageCommand();
}

/// <summary>E-mail addresses as citizens type them: found in a sentence, checked for shape and length, lower-cased.</summary>
public static partial class EmailAddress
{
    public static string? Find(string? text) =>
        text is null ? null : Shape().Match(text) is { Success: true } m && TryNormalize(m.Value, out var email) ? email : null;

    public static bool TryNormalize(string? text, out string email)
    {
        email = (text ?? "").Trim().TrimEnd('.', ',', ';').ToLowerInvariant();
        return email.Length is > 5 and <= 200 && Shape().Match(email) is { Success: true } m && m.Value == email;
    }

    [GeneratedRegex(@"[a-zA-Z0-9._%+\-]{1,64}@[a-zA-Z0-9\-]{1,63}(\.[a-zA-Z0-9\-]{1,63}){1,8}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Shape();
}
