using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Notifier.Queues;

/// <summary>Keeps bodies larger than a queue message allows in the database; the message carries "@payload:{id}".</summary>
public sealed class PayloadStore(IServiceScopeFactory scopes, TimeProvider time)
{
    private const string Prefix = "@payload:";

    public async Task<string> WrapAsync(string body, int maxInline, CancellationToken ct)
    {
        if (body.Length <= maxInline) return body;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        var payload = new QueuePayload { Id = Guid.CreateVersion7(time.GetUtcNow()), Body = body, CreatedAt = time.GetUtcNow() };
        db.QueuePayloads.Add(payload);
        await db.SaveChangesAsync(ct);
        return Prefix + payload.Id.ToString("N");
    }

    public async Task<string> UnwrapAsync(string body, CancellationToken ct)
    {
        if (!body.StartsWith(Prefix, StringComparison.Ordinal) || !Guid.TryParse(body[Prefix.Length..], out var id)) return body;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        return await db.QueuePayloads.Where(p => p.Id == id).Select(p => p.Body).FirstOrDefaultAsync(ct)
            ?? throw new InvalidDataException($"The payload {id} of a queue message is missing.");
    }

    public async Task DeleteAsync(string body, CancellationToken ct)
    {
        if (!body.StartsWith(Prefix, StringComparison.Ordinal) || !Guid.TryParse(body[Prefix.Length..], out var id)) return;
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<MessagingDbContext>().QueuePayloads.Where(p => p.Id == id).ExecuteDeleteAsync(ct);
    }
}
