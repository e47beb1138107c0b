using System.Text.Json;
using Messaging.Core.Appointments;
using Messaging.Core.Dossiers;
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
/// A channel that records what it was given, and fails on request: the seam for gateways that say no. The pipeline
/// under test (dispatcher, queue, processor, templates, database) is all real.
/// </summary>
public sealed class RecordingSender(string channel) : IChannelSender
{
    public List<OutgoingMessage> Sent { get; } = [];
    public Queue<ChannelException> Failures { get; } = new();
    public string Channel => channel;
    public bool CanReach(Recipient r) => channel switch
    {
        ChannelNames.Email => r.Email is not null,
        ChannelNames.Zalo or ChannelNames.Zns => r.Phone is not null,
        ChannelNames.WebChat => r.WebChatConversationId is not null,
        _ => r.Phone is not null,
    };

    public Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        if (Failures.TryDequeue(out var failure)) throw failure;
        lock (Sent) Sent.Add(message);
        return Task.FromResult(new SendResult($"{channel}-{Sent.Count}"));
    }
}

public sealed class PipelineTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private readonly Dictionary<string, RecordingSender> _senders = ChannelNames.All.ToDictionary(c => c, c => new RecordingSender(c));
    private INotificationQueue Queue => _db.Services.GetRequiredService<INotificationQueue>();
    private NotificationProcessor Processor => _db.Services.GetRequiredService<NotificationProcessor>();
    private static readonly DateTimeOffset TuesdayMorning = new(2026, 11, 24, 9, 0, 0, TimeSpan.FromHours(7));

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, now: TuesdayMorning, settings: new Dictionary<string, string?>
        {
            ["Notifier:DefaultChannelOrder:0"] = "zalo", ["Notifier:DefaultChannelOrder:1"] = "sms", ["Notifier:DefaultChannelOrder:2"] = "email",
        }, configure: (services, configuration) =>
        {
            services.AddMessagingNotifier(configuration, runWorkers: false);
            services.RemoveAll<IChannelSender>();
            foreach (var s in _senders.Values) services.AddSingleton<IChannelSender>(s);
        });
        await _db.InScopeAsync(sp => TestData.SeedAsync(sp.GetRequiredService<MessagingDbContext>()));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private Task<Booking> BookAsync(string phone = "0912345678") => _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>()
        .BookAsync(new BookingRequest("cccd-renewal", TestData.OfficeId, TestData.At(2026, 11, 25, 8, 0), "Nguyễn Văn An", phone), default));

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

    private Task<List<Delivery>> Deliveries() =>
        _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().Deliveries.Include(d => d.Attempts).AsNoTracking().ToListAsync());

    [Fact]
    public async Task A_citizens_actions_send_only_so_many_sms_a_day_to_a_number_nobody_proved()
    {
        // Seven notifications caused by one client to one unproved number (confirmations, reminders…), on SMS only.
        for (var i = 0; i < 7; i++)
            await Queue.SendAsync(JsonSerializer.Serialize(new NotificationRequest($"unproved:{i}", "notify/broadcast",
                new Recipient("An", "0912345678", ChannelOrder: ["sms"]), JsonSerializer.SerializeToElement(new { message = "x", office = new { name = "CA" }, bookings = Array.Empty<object>() }),
                Origin: "client-fp"), NotificationProcessor.Json), null, default);
        // And two to a proved number from the same client, which are not capped.
        for (var i = 0; i < 2; i++)
            await Queue.SendAsync(JsonSerializer.Serialize(new NotificationRequest($"proved:{i}", "notify/broadcast",
                new Recipient("Bình", "0905111222", ChannelOrder: ["sms"], PhoneVerified: true), JsonSerializer.SerializeToElement(new { message = "x", office = new { name = "CA" }, bookings = Array.Empty<object>() }),
                Origin: "client-fp"), NotificationProcessor.Json), null, default);
        var outcomes = await DrainAsync();
        Assert.Equal(6 + 2, outcomes.Count(o => o == Outcome.Sent));
        Assert.Equal(1, outcomes.Count(o => o == Outcome.Skipped));
        var skipped = Assert.Single(await Deliveries(), d => d.Status == DeliveryStatus.Skipped);
        Assert.Contains("cap", skipped.Error);
        Assert.Equal(6, _senders["sms"].Sent.Count(m => m.Recipient.Phone == "0912345678"));
    }

    [Fact]
    public async Task A_booking_is_confirmed_once_by_sms_in_plain_letters()
    {
        var booking = await BookAsync();
        Assert.Equal(1, await _db.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(10, default));
        Assert.Equal(0, await _db.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(10, default));
        // Zalo is first in the order, but this citizen has no Zalo account on record: SMS.
        _senders["zalo"].Failures.Enqueue(new ChannelException("-213 user has not followed the OA", permanent: true));
        Assert.Equal([Outcome.Sent], await DrainAsync());

        var sms = Assert.Single(_senders["sms"].Sent);
        Assert.Contains(booking.Code, sms.Text);
        Assert.Equal("Cong an xa Tinh Ha: Da dat lich Cap doi the can cuoc luc 08:00 ngay 25/11/2026. Ma lich hen " + booking.Code + ", STT 1.", sms.Text);
        Assert.Equal(Messaging.Core.Templates.SmsEncoding.Gsm7, SmsEncodingOf(sms));
        var delivery = Assert.Single(await Deliveries());
        Assert.Equal((DeliveryStatus.Sent, "sms", "0912***678"), (delivery.Status, delivery.Channel, delivery.RecipientSummary));
        Assert.Equal(["zalo", "sms"], delivery.Attempts.OrderBy(a => a.Number).Select(a => a.Channel));
    }

    private static Messaging.Core.Templates.SmsEncoding SmsEncodingOf(OutgoingMessage m) => m.Sms!.Encoding;

    [Fact]
    public async Task A_redelivered_message_is_deleted_not_resent()
    {
        await BookAsync();
        await _db.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(10, default);
        var body = (await Queue.ReceiveAsync(1, TimeSpan.Zero, default))[0].Body;
        await Queue.SendAsync(body, null, default); // the same notification queued twice, as after a crash
        var outcomes = await DrainAsync();
        Assert.Equal([Outcome.Sent, Outcome.AlreadyDone], outcomes.Order());
        Assert.Equal(1, _senders.Values.Sum(s => s.Sent.Count));
    }

    [Fact]
    public async Task A_malformed_message_goes_to_poison_and_the_next_one_is_still_sent()
    {
        await Queue.SendAsync("{not json", null, default);
        await BookAsync();
        await _db.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(10, default);
        var outcomes = await DrainAsync();
        Assert.Equal([Outcome.Sent, Outcome.Poisoned], outcomes.Order());
        var poison = Assert.Single(await Queue.PeekPoisonAsync(10, default));
        Assert.StartsWith("malformed notification", poison.Reason);
    }

    [Fact]
    public async Task A_template_that_throws_sends_that_message_to_poison_with_the_reason()
    {
        var request = new NotificationRequest("test:broken", "notify/booking.confirmed", new Recipient("An", "0912345678"),
            JsonSerializer.SerializeToElement(new { citizen = new { name = "An" } }));
        await Queue.SendAsync(JsonSerializer.Serialize(request, NotificationProcessor.Json), null, default);
        Assert.Equal([Outcome.Poisoned], await DrainAsync());
        var poison = Assert.Single(await Queue.PeekPoisonAsync(10, default));
        Assert.Contains("template notify/booking.confirmed failed", poison.Reason);
        Assert.Equal(DeliveryStatus.Failed, Assert.Single(await Deliveries()).Status);
    }

    [Fact]
    public async Task Transient_failures_retry_with_backoff_then_succeed_and_too_many_go_to_poison()
    {
        await BookAsync();
        await _db.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(10, default);
        _senders["zalo"].Failures.Enqueue(new ChannelException("no zalo", permanent: true));
        _senders["sms"].Failures.Enqueue(new ChannelException("gateway timeout", permanent: false));
        Assert.Equal([Outcome.Retrying], await DrainAsync());
        Assert.Empty(await Queue.ReceiveAsync(1, TimeSpan.Zero, default)); // hidden for the backoff
        _db.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal([Outcome.Sent], await DrainAsync());
        var delivery = Assert.Single(await Deliveries());
        Assert.Equal(["zalo", "sms", "sms"], delivery.Attempts.OrderBy(a => a.Number).Select(a => a.Channel));

        var other = await BookAsync("0987654321");
        await _db.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(10, default);
        for (var i = 0; i < 10; i++) _senders["zalo"].Failures.Enqueue(new ChannelException("zalo down", permanent: false));
        var outcomes = new List<Outcome>();
        for (var i = 0; i < 6; i++)
        {
            outcomes.AddRange(await DrainAsync());
            _db.Time.Advance(TimeSpan.FromHours(1));
        }
        Assert.Equal([Outcome.Retrying, Outcome.Retrying, Outcome.Retrying, Outcome.Retrying, Outcome.Poisoned], outcomes);
        Assert.Contains("failed 5 times", Assert.Single(await Queue.PeekPoisonAsync(10, default)).Reason);
    }

    [Fact]
    public async Task Quiet_hours_hold_normal_messages_until_seven_and_let_critical_ones_through()
    {
        var processor = Processor;
        var late = new DateTimeOffset(2026, 11, 24, 22, 30, 0, TimeSpan.FromHours(7));
        var normal = new NotificationRequest("k", "notify/broadcast", new Recipient("An", "0912345678"), default);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 7, 0, 0, TimeSpan.FromHours(7)), processor.HoldUntil(normal, late));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 7, 0, 0, TimeSpan.FromHours(7)), processor.HoldUntil(normal, late.AddHours(3)));
        Assert.Null(processor.HoldUntil(normal with { Priority = NotificationPriority.Critical }, late));
        Assert.Null(processor.HoldUntil(normal, TuesdayMorning));
        var start = TuesdayMorning.AddHours(2);
        Assert.Equal(start, processor.HoldUntil(normal with { NotBefore = start }, TuesdayMorning));
    }

    [Fact]
    public async Task A_message_past_its_expiry_is_skipped_not_sent()
    {
        await BookAsync();
        await _db.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(10, default);
        _db.Time.SetUtcNow(TestData.At(2026, 11, 25, 8, 5)); // the appointment has started
        Assert.Equal([Outcome.Skipped], await DrainAsync());
        Assert.Empty(_senders["sms"].Sent);
    }

    [Fact]
    public async Task A_dossier_status_change_tells_the_applicant()
    {
        await _db.InScopeAsync(sp => sp.GetRequiredService<DossierService>().ImportAsync(
            [new DossierImportRow("000.00.12.H55-261101-0001", "cccd-renewal", TestData.OfficeId, "Trần Thị Bình", "0905111222", null, "processing", null, null, null)], false, "test", default));
        await _db.InScopeAsync(sp => sp.GetRequiredService<DossierService>().UpdateStatusAsync("000.00.12.H55-261101-0001", DossierStatus.ReadyForPickup, "Mời đến nhận", "officer", null, default));
        await _db.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(10, default);
        _senders["zalo"].Failures.Enqueue(new ChannelException("no zalo", permanent: true));
        Assert.Equal([Outcome.Sent], await DrainAsync());
        Assert.Equal("Cong an xa Tinh Ha: Ho so 000.00.12.H55-261101-0001 da co ket qua, moi anh/chi den nhan. Moi den nhan", _senders["sms"].Sent[0].Text);
    }
}

