using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Platform.Web.Ai.Chat;

/// <summary>A chat model ready to call, with the names its usage is recorded under.</summary>
public sealed record ChatProvider(IChatClient Client, string Name, string Model, bool IsOffline)
{
    /// <summary>How the UI labels the offline assistant, honestly.</summary>
    public const string OfflineLabel = "offline, retrieval only";
}

/// <summary>
/// Turns a workspace's chat endpoint into an <see cref="IChatClient"/>: any OpenAI-compatible endpoint through
/// Microsoft.Extensions.AI.OpenAI, or the built-in offline assistant when none is configured.
/// </summary>
public sealed class ChatProviderFactory(OfflineAssistant offline)
{
    public const string OfflineProvider = "offline";

    /// <summary>Network timeout per request and per stream read: a stalled stream fails instead of hanging.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The guarded transport for workspace-supplied endpoints.</summary>
    public WorkspaceAiHttp WorkspaceHttp { get; init; } = WorkspaceAiHttp.Strict;

    public ChatProvider Create(AiEndpoint? endpoint, string? modelOverride = null)
    {
        if (endpoint is null || string.IsNullOrWhiteSpace(endpoint.BaseUrl))
            return new ChatProvider(offline, OfflineProvider, OfflineAssistant.ModelId, IsOffline: true);

        var model = string.IsNullOrWhiteSpace(modelOverride) ? endpoint.Model : modelOverride;
        var options = new OpenAIClientOptions
        {
            Endpoint = new Uri(endpoint.BaseUrl),
            NetworkTimeout = Timeout,
            // No silent retries: the user sees the failure (with retry-after) and a retry button.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
        // Local servers (Ollama, vLLM …) often need no key, but the SDK wants a non-empty credential.
        var key = new ApiKeyCredential(string.IsNullOrEmpty(endpoint.ApiKey) ? "none" : endpoint.ApiKey);
        var client = new OpenAIClient(key, WorkspaceHttp.Apply(options, endpoint)).GetChatClient(model).AsIChatClient();
        return new ChatProvider(client, ProviderName(endpoint.BaseUrl), model, IsOffline: false);
    }

    /// <summary>The endpoint's host names the provider in usage records and prices (api.openai.com, localhost:11434 …).</summary>
    public static string ProviderName(string baseUrl) =>
        Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) ? uri.Authority : "openai-compatible";
}
