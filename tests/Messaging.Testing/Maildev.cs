using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Messaging.Testing;

/// <summary>maildev (an SMTP server with a REST API) from the repository's npm packages, on free loopback ports.</summary>
public sealed class MaildevFixture : IAsyncLifetime
{
    private Process? _process;
    private readonly string _dir = Directory.CreateTempSubdirectory("maildev-").FullName;

    public int SmtpPort { get; } = FreePort();
    public int WebPort { get; } = FreePort();
    public HttpClient Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{WebPort}") };
        await StartAsync();
    }

    /// <summary>Starts (or restarts, on the same ports) the server and waits until SMTP answers.</summary>
    public async Task StartAsync()
    {
        var bin = Path.Combine(RepoPaths.Root, "node_modules", ".bin", "maildev");
        if (!File.Exists(bin)) throw new InvalidOperationException("maildev is not installed: run npm ci (test.sh does).");
        var psi = new ProcessStartInfo(bin, $"--ip 127.0.0.1 --smtp {SmtpPort} --web-ip 127.0.0.1 --web {WebPort} --silent --mail-directory {_dir}")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir, Environment = { ["TMPDIR"] = _dir },
        };
        _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start maildev");
        _ = _process.StandardOutput.ReadToEndAsync();
        _ = _process.StandardError.ReadToEndAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();
        // A minute, as for Azurite: node starts slowly while the other test projects load both cores.
        for (var i = 0; i < 600; i++)
        {
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, SmtpPort);
                await Api.GetAsync("/api/healthz");
                return;
            }
            catch (Exception e) when (e is SocketException or HttpRequestException)
            {
                await Task.Delay(100);
            }
        }
        throw new InvalidOperationException("maildev did not start");
    }

    public void Stop()
    {
        try { if (_process is { HasExited: false }) { _process.Kill(entireProcessTree: true); _process.WaitForExit(5000); } } catch (InvalidOperationException) { }
    }

    public Task DisposeAsync()
    {
        Stop();
        Api.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
