using System.Text.Json;
using Messaging.Core.Conversations;
using Messaging.Core.Identity;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Core.Privacy;
using Messaging.Core.Appointments;
using Messaging.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Core.Tests.Identity;

/// <summary>A sink that keeps what it is given: the queue is not what these tests are about.</summary>
public sealed class KeptNotifications : INotificationSink
{
    public List<NotificationRequest> Requests { get; } = [];
    public Task EnqueueAsync(NotificationRequest request, CancellationToken ct)
    {
        lock (Requests) Requests.Add(request);
        return Task.CompletedTask;
    }
    public string LastCode => Requests[^1].Data.GetProperty("code").GetString()!;
}

/// <summary>
/// The caps, one-time codes and retention where they live: in the database, so they hold across nodes. Each runs on
/// SQLite and on PostgreSQL (subclasses below), with requests racing where a race is the attack.
/// </summary>
public abstract class TrustStorageTests(Func<KeptNotifications, Task<TestDatabase>> create) : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private readonly KeptNotifications _sent = new();

    public async Task InitializeAsync() => _db = await create(_sent);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private Task<T> With<T>(Func<IServiceProvider, Task<T>> f) => _db.InScopeAsync(f);

    [Fact]
    public async Task Thirty_parallel_claims_against_a_cap_of_ten_pass_exactly_ten_times()
    {
        var limit = new AbuseLimit("test", 10, TimeSpan.FromHours(1));
        var claims = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => Task.Run(() =>
            With(sp => sp.GetRequiredService<AbuseGuard>().TryClaimAsync(limit, "000.00.12.H55-240930-0101", default)))));
        Assert.Equal(10, claims.Count(c => c is not null));
        // Refused claims left nothing behind; a released one frees its place.
        Assert.Equal(10, await With(sp => sp.GetRequiredService<AbuseGuard>().CountAsync(limit, "000.00.12.H55-240930-0101", default)));
        await With(async sp => { await sp.GetRequiredService<AbuseGuard>().ReleaseAsync(claims.First(c => c is not null)!, default); return 0; });
        Assert.NotNull(await With(sp => sp.GetRequiredService<AbuseGuard>().TryClaimAsync(limit, "000.00.12.H55-240930-0101", default)));
        // The window slides: an hour later the subject may try again; another subject never shared the count.
        Assert.NotNull(await With(sp => sp.GetRequiredService<AbuseGuard>().TryClaimAsync(limit, "other", default)));
        _db.Time.Advance(TimeSpan.FromMinutes(61));
        Assert.NotNull(await With(sp => sp.GetRequiredService<AbuseGuard>().TryClaimAsync(limit, "000.00.12.H55-240930-0101", default)));
    }

    [Fact]
    public async Task A_code_is_checked_at_most_five_times_even_when_guesses_race()
    {
        var sent = await With(sp => sp.GetRequiredService<PhoneVerification>().SendCodeAsync("0912345678", "webchat", "wc-1", "client", "vi", default));
        var id = Assert.IsType<CodeSendResult.Sent>(sent).Id;
        var code = _sent.LastCode;
        var guesses = Enumerable.Range(0, 20).Select(i => (100000 + i * 7919).ToString()).Where(g => g != code).ToList();
        var results = await Task.WhenAll(guesses.Select(g => Task.Run(() =>
            With(sp => sp.GetRequiredService<PhoneVerification>().VerifyAsync(id, "0912345678", "webchat", "wc-1", g, default)))));
        Assert.Equal(4, results.Count(r => r.Outcome == CodeCheck.Wrong));
        Assert.Equal(guesses.Count - 4, results.Count(r => r.Outcome == CodeCheck.TooManyAttempts));
        Assert.Equal(CodeCheck.TooManyAttempts, (await With(sp => sp.GetRequiredService<PhoneVerification>().VerifyAsync(id, "0912345678", "webchat", "wc-1", code, default))).Outcome);
        Assert.False(await With(sp => sp.GetRequiredService<PhoneVerification>().IsLinkedAsync("0912345678", "webchat", "wc-1", default)));
    }

    [Fact]
    public async Task A_right_code_links_the_identity_once_and_an_expired_one_does_not()
    {
        var first = Assert.IsType<CodeSendResult.Sent>(await With(sp => sp.GetRequiredService<PhoneVerification>().SendCodeAsync("0912345678", "zalo", "u1", "client", "vi", default)));
        var firstCode = _sent.LastCode;
        Assert.True(_sent.Requests[^1].Sensitive);
        _db.Time.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(CodeCheck.Expired, (await With(sp => sp.GetRequiredService<PhoneVerification>().VerifyAsync(first.Id, "0912345678", "zalo", "u1", firstCode, default))).Outcome);
        var second = Assert.IsType<CodeSendResult.Sent>(await With(sp => sp.GetRequiredService<PhoneVerification>().SendCodeAsync("0912345678", "zalo", "u1", "client", "vi", default)));
        var code = _sent.LastCode;
        // Another identity cannot use the code sent for this one.
        Assert.Equal(CodeCheck.Unknown, (await With(sp => sp.GetRequiredService<PhoneVerification>().VerifyAsync(second.Id, "0912345678", "zalo", "u2", code, default))).Outcome);
        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() =>
            With(sp => sp.GetRequiredService<PhoneVerification>().VerifyAsync(second.Id, "0912345678", "zalo", "u1", code, default)))));
        Assert.Single(results, r => r.Outcome == CodeCheck.Verified);
        Assert.True(await With(sp => sp.GetRequiredService<PhoneVerification>().IsLinkedAsync("0912345678", "zalo", "u1", default)));
        Assert.Equal(1, await With(sp => sp.GetRequiredService<MessagingDbContext>().Set<PhoneLink>().CountAsync()));
    }

    [Fact]
    public async Task Codes_are_capped_per_phone_and_per_client_per_day()
    {
        async Task<CodeSendResult> Send(string phone, string client) =>
            await With(sp => sp.GetRequiredService<PhoneVerification>().SendCodeAsync(phone, "api", null, client, "vi", default));
        for (var i = 0; i < 5; i++) Assert.IsType<CodeSendResult.Sent>(await Send("0912345678", "client-" + i));
        Assert.IsType<CodeSendResult.Limited>(await Send("0912345678", "client-new"));
        for (var i = 0; i < 10; i++) Assert.IsType<CodeSendResult.Sent>(await Send($"09050000{i:00}", "one-client"));
        Assert.IsType<CodeSendResult.Limited>(await Send("0905000099", "one-client"));
        Assert.Equal(15, _sent.Requests.Count);
        _db.Time.Advance(TimeSpan.FromHours(25));
        Assert.IsType<CodeSendResult.Sent>(await Send("0912345678", "client-new"));
    }

    [Fact]
    public async Task Retention_removes_what_is_past_its_period_and_nothing_else()
    {
        var now = _db.Time.GetUtcNow();
        await With(async sp =>
        {
            var db = sp.GetRequiredService<MessagingDbContext>();
            ConversationRecord Conversation(string id, DateTimeOffset at) => new() { Id = id, ChannelId = "webchat", UserId = id, StateJson = "{\"memory\":{\"phone\":\"0912345678\"}}", Version = 1, CreatedAt = at, UpdatedAt = at };
            ConversationActivity Line(string conversation, long seq, DateTimeOffset at) => new() { ConversationId = conversation, Sequence = seq, Direction = "in", Text = "sđt 0912***678", Json = "{}", At = at };
            db.Conversations.AddRange(Conversation("old", now.AddDays(-100)), Conversation("recent", now.AddDays(-5)));
            db.ConversationActivities.AddRange(Line("old", 1, now.AddDays(-100)), Line("recent", 1, now.AddDays(-100)), Line("recent", 2, now.AddDays(-5)));
            db.HandoffRequests.AddRange(
                new HandoffRequest { Id = Guid.NewGuid(), ConversationId = "old", Question = "gặp cán bộ", Status = HandoffStatus.Closed, CreatedAt = now.AddDays(-100) },
                new HandoffRequest { Id = Guid.NewGuid(), ConversationId = "old2", Question = "vẫn mở", Status = HandoffStatus.Open, CreatedAt = now.AddDays(-100) });
            db.Set<OneTimeCode>().AddRange(
                new OneTimeCode { Id = Guid.NewGuid(), Phone = "0912345678", Channel = "api", CodeHash = "x", CreatedAt = now.AddDays(-2), ExpiresAt = now.AddDays(-2) },
                new OneTimeCode { Id = Guid.NewGuid(), Phone = "0912345678", Channel = "api", CodeHash = "y", CreatedAt = now.AddMinutes(-3), ExpiresAt = now.AddMinutes(7) });
            db.InboundEvents.AddRange(
                new InboundEvent { Channel = "zalo", EventKey = "old", Body = "{\"phone\":\"0912345678\"}", ReceivedAt = now.AddDays(-40), ProcessedAt = now.AddDays(-40) },
                new InboundEvent { Channel = "zalo", EventKey = "new", Body = "{\"phone\":\"0912345678\"}", ReceivedAt = now.AddDays(-1), ProcessedAt = now.AddDays(-1) });
            db.Deliveries.AddRange(
                new Delivery { Id = Guid.NewGuid(), Key = "d-old", RequestJson = "{\"phone\":\"0912345678\"}", CreatedAt = now.AddDays(-100), UpdatedAt = now.AddDays(-100), Status = DeliveryStatus.Sent },
                new Delivery { Id = Guid.NewGuid(), Key = "d-new", RequestJson = "{\"phone\":\"0912345678\"}", CreatedAt = now.AddDays(-1), UpdatedAt = now.AddDays(-1), Status = DeliveryStatus.Sent });
            db.Set<AbuseEvent>().AddRange(new AbuseEvent { Key = "old", At = now.AddDays(-3) }, new AbuseEvent { Key = "new", At = now.AddHours(-1) });
            await TestData.SeedAsync(db);
            return await db.SaveChangesAsync();
        });
        var booking = await With(sp => sp.GetRequiredService<BookingService>().BookAsync(
            new BookingRequest("cccd-renewal", TestData.OfficeId, TestData.At(2026, 11, 25, 7, 30), "Nguyễn Văn An", "0912345678"), default));

        var report = await With(sp => sp.GetRequiredService<RetentionSweeper>().SweepAsync(default));
        Assert.Equal(new RetentionReport(TranscriptRows: 2, Conversations: 1, HandoffQuestions: 1, OneTimeCodes: 1, InboundBodies: 1, DeliveryDetails: 1, AbuseEvents: 1), report);
        var db = _db.Services.CreateScope().ServiceProvider.GetRequiredService<MessagingDbContext>();
        Assert.Equal(["recent"], await db.Conversations.Select(c => c.Id).ToListAsync());
        Assert.Equal([2L], await db.ConversationActivities.Select(a => a.Sequence).ToListAsync());
        Assert.Equal(["vẫn mở"], await db.HandoffRequests.Where(h => h.Question != null).Select(h => h.Question!).ToListAsync());
        Assert.Equal("{}", (await db.InboundEvents.SingleAsync(e => e.EventKey == "old")).Body);
        Assert.Contains("0912345678", (await db.InboundEvents.SingleAsync(e => e.EventKey == "new")).Body);
        Assert.Equal("{}", (await db.Deliveries.SingleAsync(d => d.Key == "d-old")).RequestJson);
        Assert.Equal(1, await db.Set<OneTimeCode>().CountAsync());
        // The office's records stay.
        Assert.True(await db.Bookings.AnyAsync(b => b.Id == booking.Id && b.Phone == "0912345678"));
        // A second sweep finds nothing more.
        Assert.Equal(0, (await With(sp => sp.GetRequiredService<RetentionSweeper>().SweepAsync(default))).Total);
    }
}

public sealed class SqliteTrustStorageTests() : TrustStorageTests(sink =>
    TestDatabase.CreateAsync(DatabaseProvider.Sqlite, configure: (s, _) => s.AddSingleton<INotificationSink>(sink)));

[Collection(PostgresCollection.Name)]
public sealed class PostgresTrustStorageTests(PostgresFixture pg) : TrustStorageTests(sink =>
    TestDatabase.CreateAsync(DatabaseProvider.Postgres, pg.Server, configure: (s, _) => s.AddSingleton<INotificationSink>(sink)));
