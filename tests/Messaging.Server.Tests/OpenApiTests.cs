using System.Net;
using System.Text.Json;

namespace Messaging.Server.Tests;

/// <summary>The contract API clients read: generated from the endpoints, so these checks fail when a shape goes anonymous.</summary>
public sealed class OpenApiTests : IAsyncLifetime
{
    private MessagingServerFactory _factory = null!;
    private JsonElement _doc;

    public async Task InitializeAsync()
    {
        _factory = new MessagingServerFactory();
        var r = await _factory.CreateClient().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        _doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public void The_document_names_the_public_and_admin_apis_and_no_staff_page()
    {
        Assert.StartsWith("3.", _doc.GetProperty("openapi").GetString());
        Assert.Contains("+07:00", _doc.GetProperty("info").GetProperty("description").GetString());
        var paths = _doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var expected in new[] { "/api/messages", "/api/procedures", "/api/offices/{id}", "/api/slots", "/api/bookings",
                     "/api/admin/deliveries", "/api/admin/deliveries/{id}", "/api/admin/broadcasts", "/healthz/ready", "/model/parse" })
            Assert.Contains(expected, paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/staff", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/api/offices/{id}", "get", "200", "OfficeView")]
    [InlineData("/api/procedures", "get", "200", "ProcedureSummary")]
    [InlineData("/api/slots", "get", "200", "SlotView")]
    [InlineData("/api/admin/deliveries", "get", "200", "DeliveryRow")]
    [InlineData("/api/admin/deliveries/{id}", "get", "200", "DeliveryDetail")]
    [InlineData("/api/admin/broadcasts", "post", "201", "BroadcastCreated")]
    public void Answers_are_named_schemas(string path, string method, string status, string schema)
    {
        var response = _doc.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses").GetProperty(status);
        Assert.Contains($"#/components/schemas/{schema}", response.GetRawText());
        var properties = _doc.GetProperty("components").GetProperty("schemas").GetProperty(schema).GetProperty("properties");
        Assert.True(properties.EnumerateObject().Any(), $"{schema} has properties");
    }

    [Fact]
    public void A_delivery_detail_lists_its_attempts_as_named_views()
    {
        var detail = _doc.GetProperty("components").GetProperty("schemas").GetProperty("DeliveryDetail").GetProperty("properties");
        Assert.Contains("#/components/schemas/AttemptView", detail.GetProperty("attempts").GetRawText());
        Assert.Equal("date-time", detail.GetProperty("createdAt").GetProperty("format").GetString());
    }
}