public sealed class ReminderTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private readonly RecordingSender _sms = new(ChannelNames.Sms);
    private static readonly DateTimeOffset MondayMorning = new(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(7));
    private static readonly DateTimeOffset Wednesday0800 = TestData.At(2026, 11, 25, 8, 0);

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, now: MondayMorning, configure: (services, configuration) =>
        {
            services.AddMessagingNotifier(configuration, runWorkers: false);
            services.RemoveAll<IChannelSender>();
            services.AddSingleton<IChannelSender>(_sms);
        });
        await _db.InScopeAsync(sp => TestData.SeedAsync(sp.GetRequiredService<MessagingDbContext>()));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private Task<Booking> BookAsync(DateTimeOffset start) => _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>()
        .BookAsync(new BookingRequest("cccd-renewal", TestData.OfficeId, start, "Nguyễn Văn An", "0912345678"), default));

    private Task<List<Reminder>> RemindersOf(Guid booking) => _db.InScopeAsync(sp =>
        sp.GetRequiredService<MessagingDbContext>().Set<Reminder>().AsNoTracking().Where(r => r.BookingId == booking).OrderBy(r => r.DueAt).ToListAsync());

    /// <summary>Moves the clock, enqueues what is due and lets the worker send it; returns the texts sent.</summary>
    private async Task<List<string>> At(DateTimeOffset when)
    {
        _db.Time.SetUtcNow(when);
        await _db.Services.GetRequiredService<ReminderScheduler>().EnqueueDueAsync(100, default);
        var queue = _db.Services.GetRequiredService<INotificationQueue>();
        foreach (var m in await queue.ReceiveAsync(32, TimeSpan.FromMinutes(1), default))
            await _db.Services.GetRequiredService<NotificationProcessor>().ProcessAsync(m, default);
        var sent = _sms.Sent.Select(s => s.Text).ToList();
        _sms.Sent.Clear();
        return sent;
    }

    [Fact]
    public async Task Reminders_are_due_the_day_before_at_eight_and_two_hours_before()
    {
        var booking = await BookAsync(Wednesday0800);
        var reminders = await RemindersOf(booking.Id);
        Assert.Equal([TestData.At(2026, 11, 24, 8, 0).UtcTicks, TestData.At(2026, 11, 25, 6, 0).UtcTicks], reminders.Select(r => r.DueAt));

        Assert.Empty(await At(TestData.At(2026, 11, 24, 7, 59)));
        Assert.StartsWith("Nhac lich: mai 08:00 25/11/2026", Assert.Single(await At(TestData.At(2026, 11, 24, 8, 0))));
        // 06:00 is inside quiet hours: the second reminder waits until 07:00, still before the appointment.
        Assert.Empty(await At(TestData.At(2026, 11, 25, 6, 0)));
        Assert.Single(await At(TestData.At(2026, 11, 25, 7, 1)));
        Assert.Empty(await At(TestData.At(2026, 11, 25, 7, 30)));
    }

    [Fact]
    public async Task A_cancelled_booking_sends_no_reminder_and_a_moved_one_moves_its_reminders()
    {
        var cancelled = await BookAsync(Wednesday0800);
        await _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().CancelAsync(cancelled.Code, null, "bận", "citizen", default));
        Assert.All(await RemindersOf(cancelled.Id), r => Assert.Equal(ReminderStatus.Cancelled, r.Status));

        var moved = await BookAsync(Wednesday0800.AddHours(1));
        await _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().RescheduleAsync(moved.Code, null,
            new RescheduleRequest(TestData.At(2026, 11, 26, 14, 0)), default));
        var pending = (await RemindersOf(moved.Id)).Where(r => r.Status == ReminderStatus.Pending).Select(r => r.DueAt);
        Assert.Equal([TestData.At(2026, 11, 25, 8, 0).UtcTicks, TestData.At(2026, 11, 26, 12, 0).UtcTicks], pending);
        Assert.Empty(await At(TestData.At(2026, 11, 24, 8, 0)));   // the old day-before time sends nothing
        Assert.Single(await At(TestData.At(2026, 11, 25, 8, 0)));
    }

    [Fact]
    public async Task No_reminder_is_sent_after_the_appointment_has_started()
    {
        var booking = await BookAsync(Wednesday0800);
        // The worker was down all night and Wednesday morning; both reminders are due but the appointment has begun.
        Assert.Empty(await At(TestData.At(2026, 11, 25, 8, 15)));
        Assert.All(await RemindersOf(booking.Id), r => Assert.NotEqual(ReminderStatus.Pending, r.Status));
    }

    [Fact]
    public async Task A_booking_made_late_gets_only_the_reminders_still_ahead()
    {
        _db.Time.SetUtcNow(TestData.At(2026, 11, 24, 9, 0));
        var booking = await BookAsync(Wednesday0800);
        Assert.Equal([Reminders.Soon], (await RemindersOf(booking.Id)).Select(r => r.Kind));
    }
}

