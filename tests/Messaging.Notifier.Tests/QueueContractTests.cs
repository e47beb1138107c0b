using Messaging.Core.Persistence;
using Messaging.Notifier.Queues;
using Messaging.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Notifier.Tests;

/// <summary>
/// What every queue must do, run against the embedded queue (SQLite and PostgreSQL) and Azure Storage Queues
/// (Azurite). Visibility is real time here, so the waits are real and short.
/// </summary>
public abstract class QueueContractTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    protected INotificationQueue Queue { get; private set; } = null!;
    protected abstract Task<TestDatabase> CreateDatabaseAsync();
    protected abstract INotificationQueue CreateQueue(string name, PayloadStore payloads, IServiceScopeFactory scopes);

    public async Task InitializeAsync()
    {
        _db = await CreateDatabaseAsync();
        var scopes = _db.Services.GetRequiredService<IServiceScopeFactory>();
        Queue = CreateQueue("q" + Guid.NewGuid().ToString("N")[..10], new PayloadStore(scopes, TimeProvider.System), scopes);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static readonly TimeSpan Short = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Send_receive_delete()
    {
        await Queue.SendAsync("một", null, default);
        await Queue.SendAsync("hai", null, default);
        var got = await Queue.ReceiveAsync(10, TimeSpan.FromSeconds(30), default);
        Assert.Equal(["hai", "một"], got.Select(m => m.Body).Order());
        Assert.All(got, m => Assert.Equal(1, m.DequeueCount));
        foreach (var m in got) await Queue.DeleteAsync(m, default);
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        Assert.Empty(await Queue.ReceiveAsync(10, Short, default));
    }

    [Fact]
    public async Task A_received_message_is_hidden_then_comes_back_with_a_higher_dequeue_count()
    {
        await Queue.SendAsync("x", null, default);
        var first = Assert.Single(await Queue.ReceiveAsync(5, Short, default));
        Assert.Empty(await Queue.ReceiveAsync(5, Short, default));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var again = Assert.Single(await Queue.ReceiveAsync(5, Short, default));
        Assert.Equal(first.Id, again.Id);
        Assert.Equal(2, again.DequeueCount);
        await Assert.ThrowsAsync<QueueReceiptException>(() => Queue.DeleteAsync(first, default)); // the old receipt is stale
        await Queue.DeleteAsync(again, default);
    }

    [Fact]
    public async Task An_initial_delay_holds_the_message()
    {
        await Queue.SendAsync("later", TimeSpan.FromSeconds(1), default);
        Assert.Empty(await Queue.ReceiveAsync(5, Short, default));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal("later", Assert.Single(await Queue.ReceiveAsync(5, Short, default)).Body);
    }

    [Fact]
    public async Task Renewing_keeps_a_message_hidden_longer()
    {
        await Queue.SendAsync("long job", null, default);
        var m = Assert.Single(await Queue.ReceiveAsync(5, Short, default));
        m = await Queue.RenewAsync(m, TimeSpan.FromSeconds(30), default);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Empty(await Queue.ReceiveAsync(5, Short, default));
        await Queue.DeleteAsync(m, default);
    }

    [Fact]
    public async Task Poison_holds_the_reason_and_can_be_replayed()
    {
        await Queue.SendAsync("{broken", null, default);
        var m = Assert.Single(await Queue.ReceiveAsync(5, TimeSpan.FromSeconds(30), default));
        await Queue.PoisonAsync(m, "not valid JSON", default);
        var poison = Assert.Single(await Queue.PeekPoisonAsync(10, default));
        Assert.Equal(("{broken", "not valid JSON", 1L), (poison.Body, poison.Reason, poison.DequeueCount));
        Assert.Empty(await Queue.ReceiveAsync(5, Short, default));

        Assert.True(await Queue.ReplayPoisonAsync(poison.Id, default));
        Assert.Equal("{broken", Assert.Single(await Queue.ReceiveAsync(5, Short, default)).Body);
        Assert.Empty(await Queue.PeekPoisonAsync(10, default));
    }

    [Fact]
    public async Task A_payload_over_64_KiB_travels_by_reference()
    {
        var big = new string('đ', 100_000);
        await Queue.SendAsync(big, null, default);
        var m = Assert.Single(await Queue.ReceiveAsync(5, Short, default));
        Assert.Equal(big, m.Body);
    }

    [Fact]
    public async Task The_backlog_counts_every_message_and_ages_the_oldest_due_one()
    {
        var empty = await Queue.MeasureAsync(default);
        Assert.Equal((0L, (DateTimeOffset?)null, 0L), (empty.Depth, empty.OldestDueInsertedAt, empty.Poison));

        var before = DateTimeOffset.UtcNow.AddSeconds(-2); // Azurite's clock and ours round differently
        await Queue.SendAsync("first", null, default);
        await Queue.SendAsync("second", null, default);
        await Queue.SendAsync("delayed", TimeSpan.FromMinutes(5), default);
        await Queue.SendAsync("{broken", null, default);
        var taken = await Queue.ReceiveAsync(32, TimeSpan.FromSeconds(30), default);
        await Queue.PoisonAsync(taken.Single(m => m.Body == "{broken"), "not valid JSON", default);
        // Two are in flight now; one more arrives and waits, and a delayed one is not due: only the waiting one ages.
        await Task.Delay(TimeSpan.FromSeconds(2.2)); // Azure's insertion times are whole seconds
        var waitingSince = DateTimeOffset.UtcNow.AddSeconds(-2);
        await Queue.SendAsync("waiting", null, default);

        var backlog = await Queue.MeasureAsync(default);
        Assert.Equal(4, backlog.Depth); // first and second in flight, delayed, waiting
        Assert.Equal(1, backlog.Poison);
        Assert.NotNull(backlog.OldestDueInsertedAt);
        Assert.InRange(backlog.OldestDueInsertedAt!.Value, waitingSince, DateTimeOffset.UtcNow.AddSeconds(2));
        Assert.True(backlog.OldestDueInsertedAt > before.AddSeconds(3), $"the in-flight messages are not the oldest due one: {backlog.OldestDueInsertedAt:O} against {before.AddSeconds(2):O}");
        Assert.Equal(TimeSpan.Zero, backlog.OldestDueAge(backlog.OldestDueInsertedAt.Value.AddSeconds(-1)));
    }

    [Fact]
    public async Task Concurrent_receivers_never_get_the_same_message()
    {
        for (var i = 0; i < 40; i++) await Queue.SendAsync("m" + i, null, default);
        var batches = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Queue.ReceiveAsync(10, TimeSpan.FromSeconds(30), default)));
        var ids = batches.SelectMany(b => b.Select(m => m.Id)).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.InRange(ids.Count, 1, 40);
        Assert.All(batches, b => Assert.InRange(b.Count, 0, 10));
    }
}

