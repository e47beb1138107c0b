using Messaging.Assistant;
using Messaging.Bot;
using Messaging.Core;
using Messaging.Notifier;
using Messaging.Server;
using Messaging.Server.Security;

// appsettings.json is read once: watching it means watching the content root, which holds the data directory, and
// every database write would wake the watcher.
ServerSetup.PinCulture();
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = [.. args, "--hostBuilder:reloadConfigOnChange=false"],
    ContentRootPath = ServerSetup.ContentRoot(args),
});
builder.Services.AddMessagingCore(builder.Configuration);
builder.Services.AddMessagingBot(builder.Configuration);
builder.Services.AddMessagingAssistant(builder.Configuration);
// --role web | worker | all (default): web serves HTTP only; worker runs only the notifier.
var role = builder.Configuration["role"] ?? "all";
var command = args.FirstOrDefault() is "chat" or "create-user" or "migrate";
builder.Services.AddMessagingNotifier(builder.Configuration, runWorkers: role != "web" && !command);
// Webhook events are handled where they arrive: the web side.
builder.Services.AddMessagingServer(builder.Configuration, processInbound: role != "worker" && !command);

var app = builder.Build();
// `migrate`: one process applies the migrations of a release before the nodes start (Database:MigrateOnStart=false).
await app.Services.InitializeMessagingAsync(app.Lifetime.ApplicationStopping, force: args.FirstOrDefault() == "migrate");
if (args.FirstOrDefault() == "migrate") return;
await DemoSafety.SecureAsync(app.Services, app.Configuration, Console.Out, app.Lifetime.ApplicationStopping);
if (args.FirstOrDefault() == "create-user")
{
    Environment.ExitCode = await StaffCli.CreateUserAsync(app.Services, args, Console.In, Console.Out, app.Lifetime.ApplicationStopping);
    return;
}
if (args.FirstOrDefault() == "chat")
{
    // The same engine in the terminal, so admins can try wording without a browser.
    await TerminalChat.RunAsync(app.Services, Console.In, Console.Out, app.Lifetime.ApplicationStopping);
    return;
}
app.UseMessagingServer(webEndpoints: role != "worker");
app.Run();

/// <summary>Visible to the test host.</summary>
public partial class Program;
