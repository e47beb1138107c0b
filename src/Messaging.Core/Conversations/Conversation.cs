namespace Messaging.Core.Conversations;

/// <summary>
/// One conversation's dialog state. <see cref="Version"/> is the optimistic-concurrency token: two turns that raced
/// on the same state cannot both save; the loser runs again on the winner's state.
/// </summary>
public sealed class ConversationRecord
{
    public required string Id { get; set; }
    public string ChannelId { get; set; } = "";
    public string UserId { get; set; } = "";
    public string Locale { get; set; } = "vi";
    public string StateJson { get; set; } = "{}";
    public int Version { get; set; }
    public long LastSequence { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>
    /// The hash of the credential the server issued when it created the conversation (the web chat's token); null for
    /// conversations whose identity is vouched for otherwise (Zalo, Direct Line) or that are their own identity.
    /// </summary>
    public string? CredentialHash { get; set; }
    /// <summary>
    /// The ids of the last inbound activities, one per line, newest last: a turn whose id is not among them was never
    /// answered, so the transcript need not be read to recognise a repeat. Null on rows written before it was kept.
    /// </summary>
    public string? RecentTurns { get; set; }
}

/// <summary>
/// Every activity of a conversation in order: the transcript officers read (phone and ID numbers masked in what
/// citizens typed) and the queue the web chat polls with a watermark (<see cref="Sequence"/>).
/// </summary>
public sealed class ConversationActivity
{
    public long Id { get; set; }
    public required string ConversationId { get; set; }
    public long Sequence { get; set; }
    /// <summary>"in" from the citizen, "out" from the bot or an officer.</summary>
    public string Direction { get; set; } = "";
    public string Json { get; set; } = "{}";
    public string? Text { get; set; }
    public DateTimeOffset At { get; set; }
}

public enum HandoffStatus { Open, Answered, Closed }

/// <summary>A citizen asked for a person; officers see it in their inbox with the transcript.</summary>
public sealed class HandoffRequest
{
    /// <summary>
    /// The requests a staff member sees: an admin all of them, an officer those of their offices. A request no office has
    /// claimed yet is an admin's to assign, so it counts for nobody else, on the list and on the home page alike.
    /// </summary>
    public static System.Linq.Expressions.Expression<Func<HandoffRequest, bool>> VisibleTo(bool admin, IReadOnlyCollection<string> offices) =>
        h => admin || (h.OfficeId != null && offices.Contains(h.OfficeId));

    public Guid Id { get; set; }
    public required string ConversationId { get; set; }
    public string ChannelId { get; set; } = "";
    public string UserId { get; set; } = "";
    public string? OfficeId { get; set; }
    public string? Question { get; set; }
    /// <summary>The channel vouches for the person (Zalo, a Direct Line user) or they proved a phone: shown first.</summary>
    public bool Verified { get; set; }
    /// <summary>Fingerprint of the client that asked, for the per-client cap.</summary>
    public string? ClientKey { get; set; }
    public HandoffStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
}