public sealed class EmbeddedQueueOnSqliteTests : QueueContractTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.CreateAsync(DatabaseProvider.Sqlite, now: DateTimeOffset.UtcNow);
    protected override INotificationQueue CreateQueue(string name, PayloadStore payloads, IServiceScopeFactory scopes) =>
        new EmbeddedQueue(name, scopes, payloads, TimeProvider.System, 48 * 1024);
}

[Collection(PostgresCollection.Name)]
public sealed class EmbeddedQueueOnPostgresTests(PostgresFixture pg) : QueueContractTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.CreateAsync(DatabaseProvider.Postgres, pg.Server, now: DateTimeOffset.UtcNow);
    protected override INotificationQueue CreateQueue(string name, PayloadStore payloads, IServiceScopeFactory scopes) =>
        new EmbeddedQueue(name, scopes, payloads, TimeProvider.System, 48 * 1024);
}

[CollectionDefinition(AzuriteCollection.Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}

[Collection(AzuriteCollection.Name)]
public sealed class AzureQueueTests(AzuriteFixture azurite) : QueueContractTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.CreateAsync(DatabaseProvider.Sqlite, now: DateTimeOffset.UtcNow);
    protected override INotificationQueue CreateQueue(string name, PayloadStore payloads, IServiceScopeFactory scopes) =>
        new AzureQueue(azurite.ConnectionString, name, payloads, TimeProvider.System, 48 * 1024);
}

[CollectionDefinition(PostgresCollection.Name)]
public sealed class PostgresCollectionDefinition : ICollectionFixture<PostgresFixture>;