public sealed class BroadcastTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private readonly RecordingSender _sms = new(ChannelNames.Sms);
    private static readonly DateOnly Day = new(2026, 11, 25);

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, now: TestData.At(2026, 11, 24, 9, 0), configure: (services, configuration) =>
        {
            services.AddMessagingNotifier(configuration, runWorkers: false);
            services.RemoveAll<IChannelSender>();
            services.AddSingleton<IChannelSender>(_sms);
        });
        await _db.InScopeAsync(sp => TestData.SeedAsync(sp.GetRequiredService<MessagingDbContext>()));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    /// <summary>Bookings written straight to the table: the broadcast only reads them, and 10,000 through the API would be slow.</summary>
    private async Task SeedBookingsAsync(int count, DateOnly day)
    {
        await _db.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<MessagingDbContext>();
            var start = OfficeTime.At(day, new TimeOnly(8, 0), null);
            for (var i = 0; i < count; i++)
            {
                db.Bookings.Add(new Booking
                {
                    Id = Guid.NewGuid(), Code = $"B{day:MMdd}{i:000000}", OfficeId = TestData.OfficeId, ProcedureId = "cccd-renewal",
                    Start = start, End = start.AddMinutes(15), SlotKey = "bulk", QueueNumber = i + 1, CitizenName = "Công dân " + i,
                    Phone = $"09{i:00000000}", Status = BookingStatus.Booked, CreatedAt = start.AddDays(-3), UpdatedAt = start.AddDays(-3),
                });
            }
            await db.SaveChangesAsync();
        });
    }

    private async Task<int> DrainAsync()
    {
        var queue = _db.Services.GetRequiredService<INotificationQueue>();
        var processor = _db.Services.GetRequiredService<NotificationProcessor>();
        var handled = 0;
        while (true)
        {
            var batch = await queue.ReceiveAsync(32, TimeSpan.FromMinutes(5), default);
            if (batch.Count == 0) return handled;
            await Task.WhenAll(batch.Select(m => processor.ProcessAsync(m, default)));
            handled += batch.Count;
        }
    }

    [Fact]
    public async Task Ten_thousand_bookings_get_ten_thousand_messages_once_and_a_rerun_sends_nothing()
    {
        await SeedBookingsAsync(10_000, Day);
        await SeedBookingsAsync(3, Day.AddDays(1)); // outside the audience
        var broadcasts = _db.Services.GetRequiredService<BroadcastService>();
        var b = await broadcasts.CreateAsync(new BroadcastDraft(TestData.OfficeId, Day, null, null, null, null,
            "Chiều nay Công an xã mất điện, lịch chiều chuyển sang sáng mai.", null, null, Critical: true), "admin-1", default, byAdmin: true);
        Assert.Equal(10_000, b.Recipients);
        await broadcasts.StartAsync(b.Id, "officer-1", default);
        while (await broadcasts.FanOutPageAsync(b.Id, "test-worker", default) > 0) { }
        Assert.Equal(10_000, await DrainAsync());

        Assert.Equal(10_000, _sms.Sent.Count);
        Assert.Equal(10_000, _sms.Sent.Select(s => s.Recipient.Phone).Distinct().Count());
        var progress = await broadcasts.ProgressAsync(b.Id, default);
        Assert.Equal((BroadcastStatus.Completed, 10_000, 10_000), (progress!.Status, progress.Recipients, progress.Queued));
        Assert.Equal(10_000, progress.ByChannel["sms"]["sent"]);

        // Running it again, even from the start, sends nothing new.
        await _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().Set<Broadcast>().Where(x => x.Id == b.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.Status, BroadcastStatus.Running).SetProperty(x => x.CursorBookingId, (Guid?)null)));
        while (await broadcasts.FanOutPageAsync(b.Id, "test-worker", default) > 0) { }
        await DrainAsync();
        Assert.Equal(10_000, _sms.Sent.Count);
    }

    [Fact]
    public async Task A_template_broadcast_renders_each_recipients_booking_on_the_channels_the_officer_chose()
    {
        await SeedBookingsAsync(3, Day);
        var broadcasts = _db.Services.GetRequiredService<BroadcastService>();
        var b = await broadcasts.CreateAsync(new BroadcastDraft(TestData.OfficeId, Day, null, null, null, null, null,
            "notify/booking.reminder-day-before", null, Critical: false, Channels: ["email", "sms"]), "officer-1", default);
        await broadcasts.StartAsync(b.Id, "officer-1", default);
        while (await broadcasts.FanOutPageAsync(b.Id, "test-worker", default) > 0) { }
        Assert.Equal(3, await DrainAsync());

        // Nobody has an email on record, so the officer's second choice, SMS, carries each citizen's own booking code.
        Assert.Equal(3, _sms.Sent.Count);
        foreach (var i in Enumerable.Range(0, 3)) Assert.Contains(_sms.Sent, m => m.Text.Contains($"B{Day:MMdd}{i:000000}"));
        Assert.All(_sms.Sent, m => Assert.Equal(["email", "sms"], m.Recipient.ChannelOrder));
        var audit = await _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().AuditLog.AsNoTracking()
            .Where(a => a.Subject == b.Id.ToString()).Select(a => a.Action + " by " + a.Actor).ToListAsync());
        Assert.Equal(["broadcast.create by officer-1", "broadcast.running by officer-1"], audit);
    }

    [Fact]
    public async Task A_cancelled_broadcast_stops_fanning_out_and_skips_what_was_queued()
    {
        await SeedBookingsAsync(1200, Day);
        var broadcasts = _db.Services.GetRequiredService<BroadcastService>();
        var b = await broadcasts.CreateAsync(new BroadcastDraft(TestData.OfficeId, Day, null, null, null, null, "Thông báo", null, null, false), "officer-1", default);
        await broadcasts.StartAsync(b.Id, "officer-1", default);
        Assert.Equal(BroadcastService.PageSize, await broadcasts.FanOutPageAsync(b.Id, "test-worker", default));
        await broadcasts.CancelAsync(b.Id, "officer-1", default);
        Assert.Equal(0, await broadcasts.FanOutPageAsync(b.Id, "test-worker", default));
        await DrainAsync();
        Assert.Empty(_sms.Sent);
        var progress = await broadcasts.ProgressAsync(b.Id, default);
        Assert.Equal((BroadcastStatus.Cancelled, BroadcastService.PageSize), (progress!.Status, progress.Queued));
    }
}

