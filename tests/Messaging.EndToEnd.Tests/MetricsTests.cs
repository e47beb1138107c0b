using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Messaging.Testing;

namespace Messaging.EndToEnd.Tests;

/// <summary>/metrics on a real server process: the product's own meters after real work, in Prometheus text.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_count_bookings_turns_and_notifications_in_prometheus_text_on_loopback()
    {
        var dir = Directory.CreateTempSubdirectory("messaging-metrics-").FullName;
        try
        {
            await using var server = await ServerProcess.StartAsync(dir, new Dictionary<string, string?> { ["Identity:PhoneVerification"] = "Never" });
            using var http = new HttpClient();
            var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7));
            var slots = await http.GetFromJsonAsync<JsonElement>($"{server.BaseUrl}/api/slots?procedure=cccd-renewal&office=ca-xa-tinh-ha&from={today.AddDays(2):yyyy-MM-dd}&to={today.AddDays(12):yyyy-MM-dd}");
            var start = slots.EnumerateArray().First().GetProperty("start").GetDateTimeOffset();
            var booked = await http.PostAsJsonAsync($"{server.BaseUrl}/api/bookings", new
            {
                procedureId = "cccd-renewal", officeId = "ca-xa-tinh-ha", start, citizenName = "Nguyễn Văn Đo", phone = "0912000111",
            });
            Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
            var refused = await http.PostAsJsonAsync($"{server.BaseUrl}/api/bookings", new
            {
                procedureId = "cccd-renewal", officeId = "ca-xa-tinh-ha", start, citizenName = "Nguyễn Văn Đo", phone = "12345",
            });
            Assert.False(refused.IsSuccessStatusCode);
            var turn = await http.PostAsJsonAsync($"{server.BaseUrl}/api/messages", new
            {
                type = "message", id = Guid.NewGuid().ToString("N"), text = "lam cccd can giay to gi", deliveryMode = "expectReplies", locale = "vi-VN",
                conversation = new { id = "metrics-" + Guid.NewGuid().ToString("N") }, from = new { id = "u" }, recipient = new { id = "bot" }, channelId = "webchat",
            });
            Assert.True(turn.IsSuccessStatusCode, turn.StatusCode.ToString());

            // Counters are exported on the next scrape; the confirmation goes out through the worker in the same process.
            string text = "";
            for (var i = 0; i < 50; i++)
            {
                text = await http.GetStringAsync($"{server.BaseUrl}/metrics");
                if (text.Contains("messaging_notifications_total", StringComparison.Ordinal)) break;
                await Task.Delay(200);
            }
            Assert.Matches("messaging_bookings_total\\{[^}]*outcome=\"made\"[^}]*\\} 1", text);
            Assert.Matches("messaging_bookings_total\\{[^}]*outcome=\"refused\"[^}]*reason=\"InvalidPhone\"[^}]*\\} 1", text);
            Assert.Matches("messaging_turns_total\\{[^}]*intent=\"procedure_info\"[^}]*\\} 1", text);
            Assert.Contains("messaging_notifications_total", text);
            Assert.Contains("http_server_request_duration_seconds", text);
            // The backlog gauges under the names DEPLOY.md and its alert rules use (sampled at the worker's start).
            foreach (var gauge in new[] { "messaging_outbox_pending", "messaging_outbox_lag_seconds", "messaging_queue_depth", "messaging_queue_age_seconds",
                         "messaging_queue_poison", "messaging_broadcast_running", "messaging_broadcast_settled" })
                Assert.Matches($"(?m)^{gauge}(\\{{[^}}]*\\}})? \\d", text);
            // No personal data in labels.
            Assert.DoesNotContain("0912000111", text);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
