using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Messaging.Testing.Fakes;

/// <summary>
/// An SMTP peer over real TCP that answers RCPT TO with scripted replies ("451 …", "550 …"), then 250: the replies a
/// mail server gives when it is busy or a mailbox does not exist, which maildev never gives. Everything else is the
/// plain protocol (EHLO, MAIL, RCPT, DATA, QUIT).
/// </summary>
public sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private Task? _accepting;

    public ConcurrentQueue<string> RcptReplies { get; } = new();
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public int Accepted => _accepted;
    public int Connections => _connections;
    private int _accepted;
    private int _connections;

    public ScriptedSmtpServer Start()
    {
        _listener.Start();
        _accepting = Task.Run(AcceptAsync);
        return this;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (SocketException) { return; }
            Interlocked.Increment(ref _connections);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 scripted.local ESMTP");
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteLineAsync("250-scripted.local");
                        await writer.WriteLineAsync("250 8BITMIME");
                        break;
                    case "RCPT":
                        await writer.WriteLineAsync(RcptReplies.TryDequeue(out var scripted) ? scripted : "250 2.1.5 OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        while (await reader.ReadLineAsync(_stop.Token) is { } data && data != ".") { }
                        Interlocked.Increment(ref _accepted);
                        await writer.WriteLineAsync("250 2.0.0 queued");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 2.0.0 bye");
                        return;
                    default:
                        await writer.WriteLineAsync("250 OK"); // HELO, MAIL, RSET, NOOP
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        if (_accepting is not null) await _accepting;
    }
}