public sealed class ContactTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private readonly Dictionary<string, RecordingSender> _senders = ChannelNames.All.ToDictionary(c => c, c => new RecordingSender(c));

    public async Task InitializeAsync()
    {
        // The confirmation has an approved ZNS template, so ZNS follows Zalo in the order.
        _db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, now: TestData.At(2026, 11, 24, 9, 0),
            settings: new Dictionary<string, string?> { ["Zns:Templates:booking.confirmed"] = "312345" }, configure: (services, configuration) =>
        {
            services.AddMessagingNotifier(configuration, runWorkers: false);
            services.RemoveAll<IChannelSender>();
            foreach (var s in _senders.Values) services.AddSingleton<IChannelSender>(s);
        });
        await _db.InScopeAsync(sp => TestData.SeedAsync(sp.GetRequiredService<MessagingDbContext>()));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private int _slot;

    private async Task<string?> ConfirmationChannelAsync(string phone) => (await ConfirmationAsync(phone))?.Channel;

    /// <summary>A booking by someone who proved the phone (or, with <paramref name="proved"/> false, merely typed it).</summary>
    private async Task<OutgoingMessage?> ConfirmationAsync(string phone, bool proved = true, string channel = "api", string? user = null)
    {
        var start = TestData.At(2026, 11, 25, 8, 0).AddMinutes(15 * _slot++);
        await _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().BookAsync(
            new BookingRequest("cccd-renewal", TestData.OfficeId, start, "Nguyễn Văn An", phone, Channel: channel, ChannelUserId: user,
                PhoneVerified: proved), default));
        await _db.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(10, default);
        var queue = _db.Services.GetRequiredService<INotificationQueue>();
        foreach (var m in await queue.ReceiveAsync(10, TimeSpan.FromMinutes(1), default))
            await _db.Services.GetRequiredService<NotificationProcessor>().ProcessAsync(m, default);
        var sent = _senders.Values.SelectMany(s => s.Sent).SingleOrDefault();
        foreach (var s in _senders.Values) s.Sent.Clear();
        return sent;
    }

    [Fact]
    public async Task An_opt_out_keyword_stops_that_channel_and_an_opt_in_restores_it()
    {
        Assert.Equal("zalo", await ConfirmationChannelAsync("0912345678")); // zalo first: the test sender reaches any phone
        Assert.True(await _db.InScopeAsync(sp => sp.GetRequiredService<ContactService>().ApplyKeywordAsync("zalo", "0912345678", "TU CHOI", default)));
        Assert.False(await _db.InScopeAsync(sp => sp.GetRequiredService<ContactService>().ApplyKeywordAsync("zalo", "0912345678", "xin chào", default)));
        Assert.Equal("zns", await ConfirmationChannelAsync("0912345678"));

        await _db.InScopeAsync(sp => sp.GetRequiredService<ContactService>().ApplyKeywordAsync("zalo", "0912345678", "Đồng ý nhận tin", default));
        Assert.Equal("zalo", await ConfirmationChannelAsync("0912345678"));
        var contact = await _db.InScopeAsync(sp => sp.GetRequiredService<ContactService>().FindAsync("0912 345 678", default));
        Assert.Equal(("Nguyễn Văn An", 0), (contact!.Name, contact.OptedOut.Count));
    }

    [Fact]
    public async Task A_contacts_channel_order_is_used()
    {
        await _db.InScopeAsync(async sp =>
        {
            var contacts = sp.GetRequiredService<ContactService>();
            var c = await contacts.UpsertAsync("0987654321", "Lê Văn Cường", "cuong@example.vn", null, null, "vi", default);
            c!.ChannelOrder = ["email", "sms"];
            await sp.GetRequiredService<MessagingDbContext>().SaveChangesAsync();
            return true;
        });
        var mail = await ConfirmationAsync("0987654321");
        Assert.Equal("email", mail!.Channel);
        Assert.Equal("cuong@example.vn", mail.Recipient.Email);
        Assert.StartsWith("Xác nhận lịch hẹn", mail.Subject);
    }

    [Fact]
    public async Task Whoever_merely_typed_a_phone_gets_none_of_its_owners_channels_and_sets_none()
    {
        // The owner proved the number on Zalo and asked for email first.
        await _db.InScopeAsync(async sp =>
        {
            var c = await sp.GetRequiredService<ContactService>().UpsertAsync("0987654321", "Lê Văn Cường", "cuong@example.vn", "owner-zalo", null, "vi", default);
            c!.ChannelOrder = ["email", "zalo", "sms"];
            c.OptedOut = ["zns"];
            await sp.GetRequiredService<MessagingDbContext>().SaveChangesAsync();
            return true;
        });
        // Someone else books on their own Zalo with the owner's number, without proving it: the confirmation goes to that
        // Zalo account (skipped here: the booker saw it in the chat) and the phone, never to the owner's email or Zalo.
        var message = await ConfirmationAsync("0987654321", proved: false, channel: "zalo", user: "stranger-zalo");
        Assert.Equal(("sms", "stranger-zalo", null), (message!.Channel, message.Recipient.ZaloUserId, message.Recipient.Email));
        Assert.Contains("zns", message.Recipient.OptedOut!); // the owner's opt-out still protects the owner
        var contact = await _db.InScopeAsync(sp => sp.GetRequiredService<ContactService>().FindAsync("0987654321", default));
        Assert.Equal(("owner-zalo", "Lê Văn Cường"), (contact!.ZaloUserId, contact.Name));

        // The owner's own proved booking still follows their wishes.
        Assert.Equal("email", await ConfirmationChannelAsync("0987654321"));
    }
}

