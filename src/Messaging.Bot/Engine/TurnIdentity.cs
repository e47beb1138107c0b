using Messaging.Bot.Activities;

namespace Messaging.Bot.Engine;

public enum IdentityKind
{
    /// <summary>The conversation is the identity: an anonymous Activity client, or the web chat with its conversation token.</summary>
    Conversation,
    /// <summary>A person the channel vouches for across conversations: a Zalo user (signed webhook), a Direct Line user bound by the site.</summary>
    ChannelUser,
    /// <summary>In-process callers: the terminal chat and tests, which build their activities themselves.</summary>
    Local,
}

/// <summary>
/// Who is speaking, as the server established it. Adapters build it from what they verified (a webhook signature, a
/// token, a conversation credential); ids a client put in the activity are claims and never become an identity.
/// </summary>
/// <param name="Channel">The channel the identity lives in: bookings and transcripts are keyed by it.</param>
/// <param name="Subject">The identity within the channel: a Zalo user id, a Direct Line user, or the conversation id.</param>
/// <param name="ClientKey">
/// Who to count abuse caps against across conversations: a client address ("ip:…", an IPv6 /64), a Zalo user. Stored only
/// through the keyed <see cref="Messaging.Core.Identity.Fingerprinter"/>.
/// </param>
/// <param name="Credential">The conversation credential the caller presented, checked against the stored hash.</param>
public sealed record TurnIdentity(string Channel, string Subject, IdentityKind Kind, string ClientKey, string? Credential = null)
{
    /// <summary>A person the channel vouches for, beyond this one conversation.</summary>
    public bool IsVouched => Kind == IdentityKind.ChannelUser;

    /// <summary>
    /// Whether a phone this identity proves stays linked to it: not for an anonymous conversation, whose id anyone who
    /// chose the same one would share; the proof then lasts for the booking at hand only.
    /// </summary>
    public bool CanHoldProof => Kind != IdentityKind.Conversation || Credential is not null;

    /// <summary>For in-process callers only: takes the activity's own channel and sender.</summary>
    public static TurnIdentity Local(Activity activity) => new(activity.ChannelId ?? "webchat",
        activity.From?.Id ?? activity.Conversation?.Id ?? "local", IdentityKind.Local,
        "local:" + (activity.From?.Id ?? activity.Conversation?.Id));
}

/// <summary>A turn the engine refused to run: the caller is not the conversation's owner.</summary>
public sealed class TurnRefusedException(bool unauthenticated, string message) : Exception(message)
{
    /// <summary>True when no valid credential was presented (401); false when the caller is someone else (403).</summary>
    public bool Unauthenticated { get; } = unauthenticated;
}
