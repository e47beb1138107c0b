using Messaging.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Messaging.Server.Tests;

/// <summary>The real server in-process, on its own data directory, with settings given per test.</summary>
public sealed class MessagingServerFactory : WebApplicationFactory<Program>
{
    public const string ImportKey = "test-import-key-0123456789";
    public const string AdminKey = "test-admin-key-0123456789abcdef";
    public const string OfficerKey = "test-officer-key-0123456789abcdef";
    private readonly Dictionary<string, string?> _settings;
    private readonly bool _ownsDirectory;

    public string DataDirectory { get; }

    public MessagingServerFactory(IDictionary<string, string?>? settings = null, string? dataDirectory = null)
    {
        _ownsDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? Directory.CreateTempSubdirectory("messaging-server-").FullName;
        _settings = new Dictionary<string, string?>
        {
            ["Messaging:DataDirectory"] = DataDirectory,
            ["Messaging:DialogsDirectory"] = RepoPaths.Dialogs,
            ["Messaging:TemplatesDirectory"] = RepoPaths.Templates,
            ["Messaging:DemoData"] = "true",
            ["Dossiers:ImportApiKeys:0"] = ImportKey,
            ["Admin:ApiKeys:0:Name"] = "test-admin",
            ["Admin:ApiKeys:0:Key"] = AdminKey,
            ["Admin:ApiKeys:0:Roles:0"] = "admin",
            ["Admin:ApiKeys:1:Name"] = "test-officer",
            ["Admin:ApiKeys:1:Key"] = OfficerKey,
            ["Admin:ApiKeys:1:Roles:0"] = "officer",
            ["Admin:ApiKeys:1:Offices:0"] = "ca-xa-tinh-ha",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) _settings[k] = v;
    }

    /// <summary>
    /// Stops the server and removes the data directory it created; a directory passed in (a restart test) is the
    /// caller's to keep.
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_ownsDirectory)
        {
            try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // UseSetting lands in the configuration Program.cs reads before Build(), unlike ConfigureAppConfiguration.
        foreach (var (k, v) in _settings) builder.UseSetting(k, v);
    }
}
