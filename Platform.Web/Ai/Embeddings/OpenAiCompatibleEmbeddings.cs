using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Platform.Web.Ai.Embeddings;

/// <summary>An <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> for any OpenAI-compatible /v1/embeddings
/// endpoint (OpenAI, Azure OpenAI, Ollama, vLLM, LM Studio …), asking for 1024 dimensions.</summary>
public static class OpenAiCompatibleEmbeddings
{
    public static IEmbeddingGenerator<string, Embedding<float>> Create(AiEndpoint endpoint, TimeSpan timeout, WorkspaceAiHttp? workspaceHttp = null)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = new Uri(endpoint.BaseUrl),
            NetworkTimeout = timeout,
            // The worker decides about retries (it re-queues the document with a back-off); the client must not
            // multiply a slow provider's latency by its own hidden retries.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
        // Local servers (Ollama, vLLM) accept any key; the client insists on one.
        var credential = new ApiKeyCredential(string.IsNullOrEmpty(endpoint.ApiKey) ? "no-key" : endpoint.ApiKey);
        return new OpenAIClient(credential, (workspaceHttp ?? WorkspaceAiHttp.Strict).Apply(options, endpoint)).GetEmbeddingClient(endpoint.Model)
            .AsIEmbeddingGenerator(StoredVector.Dimensions);
    }
}
