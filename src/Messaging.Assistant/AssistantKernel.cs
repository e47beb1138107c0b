using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Messaging.Assistant;

/// <summary>
/// The kernel with the configured chat service, built once and rebuilt when the endpoint settings change; each turn
/// works on a clone with its own tools.
/// </summary>
public sealed class AssistantKernel(IOptionsMonitor<AssistantOptions> options, IHttpClientFactory http)
{
    public const string HttpClientName = "assistant";
    private (string Key, Kernel Kernel)? _built;

    public Kernel Kernel
    {
        get
        {
            var o = options.CurrentValue;
            var key = $"{o.Provider}|{o.Endpoint}|{o.Model}|{o.ApiKey?.GetHashCode()}|{o.Timeout}";
            if (_built is { } b && b.Key == key) return b.Kernel;
            var kernel = Build(o);
            _built = (key, kernel);
            return kernel;
        }
    }

    private Kernel Build(AssistantOptions o)
    {
        var client = http.CreateClient(HttpClientName);
        // The turn's own deadline cancels sooner; this only bounds a request the deadline somehow misses.
        client.Timeout = o.Timeout + TimeSpan.FromSeconds(1);
        var builder = Kernel.CreateBuilder();
        var endpoint = o.EndpointUri ?? throw new InvalidOperationException("Assistant:Endpoint is not a URL.");
        if (string.Equals(o.Provider, "AzureOpenAI", StringComparison.OrdinalIgnoreCase))
            builder.AddAzureOpenAIChatCompletion(o.Model, endpoint.ToString(), o.ApiKey ?? throw new InvalidOperationException("Assistant:ApiKey is required for Azure OpenAI."), httpClient: client);
        else
            // Local servers (Ollama, vLLM) take any key; the client library insists on one.
            builder.AddOpenAIChatCompletion(o.Model, endpoint, string.IsNullOrEmpty(o.ApiKey) ? "none" : o.ApiKey, httpClient: client);
        return builder.Build();
    }
}
