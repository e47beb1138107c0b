using System.Text.Json;
using System.Text.RegularExpressions;

namespace Messaging.Testing;

/// <summary>What the local outbox senders wrote (`{data}/outbox/{channel}.jsonl`): where the offline product "sends" SMS.</summary>
public static partial class LocalOutbox
{
    public static IReadOnlyList<JsonElement> Lines(string dataDirectory, string channel)
    {
        var path = Path.Combine(dataDirectory, "outbox", channel + ".jsonl");
        if (!File.Exists(path)) return [];
        return File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement).ToList();
    }

    /// <summary>The newest one-time code sent to <paramref name="phone"/> (by ZNS or SMS), waiting up to five seconds for the notifier.</summary>
    public static async Task<string> CodeSentToAsync(string dataDirectory, string phone, int after = 0)
    {
        for (var i = 0; i < 100; i++)
        {
            var codes = Codes(dataDirectory, phone);
            if (codes.Count > after) return codes[^1];
            await Task.Delay(50);
        }
        throw new InvalidOperationException($"no one-time code reached the SMS outbox for {phone}");
    }

    /// <summary>Every one-time code sent to <paramref name="phone"/> by ZNS or SMS, oldest first.</summary>
    public static IReadOnlyList<string> Codes(string dataDirectory, string phone) =>
        Lines(dataDirectory, "zns").Concat(Lines(dataDirectory, "sms"))
            .OrderBy(l => l.GetProperty("at").GetDateTimeOffset())
            .Where(l => l.GetProperty("to").GetString() == phone && IsCode(l))
            .Select(l => SixDigits().Match(l.GetProperty("text").GetString()!).Value).ToList();

    public static bool IsCode(JsonElement line) => line.GetProperty("key").GetString()!.StartsWith("code:", StringComparison.Ordinal);

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
