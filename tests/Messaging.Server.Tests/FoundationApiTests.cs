using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Messaging.Core.Procedures;
using Messaging.Core.Seeding;
using Messaging.Testing;

namespace Messaging.Server.Tests;

public sealed class FoundationApiTests : IAsyncLifetime
{
    private MessagingServerFactory _factory = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _factory = new MessagingServerFactory(new Dictionary<string, string?> { ["RateLimits:DossierLookupPerMinute"] = "100" });
        _client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private static async Task<JsonElement> Json(HttpResponseMessage r) =>
        JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task Health_and_demo_data_are_served()
    {
        var health = await _client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok", (await Json(health)).GetProperty("status").GetString());

        var offices = await Json(await _client.GetAsync("/api/offices"));
        var names = offices.EnumerateArray().Select(o => o.GetProperty("name").GetString()).ToList();
        Assert.Contains("Công an xã Tịnh Hà", names);
        Assert.Contains("Công an xã Trà Bồng", names);
        Assert.Contains("Công an phường Cẩm Thành", names);

        var sessions = await Json(await _client.GetAsync("/api/offices/ca-xa-tinh-ha/sessions"));
        var mobile = Assert.Single(sessions.EnumerateArray(), s => s.GetProperty("kind").GetString() == "mobile");
        Assert.InRange(mobile.GetProperty("start").GetDateTimeOffset(), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(14));

        var procedures = await Json(await _client.GetAsync("/api/procedures"));
        Assert.Equal(18, procedures.GetArrayLength()); // 17 procedures and the home-visit entry
        var passport = await Json(await _client.GetAsync("/api/procedures/passport"));
        Assert.Equal("Cấp hộ chiếu phổ thông ở trong nước", passport.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/procedures/nothing")).StatusCode);
    }

    [Fact]
    public async Task The_demo_dossier_is_found_with_the_phone_digits_and_mismatches_look_alike()
    {
        var ok = await _client.PostAsJsonAsync("/api/dossiers/lookup", new { code = DemoData.DemoDossierCode, factor = "5678" });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("ready-for-pickup", (await Json(ok)).GetProperty("status").GetString());

        var wrongFactor = await _client.PostAsJsonAsync("/api/dossiers/lookup", new { code = DemoData.DemoDossierCode, factor = "0000" });
        var wrongCode = await _client.PostAsJsonAsync("/api/dossiers/lookup", new { code = "000.00.12.H55-240930-0199", factor = "5678" });
        Assert.Equal(HttpStatusCode.NotFound, wrongFactor.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, wrongCode.StatusCode);
        Assert.Equal((await Json(wrongFactor)).GetProperty("detail").GetString(), (await Json(wrongCode)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Malformed_json_gets_a_problem_without_internals()
    {
        var r = await _client.PostAsync("/api/dossiers/lookup", new StringContent("{\"code\": ", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        var body = await r.Content.ReadAsStringAsync();
        Assert.DoesNotContain("   at ", body);
        Assert.DoesNotContain("Exception", body);
    }

    [Fact]
    public async Task Import_needs_the_api_key_and_is_idempotent()
    {
        var batch = new
        {
            dossiers = new[]
            {
                new { code = "000.00.12.H55-261120-0042", procedureId = "cccd-renewal", officeId = "ca-xa-tinh-ha",
                      applicantName = "Phan Văn Tài", phone = "0905 123 456", status = "received" },
            },
        };
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.PostAsJsonAsync("/api/dossiers", batch)).StatusCode);
        var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/dossiers") { Content = JsonContent.Create(batch) };
        wrong.Headers.Add("X-Api-Key", "not-the-key-000000000");
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.SendAsync(wrong)).StatusCode);

        async Task<JsonElement> Send(HttpContent content, string query = "")
        {
            var req = new HttpRequestMessage(HttpMethod.Post, "/api/dossiers" + query) { Content = content };
            req.Headers.Add("X-Api-Key", MessagingServerFactory.ImportKey);
            var resp = await _client.SendAsync(req);
            Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
            return await Json(resp);
        }
        Assert.Equal(1, (await Send(JsonContent.Create(batch))).GetProperty("created").GetInt32());
        Assert.Equal(1, (await Send(JsonContent.Create(batch))).GetProperty("unchanged").GetInt32());

        var csv = "code,procedure_id,office_id,applicant_name,phone,status\n" +
                  "000.00.12.H55-261120-0042,cccd-renewal,ca-xa-tinh-ha,Phan Văn Tài,0905123456,ready-for-pickup\n" +
                  "000.00.12.H55-261120-0043,cccd-renewal,ca-xa-tinh-ha,Lý Thị Mai,12345,received\n";
        var dry = await Send(new StringContent(csv, Encoding.UTF8, "text/csv"), "?dryRun=true");
        Assert.True(dry.GetProperty("dryRun").GetBoolean());
        Assert.Equal(1, dry.GetProperty("updated").GetInt32());
        Assert.Contains("phone", dry.GetProperty("errors")[0].GetProperty("message").GetString());
        var still = await _client.PostAsJsonAsync("/api/dossiers/lookup", new { code = "000.00.12.H55-261120-0042", factor = "3456" });
        Assert.Equal("received", (await Json(still)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_citizen_books_views_and_cancels_over_the_api()
    {
        var slots = await Json(await _client.GetAsync("/api/slots?procedure=cccd-renewal&office=ca-xa-tinh-ha"));
        var slot = slots[0];
        var created = await _client.PostAsJsonAsync("/api/bookings", new
        {
            procedureId = "cccd-renewal", officeId = "ca-xa-tinh-ha", start = slot.GetProperty("start").GetDateTimeOffset(),
            citizenName = "Nguyễn Thị Thu", phone = "0987 654 321",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var booking = await Json(created);
        var code = booking.GetProperty("code").GetString();
        Assert.Equal(1, booking.GetProperty("queueNumber").GetInt32());
        Assert.Equal("0987***321", booking.GetProperty("phone").GetString());

        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsJsonAsync($"/api/bookings/{code}/lookup", new { phone = "0987654321" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.PostAsJsonAsync($"/api/bookings/{code}/lookup", new { phone = "0912345678" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/api/bookings/{code}")).StatusCode);

        var bad = await _client.PostAsJsonAsync("/api/bookings", new
        {
            procedureId = "cccd-renewal", officeId = "ca-xa-tinh-ha", start = slot.GetProperty("start").GetDateTimeOffset(),
            citizenName = "Nguyễn Thị Thu", phone = "0241234567",
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("InvalidPhone", (await Json(bad)).GetProperty("error").GetString());

        var cancel = await _client.PostAsJsonAsync($"/api/bookings/{code}/cancel", new { phone = "0987654321", reason = "bận" });
        Assert.Equal("cancelled", (await Json(cancel)).GetProperty("status").GetString());
    }
}

public sealed class ServerStartupTests
{
    [Fact]
    public async Task Demo_data_is_seeded_once_across_restarts()
    {
        var dir = Directory.CreateTempSubdirectory("messaging-restart-").FullName;
        try
        {
            for (var run = 0; run < 2; run++)
            {
                await using var factory = new MessagingServerFactory(dataDirectory: dir);
                var client = factory.CreateClient();
                var offices = JsonDocument.Parse(await client.GetStringAsync("/api/offices")).RootElement;
                Assert.Equal(4, offices.GetArrayLength());
                var sessions = JsonDocument.Parse(await client.GetStringAsync("/api/offices/ca-xa-tinh-ha/sessions")).RootElement;
                Assert.Equal(1, sessions.GetArrayLength());
            }
            Assert.True(File.Exists(Path.Combine(dir, "messaging.db")));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_malformed_knowledge_base_stops_the_start_naming_file_and_field()
    {
        var dialogs = Directory.CreateTempSubdirectory("bad-dialogs-").FullName;
        Directory.CreateDirectory(Path.Combine(dialogs, "procedures"));
        foreach (var f in Directory.GetFiles(Path.Combine(RepoPaths.Dialogs, "procedures")))
            File.Copy(f, Path.Combine(dialogs, "procedures", Path.GetFileName(f)));
        var passport = Path.Combine(dialogs, "procedures", "passport.md");
        File.WriteAllText(passport, File.ReadAllText(passport).Replace("processing_time:", "processing_tme:"));
        await using var factory = new MessagingServerFactory(new Dictionary<string, string?> { ["Messaging:DialogsDirectory"] = dialogs });
        try
        {
            var e = Assert.Throws<ProcedureCatalogException>(() => factory.CreateClient());
            Assert.Contains("passport.md", e.Message);
            Assert.Contains("processing_tme", e.Message);
        }
        finally
        {
            Directory.Delete(dialogs, recursive: true);
        }
    }

    [Fact]
    public async Task Dossier_lookups_are_rate_limited_with_retry_after()
    {
        await using var factory = new MessagingServerFactory(new Dictionary<string, string?> { ["RateLimits:DossierLookupPerMinute"] = "3" });
        var client = factory.CreateClient();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage last = null!;
        for (var i = 0; i < 4; i++)
        {
            last = await client.PostAsJsonAsync("/api/dossiers/lookup", new { code = DemoData.DemoDossierCode, factor = "0000" });
            statuses.Add(last.StatusCode);
        }
        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(last.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresServerTests(PostgresFixture pg)
{
    [Fact]
    public async Task The_server_migrates_and_seeds_on_postgres()
    {
        var cs = await pg.Server.CreateDatabaseAsync();
        await using var factory = new MessagingServerFactory(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = cs,
        });
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        var ok = await client.PostAsJsonAsync("/api/dossiers/lookup", new { code = DemoData.DemoDossierCode, factor = "051090001234" });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var slots = JsonDocument.Parse(await client.GetStringAsync("/api/slots?procedure=permanent-residence&commune=Trà Bồng")).RootElement;
        Assert.True(slots.GetArrayLength() > 0);
        Assert.All(slots.EnumerateArray(), s => Assert.Equal("ca-xa-tra-bong", s.GetProperty("officeId").GetString()));
    }
}
