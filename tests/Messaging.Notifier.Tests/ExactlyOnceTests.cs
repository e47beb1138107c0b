using System.Text.Json;
using Messaging.Core.Appointments;
using Messaging.Core.Conversations;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Notifier.Channels;
using Messaging.Notifier.Queues;
using Messaging.Notifier.Worker;
using Messaging.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Messaging.Notifier.Tests;

/// <summary>
/// A sender that can be held mid-send and that fails on request with any exception: the seam for a gateway that is slow,
/// or for a disk that is full. It never dedupes, so every duplicate the notifier let through would be counted.
/// </summary>
public sealed class GatedSender(string channel) : IChannelSender
{
    private TaskCompletionSource? _gate;
    public TaskCompletionSource Entered { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public List<OutgoingMessage> Sent { get; } = [];
    public Queue<Exception> Failures { get; } = new();
    public string Channel => channel;

    public bool CanReach(Recipient r) => channel switch
    {
        ChannelNames.WebChat => r.WebChatConversationId is not null,
        ChannelNames.Email => r.Email is not null,
        _ => r.Phone is not null,
    };

    public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate?.TrySetResult();

    public async Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        Entered.TrySetResult();
        if (_gate is { } gate) await gate.Task;
        lock (Sent)
        {
            if (Failures.TryDequeue(out var failure)) throw failure;
            Sent.Add(message);
            return new SendResult($"{channel}-{Sent.Count}");
        }
    }
}

