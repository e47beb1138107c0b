using Messaging.Core.Conversations;
using Messaging.Core.Persistence;
using Messaging.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Core.Tests.Conversations;

public abstract class ConversationStoreTests(Func<Task<TestDatabase>> create) : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private ConversationStore Store => _db.Services.GetRequiredService<ConversationStore>();
    private DateTimeOffset Now => _db.Time.GetUtcNow();

    public async Task InitializeAsync() => _db = await create();
    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static ConversationWrite Write(ConversationSnapshot read, string state, DateTimeOffset at, params string[] texts) =>
        new(read, state, "vi", at, texts.Select((t, i) => new TranscriptEntry(i % 2 == 0 ? "in" : "out", $$"""{"text":"{{t}}"}""", t)).ToList());

    private Task<List<ConversationActivity>> Transcript(string id) =>
        _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().ConversationActivities.AsNoTracking()
            .Where(a => a.ConversationId == id).OrderBy(a => a.Sequence).ToListAsync());

    [Fact]
    public async Task The_last_turn_ids_are_kept_with_the_state_and_only_an_id_among_them_or_one_that_cannot_be_kept_may_be_a_repeat()
    {
        var read = ConversationSnapshot.New("c-ids", "webchat", "u", Now);
        for (var i = 1; i <= ConversationSnapshot.KeptTurns + 6; i++)
        {
            Assert.True(await Store.SaveAsync(Write(read, "{}", Now, "câu " + i) with { RecentTurns = read.WithTurn("t-" + i) }, default));
            read = (await Store.LoadAsync("c-ids", default))!;
        }
        var kept = read.RecentTurns!.Split('\n');
        Assert.Equal(ConversationSnapshot.KeptTurns, kept.Length);
        Assert.Equal(("t-7", "t-30"), (kept[0], kept[^1]));
        Assert.True(read.MayHaveAnswered("t-30"));
        Assert.True(read.MayHaveAnswered("t-7"));
        Assert.False(read.MayHaveAnswered("t-6"));
        Assert.False(read.MayHaveAnswered("t-3"));
        // Ids that are never kept are always looked up in the transcript, and leave the kept ones as they were.
        var odd = new[] { new string('x', ConversationSnapshot.MaxKeptId + 1), "t-7\nt-8" };
        Assert.All(odd, id => Assert.True(read.MayHaveAnswered(id)));
        Assert.All(odd, id => Assert.Equal(read.RecentTurns, read.WithTurn(id)));
        // A row from before the ids were kept knows nothing, so every id may be a repeat.
        Assert.True((read with { RecentTurns = null }).MayHaveAnswered("t-1"));
    }

    [Fact]
    public async Task A_new_conversation_is_saved_then_read_back_with_its_transcript_in_order()
    {
        Assert.Null(await Store.LoadAsync("c1", default));
        var fresh = ConversationSnapshot.New("c1", "webchat", "u1", Now);
        Assert.True(await Store.SaveAsync(Write(fresh, """{"a":1}""", Now, "xin chào", "Chào bạn"), default));

        var read = await Store.LoadAsync("c1", default);
        Assert.NotNull(read);
        Assert.Equal((1, """{"a":1}""", "webchat", "u1"), (read.Version, read.StateJson, read.ChannelId, read.UserId));
        Assert.Equal(Now, read.UpdatedAt);

        var later = Now.AddMinutes(1);
        Assert.True(await Store.SaveAsync(Write(read, """{"a":2}""", later, "hỏi", "đáp"), default));
        var again = await Store.LoadAsync("c1", default);
        Assert.Equal((2, """{"a":2}""", later), (again!.Version, again.StateJson, again.UpdatedAt));
        var rows = await Transcript("c1");
        Assert.Equal([1L, 2, 3, 4], rows.Select(r => r.Sequence));
        Assert.Equal(["xin chào", "Chào bạn", "hỏi", "đáp"], rows.Select(r => r.Text));
    }

    [Fact]
    public async Task A_save_on_a_stale_version_writes_nothing_and_reports_the_conflict()
    {
        var fresh = ConversationSnapshot.New("c2", "webchat", "u2", Now);
        Assert.True(await Store.SaveAsync(Write(fresh, "{}", Now, "một"), default));
        var read = (await Store.LoadAsync("c2", default))!;
        Assert.True(await Store.SaveAsync(Write(read, """{"winner":true}""", Now, "hai"), default));

        // The same read again: another node's turn that lost the race.
        Assert.False(await Store.SaveAsync(Write(read, """{"loser":true}""", Now, "ba"), default));
        // Two first turns of one new conversation: only one creates it.
        Assert.False(await Store.SaveAsync(Write(fresh, """{"loser":true}""", Now, "bốn"), default));

        var final = (await Store.LoadAsync("c2", default))!;
        Assert.Equal((2, """{"winner":true}"""), (final.Version, final.StateJson));
        Assert.Equal(["một", "hai"], (await Transcript("c2")).Select(r => r.Text));
    }

    [Fact]
    public async Task Concurrent_saves_of_many_conversations_all_land_once()
    {
        var ids = Enumerable.Range(0, 300).Select(i => $"many-{i}").ToList();
        var results = await Task.WhenAll(ids.Select(id =>
            Store.SaveAsync(Write(ConversationSnapshot.New(id, "webchat", id, Now), "{}", Now, "vào", "ra"), default)));
        Assert.All(results, Assert.True);
        var count = await _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().ConversationActivities
            .CountAsync(a => a.ConversationId.StartsWith("many-")));
        Assert.Equal(600, count);
    }

    [Fact]
    public async Task A_write_that_fails_fails_alone_and_the_others_in_its_batch_are_saved()
    {
        // A transcript row without JSON breaks a NOT NULL constraint: its whole turn is refused, nothing half-written.
        var bad = new ConversationWrite(ConversationSnapshot.New("bad", "webchat", "u", Now), "{}", "vi", Now,
            [new TranscriptEntry("in", null!, "x")]);
        var good = Enumerable.Range(0, 50).Select(i =>
            Store.SaveAsync(Write(ConversationSnapshot.New($"good-{i}", "webchat", "u", Now), "{}", Now, "ok"), default)).ToList();
        var failing = Store.SaveAsync(bad, default);
        Assert.All(await Task.WhenAll(good), Assert.True);
        await Assert.ThrowsAnyAsync<Exception>(() => failing);
        Assert.Null(await Store.LoadAsync("bad", default));
        Assert.Empty(await Transcript("bad"));
        Assert.NotNull(await Store.LoadAsync("good-49", default));
    }
}

public sealed class SqliteConversationStoreTests()
    : ConversationStoreTests(() => TestDatabase.CreateAsync(DatabaseProvider.Sqlite));

[Collection(PostgresCollection.Name)]
public sealed class PostgresConversationStoreTests(PostgresFixture pg)
    : ConversationStoreTests(() => TestDatabase.CreateAsync(DatabaseProvider.Postgres, pg.Server));
