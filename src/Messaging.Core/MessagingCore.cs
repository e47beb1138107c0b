using Messaging.Core.Appointments;
using Messaging.Core.Dossiers;
using Messaging.Core.Language;
using Messaging.Core.Notifications;
using Messaging.Language;
using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Messaging.Core.Seeding;
using Messaging.Core.Templates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Messaging.Core;

public sealed class MessagingOptions
{
    public const string Section = "Messaging";

    /// <summary>Where the SQLite file and local outboxes live.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>The shipped content folders; empty means the copies next to the binary.</summary>
    public string? DialogsDirectory { get; set; }
    public string? TemplatesDirectory { get; set; }

    /// <summary>Seeds demo offices, sessions and dossiers on a fresh database. Turn off in production.</summary>
    public bool DemoData { get; set; } = true;

    public string ResolveDialogs() => DialogsDirectory ?? Path.Combine(AppContext.BaseDirectory, "dialogs");
    public string ResolveTemplates() => TemplatesDirectory ?? Path.Combine(AppContext.BaseDirectory, "templates");
}

public static class MessagingCore
{
    /// <summary>Domain services, the database on the configured provider, and the procedures knowledge base.</summary>
    public static IServiceCollection AddMessagingCore(this IServiceCollection services, IConfiguration configuration)
    {
        var messaging = configuration.GetSection(MessagingOptions.Section).Get<MessagingOptions>() ?? new();
        services.AddOptions<MessagingOptions>().BindConfiguration(MessagingOptions.Section).ValidateOnStart();
        services.AddOptions<BookingOptions>().BindConfiguration(BookingOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new();
        if (database.Provider == DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(database.ConnectionString))
        {
            var file = Path.Combine(Path.GetFullPath(messaging.DataDirectory), "messaging.db");
            database.ConnectionString = $"Data Source={file}";
        }
        services.AddMessagingDatabase(database);

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => ProcedureCatalog.LoadDirectory(Path.Combine(messaging.ResolveDialogs(), "procedures")));
        services.AddOptions<LanguageOptions>().BindConfiguration("Language");
        services.AddSingleton<LanguageModelProvider>();
        services.AddScoped<LanguageReviews>();
        services.AddOptions<TemplateChannelOptions>().BindConfiguration(TemplateChannelOptions.Section);
        services.AddOptions<TemplateRenderOptions>().BindConfiguration("Templates:Render");
        services.AddSingleton(sp => new TemplateRenderer(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<TemplateRenderOptions>>().Value));
        services.AddSingleton<TemplateValidator>();
        services.AddSingleton<LiveTemplateCache>();
        services.AddSingleton<Messaging.Core.Conversations.ConversationSignals>();
        services.AddSingleton<Messaging.Core.Conversations.ConversationStore>();
        services.AddScoped<Messaging.Core.Persistence.LazyDb>();
        services.AddScoped<TemplateStore>();
        services.AddScoped<Messaging.Core.Staff.StaffAccounts>();
        services.TryAddSingleton<IBookingCodes, RandomBookingCodes>();
        services.AddSingleton<OfficeDirectory>();
        services.AddSingleton<SlotReads>();
        services.AddOptions<ReminderOptions>().BindConfiguration(ReminderOptions.Section);
        services.AddScoped<ContactService>();
        services.AddScoped<BookingService>();
        services.AddScoped<SessionService>();
        services.AddScoped<DossierService>();
        services.AddOptions<Messaging.Core.FrontDesk.FrontDeskOptions>().BindConfiguration(Messaging.Core.FrontDesk.FrontDeskOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Messaging.Core.FrontDesk.QueueSignals>();
        services.AddScoped<Messaging.Core.FrontDesk.DeskService>();
        services.AddOptions<Messaging.Core.HomeVisits.HomeVisitOptions>().BindConfiguration(Messaging.Core.HomeVisits.HomeVisitOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<Messaging.Core.HomeVisits.HomeVisitService>();
        services.AddOptions<Messaging.Core.Identity.AbuseOptions>().BindConfiguration(Messaging.Core.Identity.AbuseOptions.Section);
        services.AddOptions<Messaging.Core.Identity.IdentityOptions>().BindConfiguration(Messaging.Core.Identity.IdentityOptions.Section)
            .PostConfigure(o => o.DemoMode = messaging.DemoData);
        services.AddScoped<Messaging.Core.Identity.AbuseGuard>();
        services.AddSingleton<Messaging.Core.Identity.Fingerprinter>();
        services.AddSingleton<Messaging.Core.Identity.PhoneLinkReads>();
        services.AddScoped<Messaging.Core.Identity.PhoneVerification>();
        services.TryAddSingleton<INotificationSink, NoNotificationSink>();
        services.AddOptions<Messaging.Core.Privacy.RetentionOptions>().BindConfiguration(Messaging.Core.Privacy.RetentionOptions.Section);
        services.AddScoped<Messaging.Core.Privacy.RetentionSweeper>();
        return services;
    }

    /// <summary>
    /// Runs before the host serves anything: loads (and so validates) the knowledge base, migrates the schema,
    /// and seeds demo data once. Any failure stops the start with the reason. The schema is migrated when
    /// <see cref="DatabaseOptions.MigrateOnStart"/> is on or <paramref name="force"/> (the `migrate` command); otherwise a
    /// database behind the code stops the start.
    /// </summary>
    public static async Task InitializeMessagingAsync(this IServiceProvider services, CancellationToken ct, bool force = false)
    {
        var catalog = services.GetRequiredService<ProcedureCatalog>();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        var log = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Messaging.Startup");
        var database = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value;
        if (database.MigrateOnStart || force) await DatabaseSetup.MigrateAsync(db, ct);
        else await DatabaseSetup.RequireMigratedAsync(db, ct);
        services.GetRequiredService<Messaging.Core.Identity.Fingerprinter>().UseKey(await Messaging.Core.Identity.Fingerprinter.LoadOrCreateKeyAsync(
            db, Messaging.Core.Identity.Fingerprinter.KeyName, scope.ServiceProvider.GetRequiredService<TimeProvider>(), ct));
        log.DatabaseReady(db.Database.ProviderName, catalog.All.Count);
        var options = configurationOf(scope.ServiceProvider);
        if (options.DemoData && await DemoData.SeedAsync(db, scope.ServiceProvider.GetRequiredService<TimeProvider>(), ct))
        {
            log.DemoDataSeeded();
        }
        var config = scope.ServiceProvider.GetService<IConfiguration>();
        var accounts = await scope.ServiceProvider.GetRequiredService<Messaging.Core.Staff.StaffAccounts>()
            .EnsureInitialAccountsAsync(config?["Admin:Bootstrap:UserName"], config?["Admin:Bootstrap:Password"], options.DemoData, ct);
        if (accounts > 0) log.StaffAccountsCreated(accounts);
        var identity = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Messaging.Core.Identity.IdentityOptions>>().Value;
        log.PhoneProof(identity.CodesRequired ? "required" : "not required", identity.PhoneVerification, identity.RealPhoneGateway, identity.DemoMode);
        var templates = TemplateFiles.LoadDirectory(options.ResolveTemplates());
        var seeded = await scope.ServiceProvider.GetRequiredService<TemplateStore>().SeedAsync(templates, ct);
        log.TemplatesLoaded(templates.Count, seeded);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await services.GetRequiredService<LanguageModelProvider>().RebuildAsync(db, ct);
        log.LanguageModelTrained((int)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);

        static MessagingOptions configurationOf(IServiceProvider sp) =>
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<MessagingOptions>>().Value;
    }
}
