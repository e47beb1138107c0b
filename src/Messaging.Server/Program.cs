using Messaging.Core;
using Messaging.Server;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddMessagingCore(builder.Configuration);
builder.Services.AddMessagingServer(builder.Configuration);

var app = builder.Build();
await app.Services.InitializeMessagingAsync(app.Lifetime.ApplicationStopping);
app.UseMessagingServer();
app.Run();

/// <summary>Visible to the test host.</summary>
public partial class Program;
