using System.Net;
using System.Net.Sockets;

namespace Messaging.Assistant;

public sealed class AssistantOptions
{
    public const string Section = "Assistant";

    /// <summary>Off by default: without a model endpoint the deterministic bot answers everything, unchanged.</summary>
    public bool Enabled { get; set; }
    /// <summary>"OpenAI" for any OpenAI-compatible server (OpenAI, Ollama, vLLM), or "AzureOpenAI".</summary>
    public string Provider { get; set; } = "OpenAI";
    /// <summary>For OpenAI-compatible servers the base URL with its version ("http://127.0.0.1:11434/v1"); for Azure the resource URL.</summary>
    public string? Endpoint { get; set; }
    /// <summary>The model name, or the deployment name on Azure OpenAI.</summary>
    public string Model { get; set; } = "";
    public string? ApiKey { get; set; }
    /// <summary>The whole assistant turn, tool calls included; past it the deterministic bot answers.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(8);
    /// <summary>Messages the language model classifies below this confidence go to the assistant.</summary>
    public double MinConfidence { get; set; } = 0.5;
    /// <summary>Tool calls one turn may make before the assistant gives up on it.</summary>
    public int MaxToolCalls { get; set; } = 6;
    /// <summary>Messages of the exchange (citizen and assistant) kept for the next turn.</summary>
    public int HistoryMessages { get; set; } = 10;
    /// <summary>The exchange is forgotten after this long without a message.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>
    /// False (the default): to an endpoint outside this machine and the private network, a message in which the
    /// citizen gave personal data is not sent at all, not even masked, and the tools that need personal data (booking,
    /// dossier status) are not offered. Phone and ID numbers are masked for every endpoint either way.
    /// </summary>
    public bool AllowPersonalDataToRemote { get; set; }

    public Uri? EndpointUri => Uri.TryCreate(Endpoint, UriKind.Absolute, out var u) ? u : null;

    /// <summary>Loopback, a private address, or a single-label host name (a server on the office's own network).</summary>
    public bool EndpointIsLocal => EndpointUri is { } u && IsLocal(u);

    public static bool IsLocal(Uri uri)
    {
        if (uri.IsLoopback || !uri.Host.Contains('.')) return true;
        if (!IPAddress.TryParse(uri.Host, out var ip)) return false;
        if (ip.AddressFamily == AddressFamily.InterNetworkV6) return ip.IsIPv6UniqueLocal || ip.IsIPv6LinkLocal;
        var b = ip.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168);
    }
}
