using System.Net;
using System.Net.Sockets;


namespace Messaging.Server.Security;

/// <summary>
/// The key per-client caps count against: the client's address (the proxy's forwarded one only where forwarded
/// headers are trusted). Stored only as a keyed fingerprint. An IPv6 client counts by its /64, the block one household
/// or phone is given: counting single addresses would let one host rotate through 2^64 of them.
/// </summary>
public static class ClientKeys
{
    public static string Of(HttpContext http) => "ip:" + Network(http.Connection.RemoteIpAddress);

    public static string Network(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
