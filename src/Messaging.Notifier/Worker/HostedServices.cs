using Messaging.Notifier.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Messaging.Notifier.Worker;

/// <summary>Dispatches the outbox continuously; idles briefly when there is nothing to do.</summary>
public sealed class OutboxDispatcherService(OutboxDispatcher dispatcher, IOptions<NotifierOptions> options, ILogger<OutboxDispatcherService> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await dispatcher.DispatchOnceAsync(100, stoppingToken) > 0) continue;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Outbox dispatch failed; trying again");
            }
            await Task.Delay(options.Value.IdleDelay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}

/// <summary>
/// The worker: receives up to MaxInFlight messages and handles them in parallel. On shutdown it stops receiving and
/// lets what is in flight finish; anything it could not finish reappears on the queue after its visibility.
/// </summary>
public sealed class NotificationWorker(INotificationQueue queue, NotificationProcessor processor, IOptions<NotifierOptions> options,
    ILogger<NotificationWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<QueueMessage> batch;
            try
            {
                batch = await queue.ReceiveAsync(o.MaxInFlight, o.Visibility, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Receiving from the queue failed; trying again");
                await Task.Delay(o.IdleDelay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                continue;
            }
            if (batch.Count == 0)
            {
                await Task.Delay(o.IdleDelay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                continue;
            }
            // In-flight work finishes even when stopping: CancellationToken.None, bounded by each sender's own timeouts.
            await Task.WhenAll(batch.Select(m => HandleAsync(m)));
        }
    }

    private async Task HandleAsync(QueueMessage message)
    {
        try
        {
            await processor.ProcessAsync(message, CancellationToken.None);
        }
        catch (QueueReceiptException)
        {
            // The visibility lapsed and another worker holds the message now; its key keeps the effect single.
        }
        catch (Exception e)
        {
            log.LogError(e, "Notification message {Id} failed unexpectedly; it will come back after its visibility", message.Id);
        }
    }
}

/// <summary>Deletes or anonymises personal data past its retention period, once an interval (see RetentionOptions).</summary>
public sealed class RetentionService(IServiceScopeFactory scopes, IOptions<Messaging.Core.Privacy.RetentionOptions> options, TimeProvider time,
    ILogger<RetentionService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var report = await scope.ServiceProvider.GetRequiredService<Messaging.Core.Privacy.RetentionSweeper>().SweepAsync(stoppingToken);
                if (report.Total > 0)
                    log.LogInformation("Retention: {Transcript} transcript rows and {Conversations} conversations deleted, {Handoffs} handoff questions, " +
                        "{Bodies} event bodies and {Deliveries} delivery details cleared, {Codes} one-time codes and {Abuse} abuse counters deleted",
                        report.TranscriptRows, report.Conversations, report.HandoffQuestions, report.InboundBodies, report.DeliveryDetails,
                        report.OneTimeCodes, report.AbuseEvents);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "The retention sweep failed; trying again at the next interval");
            }
            await Task.Delay(options.Value.Interval, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
