using Messaging.Bot.Activities;
using Messaging.Bot.Engine;
using Messaging.Core;
using Messaging.Core.Appointments;
using Messaging.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Messaging.Bot.Tests;

/// <summary>Booking codes in a fixed order, so transcripts are the same on every run.</summary>
public sealed class SequentialBookingCodes : IBookingCodes
{
    private int _n;
    public string Next()
    {
        var n = Interlocked.Increment(ref _n);
        var body = new char[6];
        for (var i = 5; i >= 0; i--, n /= BookingCode.Alphabet.Length) body[i] = BookingCode.Alphabet[n % BookingCode.Alphabet.Length];
        var code = "";
        foreach (var c in BookingCode.Alphabet)
        {
            if (BookingCode.TryNormalize(new string(body) + c, out code)) break;
        }
        return code;
    }
}

/// <summary>
/// The bot in-process on a SQLite file with the demo data, a fake clock and fixed booking codes. Restarting builds
/// a new engine on the same file, as a server restart would.
/// </summary>
public sealed class BotHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Monday = new(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(7));

    private readonly string _dir;
    private readonly SequentialBookingCodes _codes = new();
    public FakeTimeProvider Time { get; }
    public ServiceProvider Services { get; private set; } = null!;
    public ConversationEngine Engine => Services.GetRequiredService<ConversationEngine>();

    private readonly IDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _configure;

    private BotHost(string dir, DateTimeOffset now, IDictionary<string, string?>? settings, Action<IServiceCollection>? configure)
    {
        _dir = dir;
        Time = new FakeTimeProvider(now);
        _settings = settings ?? new Dictionary<string, string?>();
        _configure = configure;
    }

    /// <summary>Extra settings and services (the assistant's) on top of the bot's own.</summary>
    public static async Task<BotHost> StartAsync(DateTimeOffset? now = null, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configure = null)
    {
        var host = new BotHost(Directory.CreateTempSubdirectory("messaging-bot-").FullName, now ?? Monday, settings, configure);
        await host.RestartAsync();
        return host;
    }

    public ServiceProvider Build()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Messaging:DataDirectory"] = _dir,
            ["Messaging:DialogsDirectory"] = RepoPaths.Dialogs,
            ["Messaging:TemplatesDirectory"] = RepoPaths.Templates,
            ["Messaging:DemoData"] = "true",
        }).AddInMemoryCollection(_settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton<IBookingCodes>(_codes);
        services.AddMessagingCore(configuration);
        services.AddMessagingBot(configuration);
        _configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    public async Task RestartAsync()
    {
        if (Services is not null) await Services.DisposeAsync();
        Services = Build();
        await Services.InitializeMessagingAsync(CancellationToken.None);
    }

    private int _activity;

    public Task<IReadOnlyList<Activity>> SayAsync(string conversation, string text, string locale = "vi-VN", string? value = null,
        ConversationEngine? engine = null) =>
        (engine ?? Engine).RunTurnAsync(new Activity
        {
            Id = $"a{Interlocked.Increment(ref _activity)}",
            Text = text,
            Value = value is null ? null : System.Text.Json.JsonSerializer.SerializeToElement(value),
            Locale = locale,
            ChannelId = "test",
            From = new ChannelAccount("citizen-" + conversation),
            Conversation = new ConversationAccount(conversation),
        }, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