/// <summary>
/// Exactly once, on both databases: a delivery is claimed before any provider is called, so two holders of one key
/// (a duplicate message, a second worker) send once; a dead worker's claim lapses and the next sends with the same key;
/// every failure counts towards poison; facts are read again at send time; singleton jobs claim their rows.
/// </summary>
public abstract class ExactlyOnceTests(Func<Dictionary<string, string?>, Action<IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration>, Task<TestDatabase>> create)
    : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private readonly Dictionary<string, GatedSender> _senders = ChannelNames.All.ToDictionary(c => c, c => new GatedSender(c));
    private INotificationQueue Queue => _db.Services.GetRequiredService<INotificationQueue>();
    private NotificationProcessor Processor => _db.Services.GetRequiredService<NotificationProcessor>();
    private GatedSender Sms => _senders[ChannelNames.Sms];

    public async Task InitializeAsync()
    {
        _db = await create(new Dictionary<string, string?>
        {
            ["Notifier:DefaultChannelOrder:0"] = "webchat", ["Notifier:DefaultChannelOrder:1"] = "zns", ["Notifier:DefaultChannelOrder:2"] = "sms",
            ["Notifier:DefaultChannelOrder:3"] = "email", ["Notifier:MaxDequeues"] = "8", ["Zns:Templates:broadcast"] = "400123",
        }, (services, configuration) =>
        {
            services.AddMessagingNotifier(configuration, runWorkers: false);
            services.RemoveAll<IChannelSender>();
            foreach (var s in _senders.Values) services.AddSingleton<IChannelSender>(s);
        });
        await _db.InScopeAsync(sp => TestData.SeedAsync(sp.GetRequiredService<MessagingDbContext>()));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static string Notice(string key, string message = "Sáng thứ Bảy cấp căn cước lưu động.", NotificationPriority priority = NotificationPriority.Critical,
        string[]? order = null) =>
        JsonSerializer.Serialize(new NotificationRequest(key, "notify/broadcast", new Recipient("Nguyễn Văn An", "0912345678", ChannelOrder: order ?? ["sms"]),
            JsonSerializer.SerializeToElement(new
            {
                citizen = new { name = "Nguyễn Văn An" }, office = new { name = "Công an xã Tịnh Hà", phone = "0255 3000 101" },
                message, bookings = Array.Empty<object>(),
            }), priority), NotificationProcessor.Json);

    private Task<T> Db<T>(Func<MessagingDbContext, Task<T>> query) => _db.InScopeAsync(sp => query(sp.GetRequiredService<MessagingDbContext>()));

    private void At(DateTimeOffset when) => _db.Time.Advance(when - _db.Time.GetUtcNow());

    /// <summary>A backlog sampler of its own and a listener that keeps each gauge's last reading by name.</summary>
    private sealed class Gauges : IDisposable
    {
        public BacklogGauges Sampler { get; }
        public System.Diagnostics.Metrics.MeterListener Listener { get; }
        public Dictionary<string, double> Seen { get; } = [];

        public Gauges(IServiceProvider services)
        {
            Sampler = Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<BacklogGauges>(services);
            Sampler.Register();
            Listener = new System.Diagnostics.Metrics.MeterListener
            {
                InstrumentPublished = (instrument, l) => { if (instrument.Meter == Sampler.Meter) l.EnableMeasurementEvents(instrument); },
            };
            Listener.SetMeasurementEventCallback<long>((i, v, _, _) => Seen[i.Name] = v);
            Listener.SetMeasurementEventCallback<double>((i, v, _, _) => Seen[i.Name] = v);
            Listener.Start();
        }

        public async Task SampleAsync()
        {
            await Sampler.RunOnceAsync(default);
            Listener.RecordObservableInstruments();
        }

        public void Dispose()
        {
            Listener.Dispose();
            Sampler.Dispose();
        }
    }

    private async Task<List<Outcome>> DrainAsync()
    {
        var outcomes = new List<Outcome>();
        for (var round = 0; round < 20; round++)
        {
            var batch = await Queue.ReceiveAsync(16, TimeSpan.FromMinutes(1), default);
            if (batch.Count == 0) break;
            foreach (var m in batch) outcomes.Add(await Processor.ProcessAsync(m, default));
        }
        return outcomes;
    }

    private Task<Booking> BookAsync(DateTimeOffset start, string phone = "0912345678", string channel = "api", string? user = null) =>
        _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().BookAsync(new BookingRequest("cccd-renewal", TestData.OfficeId, start,
            "Nguyễn Văn An", phone, Channel: channel, ChannelUserId: user), default));

    private async Task DispatchAsync() => await _db.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(100, default);

    /// <summary>A booking for 26/11 08:00 whose confirmations went out, and its reminder queued the day before.</summary>
    private async Task<Booking> ReminderQueuedAsync()
    {
        var booking = await BookAsync(TestData.At(2026, 11, 26, 8, 0));
        await DispatchAsync();
        await DrainAsync();
        Forget();
        At(TestData.At(2026, 11, 25, 8, 1));
        Assert.Equal(1, await _db.Services.GetRequiredService<ReminderScheduler>().EnqueueDueAsync(10, default));
        return booking;
    }

    /// <summary>A claim of the key as another worker takes it, with no message of its own: what it leaves if it dies.</summary>
    private Task<DeliveryClaim> ClaimAsAsync(string owner, string key, DateTimeOffset at, string template = "notify/broadcast", string body = "{}") =>
        _db.Services.GetRequiredService<DeliveryLedger>().ClaimAsync(new ClaimRequest(new Delivery
        {
            Id = Guid.NewGuid(), Key = key, TemplateKey = template, Status = DeliveryStatus.Pending, RequestJson = body, CreatedAt = at, UpdatedAt = at,
        }, owner, at, at + TimeSpan.FromMinutes(2)), default);

    private void Forget()
    {
        foreach (var s in _senders.Values) s.Sent.Clear();
    }

    [Fact]
    public async Task Two_holders_of_one_key_send_once_and_the_second_backs_off_while_the_first_sends()
    {
        await Queue.SendBatchAsync([Notice("dup-1"), Notice("dup-1")], default);
        var both = await Queue.ReceiveAsync(2, TimeSpan.FromMinutes(1), default);
        Assert.Equal(2, both.Count);
        Sms.Hold();
        var first = Processor.ProcessAsync(both[0], default);
        await Sms.Entered.Task.WaitAsync(TimeSpan.FromSeconds(20));

        // The first holder is at the gateway: the second finds the claim and does not call it.
        Assert.Equal(Outcome.HeldElsewhere, await Processor.ProcessAsync(both[1], default).WaitAsync(TimeSpan.FromSeconds(20)));
        Sms.Release();
        Assert.Equal(Outcome.Sent, await first);

        _db.Time.Advance(TimeSpan.FromMinutes(5));
        var again = Assert.Single(await Queue.ReceiveAsync(2, TimeSpan.FromMinutes(1), default));
        Assert.Equal(Outcome.AlreadyDone, await Processor.ProcessAsync(again, default));
        Assert.Single(Sms.Sent);
        var delivery = await Db(db => db.Deliveries.Include(d => d.Attempts).AsNoTracking().SingleAsync());
        Assert.Equal((DeliveryStatus.Sent, 1, null, null), (delivery.Status, delivery.Attempts.Count, delivery.Owner, delivery.LeaseUntil));
        Assert.Equal(0, await Db(db => db.QueueMessages.CountAsync()));
    }

    [Fact]
    public async Task A_worker_killed_mid_send_leaves_its_claim_to_lapse_and_the_next_sends_with_the_same_key()
    {
        await Queue.SendAsync(Notice("crash-1"), null, default);
        // What a worker leaves when it is killed after claiming: a pending row under its name with a running lease.
        Assert.True((await ClaimAsAsync("dead-worker/1", "crash-1", _db.Time.GetUtcNow())).Acquired);

        var message = Assert.Single(await Queue.ReceiveAsync(1, TimeSpan.FromMinutes(1), default));
        Assert.Equal(Outcome.HeldElsewhere, await Processor.ProcessAsync(message, default));
        Assert.Empty(Sms.Sent);
        // The message was put back for when the lease ends, not for the full visibility.
        Assert.Empty(await Queue.ReceiveAsync(1, TimeSpan.FromMinutes(1), default));

        _db.Time.Advance(TimeSpan.FromMinutes(3));
        var retry = Assert.Single(await Queue.ReceiveAsync(1, TimeSpan.FromMinutes(1), default));
        Assert.Equal(Outcome.Sent, await Processor.ProcessAsync(retry, default));
        // The provider sees the same key (its idempotency key: SMS RequestId, ZNS tracking_id, e-mail Message-Id).
        Assert.Equal("crash-1", Assert.Single(Sms.Sent).Key);
        var delivery = await Db(db => db.Deliveries.Include(d => d.Attempts).AsNoTracking().SingleAsync());
        Assert.Equal((DeliveryStatus.Sent, 1), (delivery.Status, delivery.Attempts.Count));
    }

    [Fact]
    public async Task Every_failure_counts_and_the_last_one_moves_the_message_to_poison_with_its_delivery()
    {
        var spans = new System.Collections.Concurrent.ConcurrentQueue<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s.Name == Messaging.Core.Telemetry.MessagingTraces.SourceName,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        await Queue.SendAsync(Notice("disk-full"), null, default);
        // Not a ChannelException: a failure of the machine, which used to come back every two minutes forever.
        for (var i = 0; i < 5; i++) Sms.Failures.Enqueue(new IOException("No space left on device"));
        var outcomes = new List<Outcome>();
        for (var i = 0; i < 5; i++)
        {
            var message = Assert.Single(await Queue.ReceiveAsync(1, TimeSpan.FromMinutes(1), default));
            outcomes.Add(await Processor.ProcessAsync(message, default));
            _db.Time.Advance(TimeSpan.FromHours(1));
        }

        Assert.Equal([Outcome.Retrying, Outcome.Retrying, Outcome.Retrying, Outcome.Retrying, Outcome.Poisoned], outcomes);
        var delivery = await Db(db => db.Deliveries.Include(d => d.Attempts).AsNoTracking().SingleAsync());
        Assert.Equal(DeliveryStatus.Failed, delivery.Status);
        Assert.Equal(5, delivery.Attempts.Count(a => !a.Succeeded));
        Assert.Contains("No space left", delivery.Error);
        var poison = Assert.Single(await Queue.PeekPoisonAsync(10, default));
        Assert.Contains("IOException", poison.Reason);
        Assert.Empty(await Queue.ReceiveAsync(1, TimeSpan.FromMinutes(1), default));
        // Each attempt's span tells how it ended, and a failed one is marked as an error for the trace viewer.
        var sends = spans.Where(a => a.OperationName == "notification.send" && a.GetTagItem("messaging.key") as string == "disk-full").ToList();
        Assert.Equal(["retrying", "retrying", "retrying", "retrying", "poisoned"], sends.Select(a => a.GetTagItem("messaging.outcome") as string));
        Assert.All(sends, a => Assert.Equal(System.Diagnostics.ActivityStatusCode.Error, a.Status));
    }

    [Fact]
    public async Task A_message_received_again_and_again_without_an_outcome_goes_to_poison()
    {
        await Queue.SendAsync(Notice("crash-loop"), null, default);
        // A worker that dies while handling it, eight times: each receipt counts.
        for (var i = 0; i < 8; i++) Assert.Single(await Queue.ReceiveAsync(1, TimeSpan.Zero, default));
        var ninth = Assert.Single(await Queue.ReceiveAsync(1, TimeSpan.FromMinutes(1), default));

        Assert.Equal(Outcome.Poisoned, await Processor.ProcessAsync(ninth, default));
        Assert.Empty(Sms.Sent);
        Assert.Contains("9 times", Assert.Single(await Queue.PeekPoisonAsync(10, default)).Reason);
    }

    [Fact]
    public async Task One_trace_runs_from_the_booking_request_through_the_outbox_and_the_queue_to_the_send()
    {
        var spans = new System.Collections.Concurrent.ConcurrentQueue<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s.Name == Messaging.Core.Telemetry.MessagingTraces.SourceName || s.Name == "request",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        using var requestSource = new System.Diagnostics.ActivitySource("request");
        System.Diagnostics.ActivityTraceId trace;
        using (var request = requestSource.StartActivity("POST /api/bookings")!)
        {
            trace = request.TraceId;
            await BookAsync(TestData.At(2026, 11, 26, 8, 0));
        }
        // The dispatcher and the worker run later, with no ambient trace: the context comes from the row and the message.
        Assert.Null(System.Diagnostics.Activity.Current);
        await DispatchAsync();
        Assert.Contains(Outcome.Sent, await DrainAsync());

        var ours = spans.Where(s => s.Source.Name == Messaging.Core.Telemetry.MessagingTraces.SourceName && s.TraceId == trace).ToList();
        Assert.Contains(ours, s => s.OperationName == "booking.book");
        var dispatch = Assert.Single(ours, s => s.OperationName == "outbox.dispatch");
        var send = Assert.Single(ours, s => s.OperationName == "notification.send" && s.GetTagItem("messaging.template") as string == "notify/booking.confirmed");
        Assert.Equal(dispatch.SpanId, send.ParentSpanId);
        Assert.Equal("sent", send.GetTagItem("messaging.outcome"));
        Assert.Equal(System.Diagnostics.ActivityStatusCode.Unset, send.Status);
    }

    [Fact]
    public async Task The_backlog_gauges_show_pending_outbox_events_their_age_and_poison()
    {
        using var gauges = new Gauges(_db.Services);
        var seen = gauges.Seen;

        await BookAsync(TestData.At(2026, 11, 26, 8, 0));
        At(TestData.At(2026, 11, 24, 9, 2));
        await gauges.SampleAsync();
        Assert.Equal(1, seen["messaging.outbox.pending"]);
        Assert.Equal(120, seen["messaging.outbox.lag"], 0.5);
        Assert.Equal(0, seen["messaging.queue.poison"]);

        Assert.Equal(0, seen["messaging.queue.depth"]);
        Assert.Equal(0, seen["messaging.queue.age"]);

        await DispatchAsync();
        At(TestData.At(2026, 11, 24, 9, 2).AddSeconds(45));
        await gauges.SampleAsync();
        Assert.Equal(0, seen["messaging.outbox.pending"]);
        Assert.Equal(0, seen["messaging.outbox.lag"]);
        Assert.Equal(1, seen["messaging.queue.depth"]);
        Assert.Equal(45, seen["messaging.queue.age"], 0.5);

        var message = Assert.Single(await Queue.ReceiveAsync(1, TimeSpan.FromMinutes(1), default));
        await Queue.PoisonAsync(message, "test", default);
        await gauges.SampleAsync();
        Assert.Equal(0, seen["messaging.queue.depth"]);
        Assert.Equal(0, seen["messaging.queue.age"]);
        Assert.Equal(1, seen["messaging.queue.poison"]);
        Assert.Equal(0, seen["messaging.broadcast.running"]);
    }

    [Fact]
    public async Task The_broadcast_gauges_follow_a_running_broadcast_from_queued_to_settled()
    {
        using var gauges = new Gauges(_db.Services);
        var seen = gauges.Seen;
        async Task<(double, double, double, double)> SampleAsync()
        {
            await gauges.SampleAsync();
            return (seen["messaging.broadcast.running"], seen["messaging.broadcast.recipients"], seen["messaging.broadcast.queued"],
                seen["messaging.broadcast.settled"]);
        }

        var start = TestData.At(2026, 11, 26, 8, 0);
        await BookAsync(start, "0912345678");
        await BookAsync(start.AddMinutes(15), "0905111222");
        await DispatchAsync();
        await DrainAsync();
        var broadcasts = _db.Services.GetRequiredService<BroadcastService>();
        var b = await broadcasts.CreateAsync(new BroadcastDraft(TestData.OfficeId, new DateOnly(2026, 11, 26), null, null, null, null,
            "Mang theo căn cước cũ.", null, null, false), "officer-1", default);
        Assert.Equal((0d, 0d, 0d, 0d), await SampleAsync()); // a draft is not running

        await broadcasts.StartAsync(b.Id, "officer-1", default);
        Assert.Equal((1d, 2d, 0d, 0d), await SampleAsync());
        Assert.Equal(2, await broadcasts.FanOutPageAsync(b.Id, "worker-a", default));
        Assert.Equal((1d, 2d, 2d, 0d), await SampleAsync());
        Assert.Equal([Outcome.Sent, Outcome.Sent], await DrainAsync());
        Assert.Equal((1d, 2d, 2d, 2d), await SampleAsync());
        // The next round finds no one left and completes the fan-out: the broadcast stops running, its figures stay a day.
        Assert.Equal(0, await broadcasts.FanOutPageAsync(b.Id, "worker-a", default));
        Assert.Equal((0d, 2d, 2d, 2d), await SampleAsync());
        At(TestData.At(2026, 11, 25, 9, 30));
        Assert.Equal((0d, 0d, 0d, 0d), await SampleAsync());
    }

    [Fact]
    public async Task A_reminder_for_a_booking_cancelled_meanwhile_is_obsolete_and_is_not_sent()
    {
        var booking = await ReminderQueuedAsync();
        // Cancelled after the reminder was queued, before it went out.
        await _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().CancelAsync(booking.Code, null, "ốm", "citizen", default));

        Assert.Equal([Outcome.Obsolete], await DrainAsync());
        Assert.Empty(_senders.Values.SelectMany(s => s.Sent));
        var reminder = await Db(db => db.Deliveries.AsNoTracking().SingleAsync(d => d.Key.StartsWith("reminder:")));
        Assert.Equal(DeliveryStatus.Obsolete, reminder.Status);
        Assert.Contains("cancelled", reminder.Error);
    }

    /// <summary>
    /// The queued reminder's claim left by a worker killed holding it (and, when <paramref name="calling"/> names a
    /// channel, after committing that it was calling that provider), then the booking cancelled and the lease run out.
    /// </summary>
    private async Task<string> DiedHoldingReminderThenCancelledAsync(string? calling)
    {
        var booking = await ReminderQueuedAsync();
        var peek = Assert.Single(await Queue.ReceiveAsync(1, TimeSpan.FromSeconds(1), default));
        var key = JsonSerializer.Deserialize<NotificationRequest>(peek.Body, NotificationProcessor.Json)!.Key;
        var now = _db.Time.GetUtcNow();
        var dead = await ClaimAsAsync("dead-worker/1", key, now, "notify/reminder", peek.Body);
        Assert.True(dead.Acquired);
        if (calling is not null)
            Assert.True(await _db.Services.GetRequiredService<DeliveryLedger>().StartSendAsync(new SendStart(dead.Id, "dead-worker/1", calling, now), default));
        await _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().CancelAsync(booking.Code, null, "ốm", "citizen", default));
        _db.Time.Advance(TimeSpan.FromMinutes(3));
        return key;
    }

    [Fact]
    public async Task A_reminder_whose_worker_died_calling_the_gateway_goes_again_under_its_key_though_its_booking_was_cancelled_meanwhile()
    {
        var key = await DiedHoldingReminderThenCancelledAsync(calling: ChannelNames.Sms);

        // The gateway may hold it already: calling it obsolete would record as unsent what the citizen may have got. The
        // same key makes the gateway take it once.
        Assert.Equal([Outcome.Sent], await DrainAsync());
        Assert.Equal(key, Assert.Single(Sms.Sent).Key);
        var reminder = await Db(db => db.Deliveries.Include(d => d.Attempts).AsNoTracking().SingleAsync(d => d.Key == key));
        Assert.Equal((DeliveryStatus.Sent, ChannelNames.Sms, null, null), (reminder.Status, reminder.Channel, reminder.SendingChannel, reminder.Owner));
    }

    [Fact]
    public async Task A_reminder_whose_worker_died_before_calling_any_gateway_is_obsolete_once_its_booking_was_cancelled()
    {
        var key = await DiedHoldingReminderThenCancelledAsync(calling: null);

        Assert.Equal([Outcome.Obsolete], await DrainAsync());
        Assert.Empty(_senders.Values.SelectMany(s => s.Sent));
        Assert.Equal(DeliveryStatus.Obsolete, (await Db(db => db.Deliveries.AsNoTracking().SingleAsync(d => d.Key == key))).Status);
    }

    [Fact]
    public async Task A_dead_workers_send_refused_for_good_on_its_channel_is_decided_afresh_before_the_next_channel()
    {
        var key = await DiedHoldingReminderThenCancelledAsync(calling: ChannelNames.Sms);
        Sms.Failures.Enqueue(new ChannelException("the number is not a mobile subscriber", permanent: true));

        // Refused, so nothing went out: from here the cancellation counts, and no other channel carries the old reminder.
        Assert.Equal([Outcome.Obsolete], await DrainAsync());
        Assert.Empty(_senders.Values.SelectMany(s => s.Sent));
        var reminder = await Db(db => db.Deliveries.Include(d => d.Attempts).AsNoTracking().SingleAsync(d => d.Key == key));
        Assert.Equal((DeliveryStatus.Obsolete, null), (reminder.Status, reminder.SendingChannel));
        Assert.False(Assert.Single(reminder.Attempts).Succeeded);
    }

    [Fact]
    public async Task Only_the_claims_owner_may_start_a_send_and_a_claim_taken_over_cannot()
    {
        var now = _db.Time.GetUtcNow();
        var ledger = _db.Services.GetRequiredService<DeliveryLedger>();
        var slow = await ClaimAsAsync("slow-worker/1", "fence-1", now);
        var later = now + TimeSpan.FromMinutes(3);
        var next = await ClaimAsAsync("next-worker/1", "fence-1", later);
        Assert.True(slow.Acquired && next.Acquired);
        Assert.Equal(slow.Id, next.Id);

        Assert.False(await ledger.StartSendAsync(new SendStart(slow.Id, "slow-worker/1", ChannelNames.Sms, later), default));
        Assert.True(await ledger.StartSendAsync(new SendStart(next.Id, "next-worker/1", ChannelNames.Email, later), default));
        Assert.Equal(ChannelNames.Email, (await Db(db => db.Deliveries.AsNoTracking().SingleAsync(d => d.Key == "fence-1"))).SendingChannel);
    }

    [Fact]
    public async Task A_moved_booking_gets_no_reminder_with_the_old_time_and_the_next_one_carries_the_new_time()
    {
        var booking = await BookAsync(TestData.At(2026, 11, 26, 8, 0));
        await DispatchAsync();
        await DrainAsync();
        At(TestData.At(2026, 11, 25, 8, 1));
        await _db.Services.GetRequiredService<ReminderScheduler>().EnqueueDueAsync(10, default);
        await _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().RescheduleAsync(booking.Code, null,
            new RescheduleRequest(TestData.At(2026, 11, 26, 9, 0)), default));
        Forget();

        Assert.Equal([Outcome.Obsolete], await DrainAsync());
        await DispatchAsync();
        Assert.Equal([Outcome.Sent], await DrainAsync());
        Assert.Contains("09:00", Assert.Single(Sms.Sent).Text); // the notice of the move
        Forget();

        At(TestData.At(2026, 11, 26, 7, 0));
        Assert.Equal(1, await _db.Services.GetRequiredService<ReminderScheduler>().EnqueueDueAsync(10, default));
        Assert.Equal([Outcome.Sent], await DrainAsync());
        Assert.Contains("09:00", Assert.Single(Sms.Sent).Text);
    }

    [Fact]
    public async Task A_session_cancelled_late_in_the_evening_reaches_at_once_only_the_bookings_it_cancelled()
    {
        var cards = (await Db(db => db.OfficeServices.AsNoTracking().FirstAsync())).Id;
        var start = TestData.At(2026, 11, 27, 7, 30);
        var session = await _db.InScopeAsync(sp => sp.GetRequiredService<SessionService>().CreateAsync(new SessionDraft(TestData.OfficeId, cards,
            SessionKind.Mobile, "Cấp căn cước lưu động", "Nhà văn hóa thôn 1", start, start.AddHours(1), 3), default));
        var kept = await _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().BookAsync(new BookingRequest("cccd-first-issue",
            TestData.OfficeId, start, "Trần Thị Bình", "0905111222", SessionId: session.Id), default));
        var gone = await _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().BookAsync(new BookingRequest("cccd-first-issue",
            TestData.OfficeId, start.AddMinutes(15), "Lê Văn Cường", "0905333444", SessionId: session.Id), default));
        await _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().CancelAsync(gone.Code, null, null, "citizen", default));
        await DispatchAsync();
        await DrainAsync();
        Forget();

        At(TestData.At(2026, 11, 26, 22, 0)); // quiet hours, nine and a half hours before the session
        await _db.InScopeAsync(sp => sp.GetRequiredService<SessionService>().CancelAsync(session.Id, "Mưa bão", "officer-1", default));
        await DispatchAsync();

        Assert.Equal([Outcome.Sent], await DrainAsync());
        var sent = Assert.Single(Sms.Sent);
        Assert.Equal("0905111222", sent.Recipient.Phone);
        Assert.Equal(kept.Phone, sent.Recipient.Phone);
    }

    [Fact]
    public async Task A_web_chat_booking_gets_its_reminder_out_of_band_with_a_copy_in_the_chat()
    {
        var now = _db.Time.GetUtcNow();
        await _db.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<MessagingDbContext>();
            db.Conversations.Add(new ConversationRecord { Id = "wc-tab", ChannelId = "webchat", UserId = "wc-tab", Version = 1, CreatedAt = now, UpdatedAt = now });
            await db.SaveChangesAsync();
        });
        await BookAsync(TestData.At(2026, 11, 26, 8, 0), channel: "webchat", user: "wc-tab");
        await DispatchAsync();
        await DrainAsync();
        Forget();
        At(TestData.At(2026, 11, 25, 8, 1));
        await _db.Services.GetRequiredService<ReminderScheduler>().EnqueueDueAsync(10, default);

        Assert.Equal([Outcome.Sent], await DrainAsync());
        Assert.Equal("wc-tab", Assert.Single(_senders[ChannelNames.WebChat].Sent).Recipient.WebChatConversationId);
        Assert.Single(Sms.Sent); // ZNS is in the order but has no approved template: SMS
        var delivery = await Db(db => db.Deliveries.Include(d => d.Attempts).AsNoTracking().SingleAsync(d => d.Key.StartsWith("reminder:")));
        Assert.Equal(("sms", DeliveryStatus.Sent), (delivery.Channel, delivery.Status));
        Assert.Equal(["webchat", "sms"], delivery.Attempts.OrderBy(a => a.Number).Select(a => a.Channel));
    }

    [Fact]
    public async Task Zns_carries_only_an_approved_template_with_parameters_within_its_limits()
    {
        await Queue.SendAsync(Notice("zns-short", order: ["zns", "sms"]), null, default);
        await Queue.SendAsync(Notice("zns-long", new string('x', 20) + string.Concat(Enumerable.Repeat(" mang theo căn cước cũ", 25)), order: ["zns", "sms"]), null, default);
        // A reminder has no approved ZNS template here: ZNS is not even tried.
        await Queue.SendAsync(JsonSerializer.Serialize(JsonSerializer.Deserialize<NotificationRequest>(Notice("zns-none", order: ["zns", "sms"]), NotificationProcessor.Json)!
            with { TemplateKey = "notify/booking.reminder-soon", Data = JsonSerializer.SerializeToElement(new
            {
                citizen = new { name = "An" }, office = new { name = "CA", address = "", phone = "", map_url = "" },
                booking = new { code = "K7MQ4XA", queue_number = 3, start = "2026-11-26T08:00:00+07:00", procedure = "Cấp căn cước", documents = Array.Empty<string>() },
            }) }, NotificationProcessor.Json), null, default);

        Assert.All(await DrainAsync(), o => Assert.Equal(Outcome.Sent, o));
        var zns = Assert.Single(_senders[ChannelNames.Zns].Sent);
        Assert.Equal(("zns-short", "400123"), (zns.Key, zns.ZnsTemplateId));
        Assert.Equal(["zns-long", "zns-none"], Sms.Sent.Select(m => m.Key).Order());
        var tooLong = await Db(db => db.Deliveries.Include(d => d.Attempts).AsNoTracking().SingleAsync(d => d.Key == "zns-long"));
        Assert.Contains("ZNS parameter 'message'", tooLong.Attempts.Single(a => a.Channel == "zns").Error);
        Assert.DoesNotContain((await Db(db => db.Deliveries.Include(d => d.Attempts).AsNoTracking().SingleAsync(d => d.Key == "zns-none"))).Attempts,
            a => a.Channel == "zns");
    }

    [Fact]
    public async Task An_officers_long_message_is_shortened_to_fit_the_sms_parts_and_the_fixed_words_stay()
    {
        var words = string.Join(' ', Enumerable.Repeat("Bà con mang theo căn cước cũ và giấy tờ cư trú khi đến nhà văn hóa thôn.", 12));
        await Queue.SendAsync(Notice("long-1", words), null, default);

        Assert.Equal([Outcome.Sent], await DrainAsync());
        var sms = Assert.Single(Sms.Sent);
        Assert.True(sms.Sms!.Segments <= 3, $"{sms.Sms.Segments} parts");
        Assert.StartsWith("Cong an xa Tinh Ha: Ba con mang theo", sms.Text);
        Assert.EndsWith("…", sms.Text.TrimEnd());
    }

    [Fact]
    public async Task Reminders_and_outbox_rows_are_each_put_on_the_queue_once_by_three_workers_at_once()
    {
        var start = TestData.At(2026, 11, 26, 8, 0);
        for (var i = 0; i < 12; i++) await BookAsync(start.AddMinutes(15 * (i / 2)), $"09123456{i:00}");
        var dispatcher = _db.Services.GetRequiredService<OutboxDispatcher>();
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => dispatcher.DispatchOnceAsync(5, default))));
        while (await dispatcher.DispatchOnceAsync(5, default) > 0) { }
        At(TestData.At(2026, 11, 25, 8, 1));
        var scheduler = _db.Services.GetRequiredService<ReminderScheduler>();
        var taken = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => scheduler.EnqueueDueAsync(5, default))));
        while (await scheduler.EnqueueDueAsync(5, default) > 0) { }

        var keys = (await Db(db => db.QueueMessages.AsNoTracking().Where(m => m.Queue == Queue.Name).Select(m => m.Body).ToListAsync()))
            .Select(b => JsonDocument.Parse(b).RootElement.GetProperty("key").GetString()).ToList();
        Assert.Equal(24, keys.Count); // twelve confirmations and twelve day-before reminders
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.True(taken.Sum() <= 12);
        Assert.Equal(0, await Db(db => db.Set<Reminder>().CountAsync(r => r.Status == ReminderStatus.Pending && r.Kind == Reminders.DayBefore)));
    }

    [Fact]
    public async Task A_broadcast_sends_one_message_per_person_listing_their_bookings_though_two_workers_fan_it_out()
    {
        var start = TestData.At(2026, 11, 26, 8, 0);
        var first = await BookAsync(start, "0912345678");
        var second = await BookAsync(start.AddMinutes(30), "0912345678");
        await BookAsync(start.AddMinutes(15), "0905111222");
        await DispatchAsync();
        await DrainAsync();
        Forget();
        var broadcasts = _db.Services.GetRequiredService<BroadcastService>();
        var b = await broadcasts.CreateAsync(new BroadcastDraft(TestData.OfficeId, new DateOnly(2026, 11, 26), null, null, null, null,
            "Mang theo căn cước cũ.", null, null, false), "officer-1", default);
        Assert.Equal(2, b.Recipients);
        await broadcasts.StartAsync(b.Id, "officer-1", default);

        var pages = await Task.WhenAll(Task.Run(() => broadcasts.FanOutPageAsync(b.Id, "worker-a", default)),
            Task.Run(() => broadcasts.FanOutPageAsync(b.Id, "worker-b", default)));
        Assert.Equal(2, pages.Sum()); // one worker held the lease; the other queued nothing
        Assert.Equal(0, await broadcasts.FanOutPageAsync(b.Id, pages[0] > 0 ? "worker-a" : "worker-b", default));

        Assert.Equal([Outcome.Sent, Outcome.Sent], await DrainAsync());
        // The broadcast has an approved ZNS template here: its parameters carry the message, the SMS text the list.
        var sent = _senders.Values.SelectMany(s => s.Sent).ToList();
        var twice = Assert.Single(sent, m => m.Recipient.Phone == "0912345678");
        Assert.Single(sent, m => m.Recipient.Phone == "0905111222");
        Assert.Equal(ChannelNames.Zns, twice.Channel);
        var data = JsonSerializer.Deserialize<NotificationRequest>(
            await Db(db => db.Deliveries.AsNoTracking().Where(d => d.Key == twice.Key).Select(d => d.RequestJson).SingleAsync()), NotificationProcessor.Json)!.Data;
        var sms = await _db.InScopeAsync(async sp => (await sp.GetRequiredService<Messaging.Core.Templates.TemplateStore>().RenderAsync("notify/broadcast", "sms", "vi", data, default))!);
        Assert.Contains(first.Code, sms.Text);
        Assert.Contains(second.Code, sms.Text);
        Assert.Equal(BroadcastStatus.Completed, (await broadcasts.ProgressAsync(b.Id, default))!.Status);
    }

    [Fact]
    public async Task A_cancel_asked_twice_by_the_same_turn_cancels_once_and_succeeds_twice()
    {
        var booking = await BookAsync(TestData.At(2026, 11, 26, 8, 0));
        for (var i = 0; i < 2; i++)
        {
            var cancelled = await _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().CancelAsync(booking.Code, booking.Phone, "ốm", "citizen",
                default, changeKey: "conversation-1:activity-7"));
            Assert.Equal(BookingStatus.Cancelled, cancelled.Status);
        }
        Assert.Equal(1, await Db(db => db.Outbox.CountAsync(o => o.Type == "booking.cancelled")));
        // Another request (another turn) is not the same change: it is told the booking is no longer active.
        await Assert.ThrowsAsync<BookingException>(() => _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>()
            .CancelAsync(booking.Code, booking.Phone, "ốm", "citizen", default, changeKey: "conversation-1:activity-8")));
    }
}

public sealed class SqliteExactlyOnceTests()
    : ExactlyOnceTests((settings, configure) => TestDatabase.CreateAsync(DatabaseProvider.Sqlite, now: TestData.At(2026, 11, 24, 9, 0),
        settings: settings, configure: configure));

[Collection(PostgresCollection.Name)]
public sealed class PostgresExactlyOnceTests(PostgresFixture pg)
    : ExactlyOnceTests((settings, configure) => TestDatabase.CreateAsync(DatabaseProvider.Postgres, pg.Server, now: TestData.At(2026, 11, 24, 9, 0),
        settings: settings, configure: configure));
