using Messaging.Bot.Engine;
using Messaging.Core.Appointments;
using Messaging.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Bot.Tests;

public sealed class EngineTests : IAsyncLifetime
{
    private BotHost _host = null!;

    public async Task InitializeAsync() => _host = await BotHost.StartAsync();
    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<T> Db<T>(Func<MessagingDbContext, Task<T>> f)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await f(scope.ServiceProvider.GetRequiredService<MessagingDbContext>());
    }

    [Fact]
    public async Task Two_nodes_racing_on_one_conversation_lose_nothing()
    {
        // Two engines with their own locks on one database: the optimistic version check is all that orders them.
        await using var otherNode = _host.Build();
        await Messaging.Core.MessagingCore.InitializeMessagingAsync(otherNode, default);
        var second = otherNode.GetRequiredService<ConversationEngine>();
        await _host.SayAsync("race", "xin chào");

        for (var round = 0; round < 10; round++)
        {
            var a = _host.SayAsync("race", "phí làm hộ chiếu bao nhiêu");
            var b = _host.SayAsync("race", "làm căn cước cần giấy tờ gì", engine: second);
            var replies = await Task.WhenAll(a, b);
            Assert.All(replies, r => Assert.NotEmpty(r));
        }

        var (last, sequences, ins) = await Db(async db =>
        {
            var conversation = await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == "race");
            var seq = await db.ConversationActivities.Where(x => x.ConversationId == "race").OrderBy(x => x.Sequence).Select(x => x.Sequence).ToListAsync();
            var inbound = await db.ConversationActivities.CountAsync(x => x.ConversationId == "race" && x.Direction == "in");
            return (conversation.LastSequence, seq, inbound);
        });
        Assert.Equal(21, ins);                                   // every message of both nodes is in the transcript once
        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences); // no gap, no duplicate
        Assert.Equal(sequences.Count, last);

        // The turn ids kept on the row for the replay check: a turn run again after losing the race keeps the winner's.
        var (kept, inboundIds) = await Db(async db => (
            (await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == "race")).RecentTurns!.Split('\n'),
            (await db.ConversationActivities.AsNoTracking().Where(x => x.ConversationId == "race" && x.Direction == "in").Select(x => x.Json).ToListAsync())
                .Select(j => System.Text.Json.JsonDocument.Parse(j).RootElement.GetProperty("id").GetString()).ToList()));
        Assert.Equal(inboundIds.Order(), kept.Order());

        // A client posting the same turn again, to the other node: answered from the transcript there, not run twice.
        var repeat = new Messaging.Bot.Activities.Activity
        {
            Id = "cross-node", Text = "giờ làm việc của công an xã Tịnh Hà", Locale = "vi-VN", ChannelId = "test",
            From = new("citizen-race"), Conversation = new("race"),
        };
        var first = await _host.Engine.RunTurnAsync(repeat, default);
        var again = await second.RunTurnAsync(repeat, default);
        Assert.Equal(first.Select(r => r.Id), again.Select(r => r.Id));
        Assert.Equal(22, await Db(db => db.ConversationActivities.CountAsync(x => x.ConversationId == "race" && x.Direction == "in")));
    }

    [Fact]
    public async Task A_turn_run_again_after_a_conflict_does_not_book_twice()
    {
        await _host.SayAsync("twice", "đặt lịch đổi căn cước ở xã Tịnh Hà ngày mai lúc 9h, tên Bùi Văn Khánh, sđt 0944777666");
        var confirm = new Messaging.Bot.Activities.Activity
        {
            Id = "same-activity", Text = "có", Locale = "vi-VN", ChannelId = "test",
            From = new("citizen-twice"), Conversation = new("twice"),
        };
        await using var scope = _host.Services.CreateAsyncScope();
        var bookings = scope.ServiceProvider.GetRequiredService<BookingService>();
        // The same booking request, as a re-run of the confirming turn would send it.
        var request = new BookingRequest("cccd-renewal", "ca-xa-tinh-ha", new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.FromHours(7)),
            "Bùi Văn Khánh", "0944777666", Channel: "test", ChannelUserId: "citizen-twice", IdempotencyKey: "twice:same-activity");
        var first = await bookings.BookAsync(request, default);
        var again = await bookings.BookAsync(request, default);
        Assert.Equal(first.Code, again.Code);
        var replies = await _host.Engine.RunTurnAsync(confirm, default);
        Assert.Contains(first.Code, replies[0].Text);
        Assert.Equal(1, await Db(db => db.Bookings.CountAsync(b => b.Phone == "0944777666")));
    }

    [Fact]
    public async Task Another_identity_with_the_same_idempotency_key_gets_nothing_of_the_earlier_booking()
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var bookings = scope.ServiceProvider.GetRequiredService<BookingService>();
        var start = new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.FromHours(7));
        var victim = await bookings.BookAsync(new BookingRequest("cccd-renewal", "ca-xa-tinh-ha", start, "Bùi Văn Khánh", "0944777666",
            Channel: "zalo", ChannelUserId: "1234", IdempotencyKey: "zalo:1234:assistant:42"), default);
        // An anonymous conversation named "zalo" whose activity id is "1234:assistant:42" builds the same key.
        var e = await Assert.ThrowsAsync<BookingException>(() => bookings.BookAsync(new BookingRequest("cccd-renewal", "ca-xa-tinh-ha", start,
            "Kẻ Lạ", "0912000111", Channel: "anon", ChannelUserId: "zalo", IdempotencyKey: "zalo:1234:assistant:42"), default));
        Assert.DoesNotContain(victim.Code, e.Message);
    }

    [Fact]
    public async Task Transcripts_mask_phone_and_id_numbers_citizens_type()
    {
        await _host.SayAsync("mask", "số tôi là 0912 345 678, căn cước 051090001234");
        var texts = await Db(db => db.ConversationActivities.Where(a => a.ConversationId == "mask" && a.Direction == "in").Select(a => a.Text).ToListAsync());
        var text = Assert.Single(texts);
        Assert.Equal("số tôi là 0912***678, căn cước 051******234", text);
    }

    [Fact]
    public async Task State_survives_a_restart_and_expires_when_idle()
    {
        var first = await _host.SayAsync("state", "đặt lịch làm căn cước");
        Assert.Contains("tại cơ quan nào", first[0].Text);
        await _host.RestartAsync();
        var second = await _host.SayAsync("state", "xã Tịnh Hà");
        Assert.Contains("ngày nào", second[0].Text);

        _host.Time.Advance(TimeSpan.FromMinutes(31));
        var third = await _host.SayAsync("state", "thứ 6");
        Assert.Contains("Đã lâu", third[0].Text);
    }
}