public sealed class RateLimitTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private readonly RecordingSender _sms = new(ChannelNames.Sms);

    public async Task InitializeAsync() =>
        _db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, now: TestData.At(2026, 11, 24, 9, 0),
            settings: new Dictionary<string, string?> { ["Notifier:RatePerSecond:sms"] = "20" },
            configure: (services, configuration) =>
            {
                services.AddMessagingNotifier(configuration, runWorkers: false);
                services.RemoveAll<IChannelSender>();
                services.AddSingleton<IChannelSender>(_sms);
            });

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_channel_never_sends_faster_than_its_bucket_allows()
    {
        var queue = _db.Services.GetRequiredService<INotificationQueue>();
        var processor = _db.Services.GetRequiredService<NotificationProcessor>();
        await queue.SendBatchAsync(Enumerable.Range(0, 60).Select(i => JsonSerializer.Serialize(new NotificationRequest($"rate:{i}", "notify/broadcast",
            new Recipient("An", "0912345678", ChannelOrder: ["sms"]),
            JsonSerializer.SerializeToElement(new { citizen = new { name = "An" }, office = new { name = "CA", phone = "0" }, message = "x", bookings = Array.Empty<object>() }),
            NotificationPriority.Critical), NotificationProcessor.Json)).ToList(), default);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var messages = new List<QueueMessage>();
        while (messages.Count < 60) messages.AddRange(await queue.ReceiveAsync(32, TimeSpan.FromMinutes(5), default));
        await Task.WhenAll(messages.Select(m => processor.ProcessAsync(m, default)));
        // 20 at once (the bucket is full), then 20 per second: the last 40 need about two seconds.
        Assert.Equal(60, _sms.Sent.Count);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.5), $"60 sms in {clock.Elapsed.TotalSeconds:F2} s");
    }
}

