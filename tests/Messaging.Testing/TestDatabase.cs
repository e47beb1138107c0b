using Messaging.Core;
using Messaging.Core.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Messaging.Testing;

/// <summary>
/// A migrated, empty database on SQLite (a temp file) or PostgreSQL (a fresh database on the shared cluster),
/// wired with the real Core services and a fake clock.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _sqliteDir;

    public ServiceProvider Services { get; }
    public FakeTimeProvider Time { get; }
    public DatabaseProvider Provider { get; }

    private TestDatabase(ServiceProvider services, FakeTimeProvider time, DatabaseProvider provider, string? sqliteDir)
    {
        Services = services;
        Time = time;
        Provider = provider;
        _sqliteDir = sqliteDir;
    }

    /// <summary>Tuesday 24 Nov 2026, 09:00 in Vietnam, unless a test says otherwise.</summary>
    public static readonly DateTimeOffset DefaultNow = new(2026, 11, 24, 9, 0, 0, TimeSpan.FromHours(7));

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider, PostgresServer? postgres = null,
        IDictionary<string, string?>? settings = null, DateTimeOffset? now = null, Action<IServiceCollection, IConfiguration>? configure = null)
    {
        string connectionString;
        string? sqliteDir = null;
        if (provider == DatabaseProvider.Sqlite)
        {
            sqliteDir = Path.Combine(Path.GetTempPath(), "messaging-test-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(sqliteDir);
            connectionString = $"Data Source={Path.Combine(sqliteDir, "test.db")}";
        }
        else
        {
            connectionString = await (postgres ?? throw new ArgumentNullException(nameof(postgres))).CreateDatabaseAsync();
        }

        var config = new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider.ToString(),
            ["Database:ConnectionString"] = connectionString,
            ["Messaging:DialogsDirectory"] = RepoPaths.Dialogs,
            ["Messaging:TemplatesDirectory"] = RepoPaths.Templates,
            ["Messaging:DataDirectory"] = sqliteDir ?? Path.GetTempPath(),
            ["Messaging:DemoData"] = "false",
            // A bare database is not the demo, so codes would be required; tests of the codes ask for them.
            ["Identity:PhoneVerification"] = "Never",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) config[k] = v;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(config).Build();

        var time = new FakeTimeProvider(now ?? DefaultNow);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<TimeProvider>(time);
        services.AddMessagingCore(configuration);
        configure?.Invoke(services, configuration);
        var sp = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        await sp.InitializeMessagingAsync(CancellationToken.None);
        return new TestDatabase(sp, time, provider, sqliteDir);
    }

    /// <summary>Runs <paramref name="action"/> with services from a fresh scope, as one request would.</summary>
    public async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    public Task InScopeAsync(Func<IServiceProvider, Task> action) =>
        InScopeAsync(async sp => { await action(sp); return true; });

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        if (_sqliteDir is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(_sqliteDir, recursive: true); } catch (IOException) { }
        }
    }
}

public static class RepoPaths
{
    public static string Root { get; } = FindRoot();
    public static string Dialogs => Path.Combine(Root, "dialogs");
    public static string Templates => Path.Combine(Root, "templates");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Messaging.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Messaging.sln not found above " + AppContext.BaseDirectory);
    }
}
