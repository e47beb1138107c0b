using Messaging.Core.Staff;

namespace Messaging.Server;

/// <summary>
/// `dotnet run --project src/Messaging.Server -- create-user --username NAME --role admin|officer [--office ID ...]
/// [--name "Display name"]`: creates a staff account on the configured database. The password is read from the
/// environment variable MESSAGING_NEW_PASSWORD or, when unset, from the first line of standard input, never from the
/// command line (which shell histories and process lists keep).
/// </summary>
public static class StaffCli
{
    public static async Task<int> CreateUserAsync(IServiceProvider services, string[] args, TextReader input, TextWriter output,
        CancellationToken ct)
    {
        string? Get(string flag) => Array.IndexOf(args, flag) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var offices = args.Select((a, i) => (a, i)).Where(x => x.a == "--office" && x.i + 1 < args.Length).Select(x => args[x.i + 1]).ToList();
        var user = Get("--username");
        var role = Get("--role") ?? StaffRoles.Officer;
        if (user is null)
        {
            await output.WriteLineAsync("usage: create-user --username NAME --role admin|officer [--office ID ...] [--name \"Display name\"]");
            return 2;
        }
        var password = Environment.GetEnvironmentVariable("MESSAGING_NEW_PASSWORD") ?? await input.ReadLineAsync(ct) ?? "";
        await using var scope = services.CreateAsyncScope();
        try
        {
            var created = await scope.ServiceProvider.GetRequiredService<StaffAccounts>()
                .CreateAsync(user, Get("--name") ?? user, password, role, offices, "cli", ct);
            await output.WriteLineAsync($"Created {created.Role} '{created.UserName}'" + (created.Offices.Count > 0 ? $" for {string.Join(", ", created.Offices)}" : ""));
            return 0;
        }
        catch (StaffException e)
        {
            await output.WriteLineAsync("Not created: " + e.Message);
            return 1;
        }
    }
}
