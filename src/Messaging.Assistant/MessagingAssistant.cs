using Messaging.Bot.Engine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Assistant;

public static class MessagingAssistant
{
    /// <summary>The optional AI assistant; it stays out of every turn unless <c>Assistant:Enabled</c> is true.</summary>
    public static IServiceCollection AddMessagingAssistant(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AssistantOptions>().BindConfiguration(AssistantOptions.Section);
        services.AddHttpClient(AssistantKernel.HttpClientName);
        services.AddSingleton<AssistantKernel>();
        services.AddSingleton<ITurnAssistant, AssistantResponder>();
        return services;
    }
}
