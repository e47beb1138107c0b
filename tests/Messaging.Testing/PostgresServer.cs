using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit;

namespace Messaging.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster from the machine's own binaries, on a free loopback port, with fsync off.
/// One per test assembly (see <see cref="PostgresCollection"/>); each test class gets its own database.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _dir;
    private readonly string _bin;
    private int _disposed;

    public int Port { get; }
    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false;Timeout=60";

    private PostgresServer(string dir, string bin, int port)
    {
        _dir = dir;
        _bin = bin;
        Port = port;
    }

    public static async Task<PostgresServer> StartAsync()
    {
        var bin = FindBinaries();
        var dir = Path.Combine(Path.GetTempPath(), "messaging-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        var asRoot = Environment.UserName == "root";
        if (asRoot) await RunAsync("chown", $"postgres:postgres {dir}", asPostgres: false);
        var port = FreePort();
        await RunAsync(Path.Combine(bin, "initdb"),
            $"-D {dir}/data -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync", asRoot);
        await RunAsync(Path.Combine(bin, "pg_ctl"),
            $"-D {dir}/data -l {dir}/log.txt -w -t 60 -o \"-c listen_addresses=127.0.0.1 -p {port} -k {dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=1000\" start",
            asRoot);
        var server = new PostgresServer(dir, bin, port);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server;
    }

    /// <summary>
    /// Creates an empty database and returns its connection string. The timeouts are long because CI runs the test
    /// projects side by side on two cores, where opening a connection once took longer than Npgsql's default 15 s.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= "t_" + Guid.NewGuid().ToString("N")[..16];
        await using var conn = new NpgsqlConnection(AdminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
        await cmd.ExecuteNonQueryAsync();
        return $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name};Maximum Pool Size=200;Timeout=60;Command Timeout=120";
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private void Stop()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        try
        {
            RunAsync(Path.Combine(_bin, "pg_ctl"), $"-D {_dir}/data -m immediate -w stop", Environment.UserName == "root")
                .GetAwaiter().GetResult();
        }
        catch (InvalidOperationException)
        {
            // Already stopped; the directory is removed either way.
        }
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static string FindBinaries()
    {
        var fromEnv = Environment.GetEnvironmentVariable("PG_BIN");
        if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
        var root = "/usr/lib/postgresql";
        var dir = Directory.Exists(root)
            ? Directory.GetDirectories(root).OrderByDescending(d => d).Select(d => Path.Combine(d, "bin"))
                .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            : null;
        return dir ?? throw new InvalidOperationException("PostgreSQL binaries not found: install postgresql or set PG_BIN.");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string args, bool asPostgres)
    {
        var psi = asPostgres
            ? new ProcessStartInfo("runuser", $"-u postgres -- {file} {args}")
            : new ProcessStartInfo(file, args);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.WorkingDirectory = Path.GetTempPath();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} exited {p.ExitCode}: {await stderr}{await stdout}");
    }
}

/// <summary>xunit collection fixture: one cluster for every test class in the "postgres" collection.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;
    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();
    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public static class PostgresCollection
{
    public const string Name = "postgres";
}