/// <summary>
/// A send held by its channel's rate limit reads the facts again before it goes: a chaos run caught a booking notice
/// that waited seconds behind a backlog, its booking moved meanwhile, and went out anyway.
/// </summary>
public sealed class RateLimitedFreshnessTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private readonly RecordingSender _sms = new(ChannelNames.Sms);

    public async Task InitializeAsync()
    {
        // A fifth of a message a second: a bucket of one, refilled every five seconds.
        _db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, now: TestData.At(2026, 11, 24, 9, 0),
            settings: new Dictionary<string, string?> { ["Notifier:RatePerSecond:sms"] = "0.2" },
            configure: (services, configuration) =>
            {
                services.AddMessagingNotifier(configuration, runWorkers: false);
                services.RemoveAll<IChannelSender>();
                services.AddSingleton<IChannelSender>(_sms);
            });
        await _db.InScopeAsync(sp => TestData.SeedAsync(sp.GetRequiredService<MessagingDbContext>()));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private Task<Booking> BookAsync(int hour) => _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().BookAsync(
        new BookingRequest("cccd-renewal", TestData.OfficeId, TestData.At(2026, 11, 26, hour, 0), "Nguyễn Văn An", "0912345678"), default));

    private static string About(Booking booking) => JsonSerializer.Serialize(new NotificationRequest($"about:{booking.Id}", "notify/broadcast",
        new Recipient("Nguyễn Văn An", "0912345678", ChannelOrder: ["sms"]),
        JsonSerializer.SerializeToElement(new
        {
            citizen = new { name = "Nguyễn Văn An" }, office = new { name = "Công an xã Tịnh Hà", phone = "0255 3000 101" },
            message = "Lịch hẹn của anh/chị.", bookings = Array.Empty<object>(),
        }), NotificationPriority.Critical, Subject: new NotificationSubject(NotificationSubject.Booking, booking.Id.ToString(), booking.Version)),
        NotificationProcessor.Json);

    [Fact]
    public async Task A_booking_cancelled_while_its_notice_waits_for_the_rate_limit_gets_no_notice()
    {
        var queue = _db.Services.GetRequiredService<INotificationQueue>();
        var processor = _db.Services.GetRequiredService<NotificationProcessor>();
        async Task<(Booking Booking, Task<Outcome> Processing)> StartAsync(int hour)
        {
            var booking = await BookAsync(hour);
            await queue.SendBatchAsync([About(booking)], default);
            var messages = new List<QueueMessage>();
            while (messages.Count < 1) messages.AddRange(await queue.ReceiveAsync(1, TimeSpan.FromMinutes(5), default));
            return (booking, processor.ProcessAsync(messages[0], default));
        }

        Assert.Equal(Outcome.Sent, await (await StartAsync(8)).Processing); // takes the bucket's one token
        // The bucket refills on a fixed 5 s tick, so a notice may find a token at once; the next one then waits.
        for (var hour = 9; hour < 12; hour++)
        {
            var (booking, processing) = await StartAsync(hour);
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            if (processing.IsCompleted)
            {
                Assert.Equal(Outcome.Sent, await processing);
                continue;
            }
            var sent = _sms.Sent.Count;
            await _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().CancelAsync(booking.Code, null, "ốm", "citizen", default));
            Assert.Equal(Outcome.Obsolete, await processing);
            Assert.Equal(sent, _sms.Sent.Count);
            return;
        }
        Assert.Fail("no notice ever waited for a token");
    }
}

