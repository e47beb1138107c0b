namespace Messaging.Core.Conversations;

/// <summary>
/// Wakes the streams waiting on a conversation when this process writes to it (a turn's replies, a proactive message).
/// Their periodic read runs on the wall clock, as it always has, whatever clock the turns use.
/// </summary>
public sealed class ConversationSignals() : KeyedSignals(TimeProvider.System);
