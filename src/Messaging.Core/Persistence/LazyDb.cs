using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Core.Persistence;

/// <summary>
/// The scope's database context, rented from the pool on first use rather than when a service is made: a chat turn
/// makes services (templates, bookings, phone proof) whose hot paths read caches or prepared statements, and renting
/// and resetting a pooled context it never used cost a few percent of a turn.
/// </summary>
public sealed class LazyDb(IServiceProvider services)
{
    private MessagingDbContext? _db;

    public MessagingDbContext Value => _db ??= services.GetRequiredService<MessagingDbContext>();
}
