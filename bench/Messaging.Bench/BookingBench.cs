using Messaging.Core.Appointments;
using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Bench;

/// <summary>
/// Bookings per second through <see cref="BookingService.BookAsync"/> on one contended slot and spread over many
/// slots, against a baseline of one plain INSERT per transaction on the same database in the same run.
/// </summary>
public static class BookingBench
{
    public static async Task RunAsync(BenchArgs args)
    {
        Console.WriteLine($"attempts {args.Attempts}, concurrency {args.Concurrency}, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        Console.WriteLine(Measure.Header);
        if (args.Provider is "sqlite" or "both")
            await RunProviderAsync(DatabaseProvider.Sqlite, null, args);
        if (args.Provider is "postgres" or "both")
        {
            await using var pg = await PostgresServer.StartAsync();
            await RunProviderAsync(DatabaseProvider.Postgres, pg, args);
        }
    }

    private static async Task RunProviderAsync(DatabaseProvider provider, PostgresServer? pg, BenchArgs args)
    {
        var name = provider.ToString();
        await using var db = await TestDatabase.CreateAsync(provider, pg);
        // Capacity large enough that every attempt succeeds: the cost measured is the booking, not the refusal.
        var office = TestData.Office(cardCapacity: args.Attempts);
        office.Services[0].HorizonDays = 60;
        await db.InScopeAsync(sp => TestData.SeedAsync(sp.GetRequiredService<MessagingDbContext>(), office));

        var baseline = await Measure.RunAsync($"{name}: baseline, one INSERT per transaction", args.Attempts, args.Concurrency, i =>
            db.InScopeAsync(async sp =>
            {
                var ctx = sp.GetRequiredService<MessagingDbContext>();
                await using var tx = await ctx.BeginWriteAsync(default);
                ctx.Outbox.Add(new OutboxMessage { Id = Guid.NewGuid(), Key = $"bench:{i}", Type = "bench", Payload = "{}", OccurredAt = db.Time.GetUtcNow() });
                await ctx.SaveChangesAsync();
                await tx.CommitAsync(default);
                return true;
            }));
        Console.WriteLine(baseline);

        var oneSlot = TestData.At(2026, 11, 25, 8, 0);
        var contended = await Measure.RunAsync($"{name}: one contended slot", args.Attempts, args.Concurrency, i =>
            Book(db, oneSlot, i));
        Console.WriteLine(contended);

        var slots = await db.InScopeAsync(sp => sp.GetRequiredService<BookingService>().FindFreeSlotsAsync(
            new SlotQuery("cccd-renewal", new DateOnly(2026, 11, 26), new DateOnly(2027, 1, 20), TestData.OfficeId, Limit: 5000), default));
        var spread = await Measure.RunAsync($"{name}: spread over {slots.Count} slots", args.Attempts, args.Concurrency, i =>
            Book(db, slots[i % slots.Count].Start, args.Attempts + i));
        Console.WriteLine(spread);
    }

    private static Task<bool> Book(TestDatabase db, DateTimeOffset start, int i) =>
        db.InScopeAsync(async sp =>
        {
            await sp.GetRequiredService<BookingService>().BookAsync(new BookingRequest("cccd-renewal", TestData.OfficeId,
                start, "Nguyễn Văn An", $"09{i % 100_000_000:00000000}"), default);
            return true;
        });
}
