using System.Threading.Channels;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Notifier.Queues;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Messaging.Notifier.Worker;

/// <summary>
/// The shape of every background loop: run once; go again at once when there was work, otherwise wait (on the
/// <see cref="TimeProvider"/>, so tests move time instead of sleeping); a failure is logged and waited out, never fatal.
/// </summary>
public abstract class PollingWorker(TimeProvider time, ILogger log, Heartbeats beats) : BackgroundService
{
    protected TimeProvider Time { get; } = time;
    protected ILogger Log { get; } = log;

    /// <summary>Does one round of work; true when there may be more at once.</summary>
    public abstract Task<bool> RunOnceAsync(CancellationToken ct);

    /// <summary>How long to wait when a round found nothing (or failed).</summary>
    protected abstract TimeSpan Idle { get; }

    /// <summary>Waits for the next round: the idle delay, or earlier when a subclass is signalled.</summary>
    protected virtual Task WaitAsync(CancellationToken ct) => Task.Delay(Idle, Time, ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            beats.Beat(GetType().Name, Idle);
            var more = false;
            try
            {
                more = await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.WorkerFailed(e, GetType().Name);
            }
            if (more) continue;
            try
            {
                await WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}

public sealed class OutboxDispatcherService(OutboxDispatcher dispatcher, IOptions<NotifierOptions> options, TimeProvider time,
    ILogger<OutboxDispatcherService> log, Heartbeats beats) : PollingWorker(time, log, beats)
{
    protected override TimeSpan Idle => options.Value.IdleDelay;

    public override async Task<bool> RunOnceAsync(CancellationToken ct) => await dispatcher.DispatchOnceAsync(100, ct) > 0;
}

public sealed class ReminderSchedulerService(ReminderScheduler scheduler, TimeProvider time, ILogger<ReminderSchedulerService> log, Heartbeats beats)
    : PollingWorker(time, log, beats)
{
    protected override TimeSpan Idle => TimeSpan.FromSeconds(15);

    public override async Task<bool> RunOnceAsync(CancellationToken ct) => await scheduler.EnqueueDueAsync(200, ct) > 0;
}

/// <summary>Fans out running broadcasts page by page; each broadcast is leased by one worker node at a time.</summary>
public sealed class BroadcastRunnerService(IServiceScopeFactory scopes, BroadcastService broadcasts, WorkerIdentity worker, TimeProvider time,
    ILogger<BroadcastRunnerService> log, Heartbeats beats) : PollingWorker(time, log, beats)
{
    protected override TimeSpan Idle => TimeSpan.FromSeconds(1);

    public override async Task<bool> RunOnceAsync(CancellationToken ct)
    {
        List<Guid> running;
        await using (var scope = scopes.CreateAsyncScope())
        {
            running = await scope.ServiceProvider.GetRequiredService<MessagingDbContext>().Set<Broadcast>()
                .Where(b => b.Status == BroadcastStatus.Running).Select(b => b.Id).ToListAsync(ct);
        }
        var worked = false;
        foreach (var id in running) worked |= await broadcasts.FanOutPageAsync(id, worker.Id, ct) > 0;
        return worked;
    }
}

/// <summary>Deletes or anonymises personal data past its retention period, once an interval (see RetentionOptions).</summary>
public sealed class RetentionService(IServiceScopeFactory scopes, IOptions<Messaging.Core.Privacy.RetentionOptions> options, TimeProvider time,
    ILogger<RetentionService> log, Heartbeats beats) : PollingWorker(time, log, beats)
{
    protected override TimeSpan Idle => options.Value.Interval;

    public override async Task<bool> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var report = await scope.ServiceProvider.GetRequiredService<Messaging.Core.Privacy.RetentionSweeper>().SweepAsync(ct);
        if (report.Total > 0)
            log.RetentionSwept(report.TranscriptRows, report.Conversations, report.HandoffQuestions, report.InboundBodies, report.DeliveryDetails,
                report.OneTimeCodes, report.AbuseEvents);
        // Once an interval: a sweep that found much does not run again at once.
        return false;
    }
}

/// <summary>
/// The worker: a receiver fills a bounded channel from the queue, and <see cref="NotifierOptions.MaxInFlight"/>
/// consumers drain it, each taking the next message as soon as its last one is done, so one slow send never idles the
/// others. The channel holds at most as many messages as there are consumers, so nothing waits long enough in memory for
/// its visibility to lapse. On shutdown the receiver stops and the consumers finish what they hold; anything not
/// finished reappears on the queue after its visibility.
/// </summary>
public sealed class NotificationWorker(INotificationQueue queue, NotificationProcessor processor, IOptions<NotifierOptions> options,
    TimeProvider time, ILogger<NotificationWorker> log, Heartbeats beats) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var consumers = Math.Max(1, o.MaxInFlight);
        var received = Channel.CreateBounded<QueueMessage>(new BoundedChannelOptions(consumers) { SingleWriter = true });
        var workers = Enumerable.Range(0, consumers).Select(_ => Task.Run(() => ConsumeAsync(received.Reader), CancellationToken.None)).ToList();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                beats.Beat(nameof(NotificationWorker), o.IdleDelay);
                // Take only as many as there is room for: messages do not wait in memory behind a slow one.
                await received.Writer.WaitToWriteAsync(stoppingToken);
                var room = consumers - received.Reader.Count;
                IReadOnlyList<QueueMessage> batch;
                try
                {
                    batch = await queue.ReceiveAsync(Math.Max(1, room), o.Visibility, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.ReceiveFailed(e);
                    await Task.Delay(o.IdleDelay, time, stoppingToken);
                    continue;
                }
                if (batch.Count == 0)
                {
                    await Task.Delay(o.IdleDelay, time, stoppingToken);
                    continue;
                }
                // In-flight work finishes even when stopping: a received message is handed over, never dropped here.
                foreach (var m in batch) await received.Writer.WriteAsync(m, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            received.Writer.TryComplete();
            await Task.WhenAll(workers);
        }
    }

    private async Task ConsumeAsync(ChannelReader<QueueMessage> reader)
    {
        await foreach (var message in reader.ReadAllAsync())
        {
            try
            {
                // CancellationToken.None: a send in progress completes, bounded by each sender's own timeouts.
                await processor.ProcessAsync(message, CancellationToken.None);
            }
            catch (QueueReceiptException)
            {
                // The visibility lapsed and another worker holds the message now; the delivery's claim keeps the effect single.
            }
            catch (Exception e)
            {
                log.MessageFailedUnexpectedly(e, message.Id);
            }
        }
    }
}
