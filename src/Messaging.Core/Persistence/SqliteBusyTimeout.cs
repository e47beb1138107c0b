using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Messaging.Core.Persistence;

/// <summary>
/// Lets SQLite's own busy handler wait for the write lock (it sleeps 1, 2, 5, 10 ... ms) instead of failing at
/// once into Microsoft.Data.Sqlite's coarser retry loop, which left a 450 ms tail under concurrent bookings.
/// </summary>
internal sealed class SqliteBusyTimeout(int milliseconds) : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"PRAGMA busy_timeout = {milliseconds};";
        cmd.ExecuteNonQuery();
    }
}
