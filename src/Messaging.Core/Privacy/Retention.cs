using Messaging.Core.Identity;
using Messaging.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Core.Privacy;

/// <summary>
/// How long personal data that only served a conversation is kept (Decree 13/2023/NĐ-CP: no longer than the purpose
/// needs). Bookings and dossiers are the office's records and are not touched here.
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Transcripts, conversation state, handoff questions, a web chat's proof of a phone: the chat itself.</summary>
    public TimeSpan Conversations { get; set; } = TimeSpan.FromDays(90);
    /// <summary>One-time codes (hashed) and who asked for them.</summary>
    public TimeSpan OneTimeCodes { get; set; } = TimeSpan.FromDays(1);
    /// <summary>Raw webhook bodies (Zalo events, SMS reports); the event key stays, so a redelivery is still recognised.</summary>
    public TimeSpan InboundEvents { get; set; } = TimeSpan.FromDays(30);
    /// <summary>The request kept with a delivery record (recipient, rendered data); status and masked recipient stay.</summary>
    public TimeSpan DeliveryDetails { get; set; } = TimeSpan.FromDays(90);
    /// <summary>How often the sweep runs.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>What one sweep removed or anonymised, by kind.</summary>
public sealed record RetentionReport(int TranscriptRows, int Conversations, int HandoffQuestions, int OneTimeCodes,
    int InboundBodies, int DeliveryDetails, int AbuseEvents)
{
    public int Total => TranscriptRows + Conversations + HandoffQuestions + OneTimeCodes + InboundBodies + DeliveryDetails + AbuseEvents;
}

/// <summary>
/// Deletes or anonymises what is past its retention period. Every statement is idempotent, so several nodes may run it
/// at once without harm.
/// </summary>
public sealed class RetentionSweeper(MessagingDbContext db, TimeProvider time, Microsoft.Extensions.Options.IOptions<RetentionOptions> options)
{
    /// <summary>Abuse counters are kept as long as the longest cap's window, a day, plus a margin.</summary>
    private static readonly TimeSpan AbuseWindow = TimeSpan.FromDays(2);

    public async Task<RetentionReport> SweepAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var chats = now - o.Conversations;
        var transcript = await db.ConversationActivities.Where(a => a.At < chats).ExecuteDeleteAsync(ct);
        var conversations = await db.Conversations.Where(c => c.UpdatedAt < chats).ExecuteDeleteAsync(ct);
        var handoffs = await db.HandoffRequests
            .Where(h => h.CreatedAt < chats && h.Question != null && h.Status == Messaging.Core.Conversations.HandoffStatus.Closed)
            .ExecuteUpdateAsync(u => u.SetProperty(h => h.Question, (string?)null), ct);
        var codesBefore = now - o.OneTimeCodes;
        var codes = await db.Set<OneTimeCode>().Where(c => c.CreatedAt < codesBefore).ExecuteDeleteAsync(ct);
        var eventsBefore = now - o.InboundEvents;
        var events = await db.InboundEvents.Where(e => e.ReceivedAt < eventsBefore && e.ProcessedAt != null && e.Body != "{}")
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.Body, "{}"), ct);
        var deliveriesBefore = now - o.DeliveryDetails;
        var deliveries = await db.Deliveries.Where(d => d.CreatedAt < deliveriesBefore && d.RequestJson != "{}")
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.RequestJson, "{}"), ct);
        var abuseBefore = now - AbuseWindow;
        var abuse = await db.Set<AbuseEvent>().Where(e => e.At < abuseBefore).ExecuteDeleteAsync(ct);
        // A web chat's proof of a phone ends with the conversation it was made in.
        var links = await db.Set<PhoneLink>().Where(l => l.Channel == "webchat" && !db.Conversations.Any(c => c.Id == l.Subject)).ExecuteDeleteAsync(ct);
        // A one-time code that could not be sent and went to the poison queue still carries the code.
        var poisonedBefore = codesBefore.UtcTicks;
        var poisoned = await db.QueueMessages.Where(m => m.Queue.EndsWith("-poison") && m.Body.Contains("\"key\":\"code:") && m.InsertedAt < poisonedBefore)
            .ExecuteDeleteAsync(ct);
        return new RetentionReport(transcript, conversations, handoffs, codes + poisoned, events, deliveries, abuse + links);
    }
}
