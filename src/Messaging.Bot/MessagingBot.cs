using Messaging.Bot.Dialogs;
using Messaging.Bot.Engine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Bot;

public static class MessagingBot
{
    /// <summary>The conversation engine and every dialog.</summary>
    public static IServiceCollection AddMessagingBot(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BotOptions>().BindConfiguration(BotOptions.Section);
        services.AddSingleton<Dialog, BookingDialog>();
        services.AddSingleton<Dialog, CancelDialog>();
        services.AddSingleton<Dialog, RescheduleDialog>();
        services.AddSingleton<Dialog, DossierDialog>();
        services.AddSingleton<Dialog, PreferencesDialog>();
        services.AddSingleton<Dialog, HomeVisitDialog>();
        services.AddSingleton<Dialog, ProcedureInfoResponder>();
        services.AddSingleton<Dialog, OfficeInfoResponder>();
        services.AddSingleton<Dialog, QueuePositionResponder>();
        services.AddSingleton<Dialog, GreetingResponder>();
        services.AddSingleton<Dialog, HelpResponder>();
        services.AddSingleton<Dialog, ThanksResponder>();
        services.AddSingleton<Dialog, OutOfScopeResponder>();
        services.AddSingleton<Dialog, ClarifyResponder>();
        services.AddSingleton<Dialog, HandoffResponder>();
        services.AddSingleton<DialogSet>();
        services.AddSingleton<ConversationEngine>();
        return services;
    }
}
