using Messaging.Core.Notifications;
using Messaging.Core;
using Messaging.Notifier.Channels;
using Messaging.Notifier.Channels.Sms;
using Messaging.Notifier.Channels.Zalo;
using Messaging.Notifier.Planning;
using Messaging.Notifier.Queues;
using Messaging.Notifier.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Messaging.Notifier;

public static class MessagingNotifier
{
    /// <summary>
    /// The queue, the channel senders, the dispatcher and the worker. With `runWorkers` false (the `web` role) nothing
    /// runs in the background; the queue is still there to enqueue to.
    /// </summary>
    public static IServiceCollection AddMessagingNotifier(this IServiceCollection services, IConfiguration configuration, bool runWorkers = true)
    {
        services.AddOptions<NotifierOptions>().BindConfiguration(NotifierOptions.Section);
        services.AddOptions<QueueOptions>().BindConfiguration(QueueOptions.Section);
        services.AddSingleton<PayloadStore>();
        services.AddSingleton<Heartbeats>();
        services.AddSingleton<INotificationQueue>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<QueueOptions>>().Value;
            var payloads = sp.GetRequiredService<PayloadStore>();
            var time = sp.GetRequiredService<TimeProvider>();
            return o.Provider.Equals("Azure", StringComparison.OrdinalIgnoreCase)
                ? new AzureQueue(o.AzureConnectionString ?? throw new InvalidOperationException("Queue:AzureConnectionString is required for the Azure queue."), o.Name, payloads, time, o.MaxInlineCharacters)
                : new EmbeddedQueue(o.Name, sp.GetRequiredService<IServiceScopeFactory>(), payloads, time, o.MaxInlineCharacters);
        });
        services.AddSingleton<IChannelSender, WebChatSender>();
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section);
        if (!string.IsNullOrWhiteSpace(configuration[$"{SmtpOptions.Section}:Host"]))
        {
            services.AddSingleton<SmtpSender>();
            services.AddSingleton<IChannelSender>(sp => sp.GetRequiredService<SmtpSender>());
        }
        else
        {
            services.AddSingleton<IChannelSender, EmailPickupSender>();
        }
        services.AddScoped<DeliveryReceipts>();
        // Zalo, ZNS and SMS go to their gateways when configured, otherwise to the local outbox.
        var local = new List<string>();
        services.AddOptions<ZaloOptions>().BindConfiguration(ZaloOptions.Section);
        services.AddHttpClient(ZaloApiClient.HttpClientName);
        if ((configuration.GetSection(ZaloOptions.Section).Get<ZaloOptions>() ?? new()).SendingConfigured)
        {
            services.AddSingleton<ZaloTokenProvider>();
            services.AddSingleton<ZaloApiClient>();
            services.AddSingleton<IChannelSender, ZaloSender>();
            services.AddSingleton<IChannelSender, ZnsSender>();
        }
        else
        {
            local.AddRange([ChannelNames.Zalo, ChannelNames.Zns]);
        }
        services.AddOptions<SmsOptions>().BindConfiguration(SmsOptions.Section);
        services.AddHttpClient(EsmsSender.HttpClientName);
        if ((configuration.GetSection(SmsOptions.Section).Get<SmsOptions>() ?? new()).Configured)
            services.AddSingleton<IChannelSender, EsmsSender>();
        else
            local.Add(ChannelNames.Sms);
        // One-time codes are asked for (Identity:PhoneVerification=Auto) once a real gateway can reach invented numbers.
        var realPhoneGateway = !local.Contains(ChannelNames.Sms) || !local.Contains(ChannelNames.Zns);
        services.PostConfigure<Messaging.Core.Identity.IdentityOptions>(o => o.RealPhoneGateway = realPhoneGateway);
        services.AddSingleton<INotificationSink, QueueNotificationSink>();
        foreach (var channel in local)
        {
            services.AddSingleton<IChannelSender>(sp => new LocalOutboxSender(channel, sp.GetRequiredService<IOptions<MessagingOptions>>(), sp.GetRequiredService<TimeProvider>()));
        }
        services.AddOptions<ZnsOptions>().BindConfiguration(ZnsOptions.Section);
        services.AddSingleton<WorkerIdentity>();
        NotificationPlanners.AddPlanners(services);
        services.AddSingleton<NotificationProcessor>();
        services.AddSingleton<DeliveryLedger>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<ReminderScheduler>();
        services.AddSingleton<BroadcastService>();
        if (runWorkers)
        {
            services.AddHostedService<OutboxDispatcherService>();
            services.AddHostedService<NotificationWorker>();
            services.AddHostedService<ReminderSchedulerService>();
            services.AddHostedService<BroadcastRunnerService>();
            services.AddHostedService<RetentionService>();
            services.AddSingleton<BacklogGauges>();
            services.AddHostedService(sp => sp.GetRequiredService<BacklogGauges>());
        }
        return services;
    }
}
