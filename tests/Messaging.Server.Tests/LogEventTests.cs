using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Messaging.Server.Tests;

/// <summary>An event id names one line: operators filter and alert on it, so two lines of a project never share one.</summary>
public sealed class LogEventTests
{
    public static TheoryData<string, int> Projects => new()
    {
        { "Messaging.Core", 1000 },
        { "Messaging.Bot", 2000 },
        { "Messaging.Notifier", 3000 },
        { "Messaging.Server", 4000 },
        { "Messaging.Assistant", 5000 },
    };

    [Theory]
    [MemberData(nameof(Projects))]
    public void Every_log_event_id_is_unique_within_its_project_and_in_the_projects_range(string project, int first)
    {
        // The Log classes are internal: found by name in their assembly.
        var log = Assembly.Load(project).GetType(project + ".Log", throwOnError: true)!;
        var ids = log.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>()).OfType<LoggerMessageAttribute>()
            .Select(a => a.EventId).ToList();
        Assert.NotEmpty(ids);
        Assert.Empty(ids.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.All(ids, id => Assert.InRange(id, first, first + 999));
    }
}
