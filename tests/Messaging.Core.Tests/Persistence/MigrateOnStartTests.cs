using Messaging.Core.Persistence;
using Messaging.Testing;

namespace Messaging.Core.Tests.Persistence;

public sealed class MigrateOnStartTests
{
    [Fact]
    public async Task A_node_told_not_to_migrate_refuses_a_database_behind_the_code_and_names_the_command()
    {
        var e = await Assert.ThrowsAsync<PendingMigrationsException>(() =>
            TestDatabase.CreateAsync(DatabaseProvider.Sqlite, settings: new Dictionary<string, string?> { ["Database:MigrateOnStart"] = "false" }));
        Assert.Contains("migrate", e.Message);
        Assert.Contains("ClaimedSends", e.Message);
    }
}
