namespace Messaging.Server.Tests;

public sealed class ContentRootTests
{
    [Fact]
    public void A_published_server_started_from_another_folder_uses_its_own_folder()
    {
        var app = Directory.CreateTempSubdirectory("messaging-app-").FullName;
        var elsewhere = Directory.CreateTempSubdirectory("messaging-cwd-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(app, "wwwroot"));
            Assert.Equal(app, ServerSetup.ContentRoot([], elsewhere, app));
            // Started in its own folder, from the project folder (dotnet run), or told where: the default stands.
            Assert.Null(ServerSetup.ContentRoot([], app, app));
            Assert.Null(ServerSetup.ContentRoot(["--contentRoot", elsewhere], elsewhere, app));
            Directory.CreateDirectory(Path.Combine(elsewhere, "wwwroot"));
            Assert.Null(ServerSetup.ContentRoot([], elsewhere, app));
            // A build output without a web root (tests, `dotnet build`): nothing to gain from moving.
            Assert.Null(ServerSetup.ContentRoot([], Path.GetTempPath(), elsewhere + "-missing"));
        }
        finally
        {
            Directory.Delete(app, recursive: true);
            Directory.Delete(elsewhere, recursive: true);
        }
    }
}
