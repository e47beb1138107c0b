using System.Net.Http.Headers;
using Messaging.Testing;
using Messaging.Testing.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Messaging.EndToEnd.Tests.DirectLine;

/// <summary>
/// A provincial portal on another origin, embedding the official Bot Framework Web Chat (the npm bundle, served by the
/// portal itself, no CDN) against our server, exactly as docs/DIRECTLINE.md tells a portal to: its own server
/// exchanges the site secret for a token, the page only ever sees the token.
/// </summary>
public sealed class PortalServer(string secret) : FakeHttpServer
{
    /// <summary>Our server's Direct Line base URL; set once our server is up (it needs the portal's origin first).</summary>
    public string DirectLineDomain { get; set; } = "";

    private static readonly string Bundle = Path.Combine(RepoPaths.Root, "node_modules", "botframework-webchat", "dist", "webchat.js");
    private static readonly HttpClient Http = new();

    public static string Page(string domain) => $$"""
        <!doctype html>
        <html lang="vi">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>Cổng thông tin điện tử tỉnh – Hỏi đáp thủ tục</title>
          <style>html, body { height: 100%; margin: 0; font-family: sans-serif } #webchat { height: 100% }</style>
        </head>
        <body>
          <div id="webchat" role="main"></div>
          <script src="/webchat.js"></script>
          <script>
            (async function () {
              const res = await fetch('/api/chat-token', { method: 'POST' });
              const { token } = await res.json();
              window.WebChat.renderWebChat({
                directLine: window.WebChat.createDirectLine({ token, domain: '{{domain}}' }),
                locale: 'vi-VN'
              }, document.getElementById('webchat'));
            })();
          </script>
        </body>
        </html>
        """;

    protected override void Map(WebApplication app)
    {
        app.MapGet("/", () => Results.Content(Page(DirectLineDomain), "text/html; charset=utf-8"));
        app.MapGet("/webchat.js", () => Results.File(Bundle, "text/javascript"));
        app.MapPost("/api/chat-token", async (CancellationToken ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, DirectLineDomain + "/tokens/generate");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            using var response = await Http.SendAsync(request, ct);
            return Results.Content(await response.Content.ReadAsStringAsync(ct), "application/json", statusCode: (int)response.StatusCode);
        });
    }
}