public sealed class SessionNotificationTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private readonly RecordingSender _sms = new(ChannelNames.Sms);
    private int _cards;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, now: TestData.At(2026, 11, 24, 9, 0), configure: (services, configuration) =>
        {
            services.AddMessagingNotifier(configuration, runWorkers: false);
            services.RemoveAll<IChannelSender>();
            services.AddSingleton<IChannelSender>(_sms);
        });
        var office = await _db.InScopeAsync(sp => TestData.SeedAsync(sp.GetRequiredService<MessagingDbContext>()));
        _cards = office.Services[0].Id;
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<List<string>> DispatchAndSendAsync()
    {
        await _db.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(100, default);
        var queue = _db.Services.GetRequiredService<INotificationQueue>();
        foreach (var m in await queue.ReceiveAsync(32, TimeSpan.FromMinutes(1), default))
            await _db.Services.GetRequiredService<NotificationProcessor>().ProcessAsync(m, default);
        var texts = _sms.Sent.Select(s => s.Text).ToList();
        _sms.Sent.Clear();
        return texts;
    }

    [Fact]
    public async Task Changing_then_cancelling_a_mobile_session_tells_each_of_its_citizens()
    {
        var start = TestData.At(2026, 11, 27, 7, 30); // the office's closed Friday: only the session is open
        var session = await _db.InScopeAsync(sp => sp.GetRequiredService<SessionService>().CreateAsync(new SessionDraft(TestData.OfficeId, _cards,
            SessionKind.Mobile, "Cấp căn cước lưu động", "Nhà văn hóa thôn 1", start, start.AddHours(1), 3), default));
        for (var i = 0; i < 3; i++)
        {
            await _db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().BookAsync(new BookingRequest("cccd-first-issue", TestData.OfficeId,
                start.AddMinutes(15 * i), "Công dân " + i, $"091234567{i}", SessionId: session.Id), default));
        }
        Assert.Equal(3, (await DispatchAndSendAsync()).Count); // the three confirmations

        await _db.InScopeAsync(sp => sp.GetRequiredService<SessionService>().ChangeAsync(session.Id, start.AddHours(6), start.AddHours(7), "Hội trường xã", 3, default));
        var changed = await DispatchAndSendAsync();
        Assert.Equal(3, changed.Count);
        Assert.All(changed, t => Assert.Contains("Cap can cuoc luu dong doi sang", t));
        Assert.Contains(changed, t => t.Contains("13:30 ngay 27/11/2026") && t.Contains("Hoi truong xa"));

        await _db.InScopeAsync(sp => sp.GetRequiredService<SessionService>().CancelAsync(session.Id, "Mưa bão", "officer-1", default));
        var cancelled = await DispatchAndSendAsync();
        Assert.Equal(3, cancelled.Count);
        Assert.All(cancelled, t => Assert.StartsWith("Cong an xa Tinh Ha: Huy buoi Cap can cuoc luu dong", t));
    }
}
