using System.ClientModel.Primitives;
using Microsoft.Extensions.Options;
using OpenAI;
using Platform.Web.Infrastructure.Network;

namespace Platform.Web.Ai;

/// <summary>
/// The HTTP client for AI endpoints a workspace typed in (<see cref="AiEndpoint.WorkspaceSupplied"/>): every
/// connection goes through the app's outbound address guard (<see cref="PinnedHttp"/>: resolved once, loopback,
/// private and link-local addresses refused unless Ai:AllowPrivateNetworks, connected to the checked address, no
/// redirects, no proxy). The operator's own endpoints (appsettings Ai:Chat / Ai:Embeddings) are trusted and keep
/// the SDK's default transport.
/// </summary>
public sealed class WorkspaceAiHttp(IOptions<PlatformAiOptions> options) : IDisposable
{
    /// <summary>For code built without DI (the guard must not depend on someone remembering to pass it).</summary>
    public static readonly WorkspaceAiHttp Strict = new(Options.Create(new PlatformAiOptions()));

    public const string Refused = "The platform does not connect to this address: it is on a loopback, private or " +
        "link-local network. Use the provider's public URL.";

    private readonly Lazy<HttpClient> _client = new(() =>
        new HttpClient(PinnedHttp.CreateHandler(options.Value.AllowPrivateNetworks)) { Timeout = Timeout.InfiniteTimeSpan });

    /// <summary>Callers bound each request themselves (NetworkTimeout, a cancellation token).</summary>
    public HttpClient Client => _client.Value;

    public bool AllowPrivateNetworks => options.Value.AllowPrivateNetworks;

    /// <summary>Routes a workspace-supplied endpoint's SDK client through the guarded transport.</summary>
    public OpenAIClientOptions Apply(OpenAIClientOptions clientOptions, AiEndpoint endpoint)
    {
        if (endpoint.WorkspaceSupplied) clientOptions.Transport = new HttpClientPipelineTransport(Client);
        return clientOptions;
    }

    /// <summary>Whether the failure is the guard refusing the address (anywhere in the exception chain).</summary>
    public static bool IsRefusal(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is OutboundAddressRefusedException) return true;
        return false;
    }

    public void Dispose()
    {
        if (_client.IsValueCreated) _client.Value.Dispose();
    }
}
