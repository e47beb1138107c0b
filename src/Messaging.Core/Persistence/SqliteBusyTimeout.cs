using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Messaging.Core.Persistence;

/// <summary>
/// Per-connection settings. Lets SQLite's own busy handler wait for the write lock (it sleeps 1, 2, 5, 10 ... ms) instead of failing at
/// once into Microsoft.Data.Sqlite's coarser retry loop, which left a 450 ms tail under concurrent bookings.
/// </summary>
internal sealed class SqliteBusyTimeout(int milliseconds) : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection, milliseconds);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        Apply(connection, milliseconds);
        return Task.CompletedTask;
    }

    // Pooled connections are opened again and again over the same native handle; the settings stick to the handle,
    // so they are applied once per handle rather than on every open.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> Configured = new();

    /// <summary>Also for connections the product opens itself, outside EF.</summary>
    internal static void Apply(DbConnection connection, int milliseconds)
    {
        if (connection is Microsoft.Data.Sqlite.SqliteConnection { Handle: { } handle })
        {
            if (Configured.TryGetValue(handle, out _)) return;
            Configured.AddOrUpdate(handle, handle);
        }
        using var cmd = connection.CreateCommand();
        // WAL with synchronous=NORMAL: commits no longer wait for an fsync each; the database stays consistent on a
        // crash, and at worst the last transactions before a power cut are lost (SQLite's documented trade-off).
        cmd.CommandText = $"PRAGMA busy_timeout = {milliseconds}; PRAGMA synchronous = NORMAL;";
        cmd.ExecuteNonQuery();
    }
}
