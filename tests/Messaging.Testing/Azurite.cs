using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Messaging.Testing;

/// <summary>The Azure Storage queue emulator from the repository's npm packages, on a free loopback port, stopped by PID.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private Process? _process;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var bin = Path.Combine(RepoPaths.Root, "node_modules", ".bin", "azurite-queue");
        if (!File.Exists(bin)) throw new InvalidOperationException("Azurite is not installed: run npm ci (test.sh does).");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();
        // A free port can be taken between asking for it and Azurite binding it; a start that exits early tries anew.
        int port;
        for (var attempt = 1; ; attempt++)
        {
            port = FreePort();
            var started = await StartAsync(bin, port);
            if (started is null) break;
            if (attempt == 3) throw new InvalidOperationException(started);
        }
        ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            $"QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
    }

    /// <summary>Starts Azurite on <paramref name="port"/>; null once it listens, or why it exited.</summary>
    private async Task<string?> StartAsync(string bin, int port)
    {
        var psi = new ProcessStartInfo(bin, $"--queueHost 127.0.0.1 --queuePort {port} --inMemoryPersistence --disableTelemetry --skipApiVersionCheck --silent")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath(),
        };
        _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start azurite");
        var output = _process.StandardOutput.ReadToEndAsync();
        var errors = _process.StandardError.ReadToEndAsync();
        // Node starts slowly while the other test projects load both cores: CI once waited out a 10 s budget and the
        // first test met a closed port. Wait up to a minute, and say why when it never listens.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return null;
            }
            catch (SocketException)
            {
                if (_process.HasExited) return $"azurite exited with {_process.ExitCode}: {await errors}{await output}";
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"azurite did not listen on 127.0.0.1:{port} within 60 s");
                await Task.Delay(100);
            }
        }
    }

    public Task DisposeAsync()
    {
        Stop();
        return Task.CompletedTask;
    }

    private void Stop()
    {
        try { if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
