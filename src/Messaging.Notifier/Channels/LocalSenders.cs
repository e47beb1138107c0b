using System.Text.Json;
using Messaging.Core;
using Messaging.Core.Notifications;
using Messaging.Language.Entities;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Messaging.Notifier.Channels;

/// <summary>
/// When no gateway is configured, SMS, Zalo and ZNS messages are written to `{data}/outbox/{channel}.jsonl`, one JSON
/// object per line: what would have been sent, so the product runs fully offline and admins can read it.
/// </summary>
public sealed class LocalOutboxSender(string channel, IOptions<MessagingOptions> options, TimeProvider time) : IChannelSender
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    public string Channel => channel;

    public bool CanReach(Recipient r) => channel switch
    {
        ChannelNames.Zalo => r.ZaloUserId is not null,
        _ => r.Phone is not null && VietnamesePhone.TryNormalize(r.Phone, out _),
    };

    public async Task<SendResult> SendAsync(OutgoingMessage m, CancellationToken ct)
    {
        if (!CanReach(m.Recipient)) throw new ChannelException($"no {channel} address", permanent: true);
        var dir = Path.Combine(Path.GetFullPath(options.Value.DataDirectory), "outbox");
        Directory.CreateDirectory(dir);
        var line = JsonSerializer.Serialize(new
        {
            at = time.GetUtcNow(), key = m.Key, channel, to = channel == ChannelNames.Zalo ? m.Recipient.ZaloUserId : m.Recipient.Phone,
            // A bot reply's parts and buttons as lines, the way the citizen would see them.
            text = m.Parts is { } parts ? string.Join('\n', parts.Skip(m.SkipParts).SelectMany(p => new[] { p.Text }.Concat((p.Buttons ?? []).Select(b => "[" + b.Title + "]")))) : m.Text,
            zns = m.ZnsParameters, zns_template = m.ZnsTemplateId, sms = m.Sms,
        }, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        await Gate.WaitAsync(ct);
        try
        {
            await File.AppendAllTextAsync(Path.Combine(dir, channel + ".jsonl"), line + "\n", ct);
        }
        finally
        {
            Gate.Release();
        }
        return new SendResult("local:" + m.Key);
    }
}

/// <summary>
/// With no SMTP server configured, emails go to a pickup directory as .eml files (`{data}/outbox/email/`), named
/// after the notification key, so a redelivered message overwrites rather than duplicates.
/// </summary>
public sealed class EmailPickupSender(IOptions<MessagingOptions> options) : IChannelSender
{
    public string Channel => ChannelNames.Email;

    public bool CanReach(Recipient r) => r.Email is { Length: > 3 } e && e.Contains('@');

    public async Task<SendResult> SendAsync(OutgoingMessage m, CancellationToken ct)
    {
        if (!CanReach(m.Recipient)) throw new ChannelException("no email address", permanent: true);
        var message = EmailComposer.Compose(m, "Công an xã", "no-reply@messaging.local");
        var dir = Path.Combine(Path.GetFullPath(options.Value.DataDirectory), "outbox", "email");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, EmailComposer.SafeName(m.Key) + ".eml");
        await using (var stream = File.Create(file))
        {
            await message.WriteToAsync(stream, ct);
        }
        return new SendResult(message.MessageId);
    }
}

/// <summary>Builds the MIME message: text and HTML alternatives, UTF-8 subject and names, a Message-Id from the key.</summary>
public static class EmailComposer
{
    public static MimeMessage Compose(OutgoingMessage m, string fromName, string fromAddress)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(fromName, fromAddress));
        message.To.Add(new MailboxAddress(m.Recipient.Name ?? "", m.Recipient.Email ?? throw new ChannelException("no email address", permanent: true)));
        message.Subject = m.Subject ?? "";
        // The same notification always has the same Message-Id, so a resend is recognisable downstream.
        message.MessageId = $"{SafeName(m.Key)}@{fromAddress.Split('@')[^1]}";
        var body = new BodyBuilder { TextBody = m.Text, HtmlBody = m.Html };
        message.Body = body.ToMessageBody();
        return message;
    }

    public static string SafeName(string key) => string.Concat(key.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_'));
}
