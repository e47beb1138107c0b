namespace Messaging.Core.Notifications;

/// <summary>
/// A Zalo user as the Official Account knows them. <see cref="LastInteractionAt"/> decides whether a consultation
/// message may still be sent (Zalo refuses them some days after the user last wrote or pressed a button).
/// </summary>
public sealed class ZaloUser
{
    /// <summary>The OA-scoped user id: a numeric string longer than 53 bits, never parsed as a number.</summary>
    public required string UserId { get; set; }
    /// <summary>False only after an unfollow event; a user who writes without following can still be answered.</summary>
    public bool Following { get; set; }
    public DateTimeOffset? LastInteractionAt { get; set; }
    public string? Name { get; set; }
    /// <summary>The phone the user shared through Zalo's own consent form: proved by Zalo.</summary>
    public string? Phone { get; set; }
    /// <summary>
    /// The user asked for no more Zalo messages ("TỪ CHỐI"). Applies to this Zalo account; it reaches the phone's other
    /// channels only when this account proved the phone.
    /// </summary>
    public bool OptedOut { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// The OA's access token and its single-use refresh token. <see cref="Version"/> makes the swap atomic;
/// <see cref="RefreshingUntil"/> is a lease so that only one node spends the refresh token.
/// </summary>
public sealed class ZaloToken
{
    public required string OaId { get; set; }
    public string AccessToken { get; set; } = "";
    public string RefreshToken { get; set; } = "";
    public DateTimeOffset ExpiresAt { get; set; }
    public int Version { get; set; }
    public DateTimeOffset? RefreshingUntil { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// A webhook event accepted from a channel, stored before it is answered so that it is processed exactly once:
/// <see cref="EventKey"/> (the message id, or event + time + sender) is unique, so a redelivery is recognised.
/// </summary>
public sealed class InboundEvent
{
    public long Id { get; set; }
    public string Channel { get; set; } = "";
    public required string EventKey { get; set; }
    public string EventName { get; set; } = "";
    public string Body { get; set; } = "";
    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }
    public int Attempts { get; set; }
    /// <summary>A node processing the event holds it until then; after a crash another node takes it up.</summary>
    public DateTimeOffset? ClaimedUntil { get; set; }
    public string? Error { get; set; }
}
