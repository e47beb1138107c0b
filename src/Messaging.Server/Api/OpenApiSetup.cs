using Microsoft.OpenApi;

namespace Messaging.Server.Api;

/// <summary>
/// The HTTP contract at /openapi/v1.json, generated from the endpoints themselves (typed results and named views), so
/// it cannot drift from what the server answers. Staff pages are not part of it; the Activity protocol, the public
/// catalog, bookings, dossier lookups and the admin APIs are.
/// </summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddMessagingOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Messaging — chatbot and notification gateway for commune police",
                Version = "v1",
                Description = "Every time is written in Vietnam's offset (+07:00). Errors are RFC 9457 problem details. " +
                    "Admin endpoints need a staff session cookie and the RequestVerificationToken header, or an API key where noted.",
            };
            return Task.CompletedTask;
        }));
}
