using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Messaging.Testing;

/// <summary>
/// The real server as a separate process (`dotnet Messaging.Server.dll`), on a free loopback port: what an operator runs
/// on each node. Its output is kept for the test's failure message; it is stopped by PID.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";
    public string Output { get { lock (_output) return _output.ToString(); } }

    private ServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public static async Task<ServerProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string?> settings, string role = "all")
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(RepoPaths.Root, "src", "Messaging.Server", "bin", configuration, "net10.0", "Messaging.Server.dll");
        var port = FreePort();
        var psi = new ProcessStartInfo("dotnet", $"\"{dll}\" --role {role} --urls http://127.0.0.1:{port}")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dataDirectory,
            Environment =
            {
                ["Messaging__DataDirectory"] = dataDirectory,
                ["Messaging__DialogsDirectory"] = RepoPaths.Dialogs,
                ["Messaging__TemplatesDirectory"] = RepoPaths.Templates,
                ["Logging__LogLevel__Default"] = "Warning",
            },
        };
        foreach (var (k, v) in settings) psi.Environment[k.Replace(":", "__", StringComparison.Ordinal)] = v;
        var server = new ServerProcess(Process.Start(psi)!, port);
        // A test run that ends abruptly must not leave servers behind.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { if (!server._process.HasExited) server._process.Kill(true); } catch (InvalidOperationException) { } };
        server._process.OutputDataReceived += (_, e) => { lock (server._output) server._output.AppendLine(e.Data); };
        server._process.ErrorDataReceived += (_, e) => { lock (server._output) server._output.AppendLine(e.Data); };
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        using var http = new HttpClient();
        for (var i = 0; i < 600; i++)
        {
            if (server._process.HasExited) throw new InvalidOperationException("the server exited: " + server.Output);
            try
            {
                if ((await http.GetAsync(server.BaseUrl + "/healthz")).IsSuccessStatusCode) return server;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        await server.DisposeAsync();
        throw new TimeoutException("the server did not answer /healthz: " + server.Output);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
