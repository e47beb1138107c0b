using System.Globalization;

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

public sealed class ApiTimeTests
{
    [Fact]
    public async Task Every_time_the_api_writes_is_in_vietnams_offset_slots_and_sessions_alike()
    {
        await using var factory = new MessagingServerFactory();
        var client = factory.CreateClient();
        var sessions = await client.GetStringAsync("/api/offices/ca-xa-tinh-ha/sessions");
        // The session's own day: a two-week range can pass the slot list's limit before it reaches the session.
        var day = System.Text.Json.JsonDocument.Parse(sessions).RootElement[0].GetProperty("start").GetDateTimeOffset().ToOffset(TimeSpan.FromHours(7)).Date;
        var raw = await client.GetStringAsync($"/api/slots?procedure=cccd-first-issue&office=ca-xa-tinh-ha&from={day:yyyy-MM-dd}&to={day.AddDays(1):yyyy-MM-dd}");
        var times = System.Text.RegularExpressions.Regex.Matches(raw + sessions, "\"(start|end)\":\"([^\"]+)\"").Select(m => m.Groups[2].Value).ToList();
        Assert.NotEmpty(times);
        Assert.All(times, t => Assert.EndsWith("+07:00", t));
        // A session slot is among them (the demo's mobile session), so the stored-in-UTC path is covered too.
        Assert.Contains("\"sessionId\":\"", raw);
    }

    [Fact]
    public async Task A_server_on_a_thai_host_reads_and_writes_gregorian_days()
    {
        var saved = (CultureInfo.CurrentCulture, CultureInfo.DefaultThreadCurrentCulture);
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("th-TH");
            Assert.Equal("2569", new DateOnly(2026, 12, 1).ToString("yyyy"));
            ServerSetup.PinCulture();
            Assert.Equal("2026", new DateOnly(2026, 12, 1).ToString("yyyy"));
            Assert.Equal(new DateOnly(2026, 12, 1), DateOnly.Parse("2026-12-01"));
            var other = await Task.Run(() => new DateOnly(2026, 12, 1).ToString("yyyy"));
            Assert.Equal("2026", other);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved.CurrentCulture;
            CultureInfo.DefaultThreadCurrentCulture = saved.DefaultThreadCurrentCulture;
        }
    }
}
