using Messaging.Core.Identity;

namespace Messaging.Server.Security;

/// <summary>
/// The key per-client caps count against: the client's address (the proxy's forwarded one only where forwarded
/// headers are trusted), as a fingerprint, so no address is stored.
/// </summary>
public static class ClientKeys
{
    public static string Of(HttpContext http) => Fingerprint.Of("ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown"));
}
