using System.Collections.Concurrent;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Messaging.Core.Notifications;
using Microsoft.Extensions.Options;

namespace Messaging.Notifier.Channels;

public sealed class SmtpOptions
{
    public const string Section = "Smtp";
    /// <summary>Empty means no SMTP server: emails go to the pickup directory instead.</summary>
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    /// <summary>None, StartTls, SslOnConnect or Auto (MailKit's SecureSocketOptions).</summary>
    public string Security { get; set; } = "StartTls";
    public string? Username { get; set; }
    public string? Password { get; set; }
    public string FromName { get; set; } = "Công an xã";
    public string FromAddress { get; set; } = "no-reply@example.vn";
    /// <summary>Connections kept open; one per worker slot is enough (an SmtpClient sends one message at a time).</summary>
    public int PoolSize { get; set; } = 4;
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Email over SMTP with MailKit, through a pool of connected clients that are reused message after message. SMTP
/// replies decide retry or not: 4xx and a server that cannot be reached are transient, 5xx is permanent.
/// </summary>
public sealed class SmtpSender(IOptions<SmtpOptions> options) : IChannelSender, IDisposable
{
    private readonly ConcurrentBag<SmtpClient> _idle = [];
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.Value.PoolSize), Math.Max(1, options.Value.PoolSize));
    private int _connectionsOpened;

    public string Channel => ChannelNames.Email;

    /// <summary>How many SMTP connections were opened so far (a pool opens far fewer than it sends).</summary>
    public int ConnectionsOpened => _connectionsOpened;

    public bool CanReach(Recipient r) => r.Email is { Length: > 3 } e && e.Contains('@');

    public async Task<SendResult> SendAsync(OutgoingMessage m, CancellationToken ct)
    {
        var o = options.Value;
        var message = EmailComposer.Compose(m, o.FromName, o.FromAddress);
        await _slots.WaitAsync(ct);
        SmtpClient? client = null;
        try
        {
            client = await RentAsync(ct);
            await client.SendAsync(message, ct);
            _idle.Add(client);
            client = null;
            return new SendResult(message.MessageId);
        }
        catch (SmtpCommandException e)
        {
            // The server answered: 4xx means try later, 5xx means this message will never go (bad mailbox, policy).
            var code = (int)e.StatusCode;
            if (client is { IsConnected: true }) { _idle.Add(client); client = null; }
            throw new ChannelException($"SMTP {code} {e.ErrorCode} for {e.Mailbox?.Address ?? "the message"}: {e.Message}", permanent: code >= 500, e);
        }
        catch (Exception e) when (e is SmtpProtocolException or IOException or SocketException or ServiceNotConnectedException or SslHandshakeException or TimeoutException)
        {
            throw new ChannelException($"SMTP server unavailable: {e.Message}", permanent: false, e);
        }
        catch (AuthenticationException e)
        {
            throw new ChannelException($"SMTP authentication failed: {e.Message}", permanent: false, e);
        }
        finally
        {
            if (client is not null) Discard(client);
            _slots.Release();
        }
    }

    private async Task<SmtpClient> RentAsync(CancellationToken ct)
    {
        while (_idle.TryTake(out var pooled))
        {
            if (pooled.IsConnected) return pooled;
            Discard(pooled);
        }
        var o = options.Value;
        var client = new SmtpClient { Timeout = (int)o.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(o.Host ?? throw new InvalidOperationException("Smtp:Host is empty."), o.Port, Enum.Parse<SecureSocketOptions>(o.Security, ignoreCase: true), ct);
            if (!string.IsNullOrEmpty(o.Username)) await client.AuthenticateAsync(o.Username, o.Password ?? "", ct);
            Interlocked.Increment(ref _connectionsOpened);
            return client;
        }
        catch
        {
            Discard(client);
            throw;
        }
    }

    private static void Discard(SmtpClient client)
    {
        try { if (client.IsConnected) client.Disconnect(true); } catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException) { }
        client.Dispose();
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var c)) Discard(c);
        _slots.Dispose();
    }
}
