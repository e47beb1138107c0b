namespace Messaging.Core.FrontDesk;

/// <summary>
/// Wakes this node's display streams of an office when its queue changed here, so a call shows at once. Changes made
/// on another node are not seen here: the streams also read the database every few seconds for those.
/// </summary>
public sealed class QueueSignals(TimeProvider time) : KeyedSignals(time);
