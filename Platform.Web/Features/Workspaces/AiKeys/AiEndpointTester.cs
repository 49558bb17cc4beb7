using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Web.Features.Workspaces;

/// <summary>"Test": one tiny chat completion against an OpenAI-compatible endpoint with the given key and model
/// (and one embedding call when an embedding model is set). Answers a message fit to show; never echoes the key.</summary>
public sealed class AiEndpointTester(IHttpClientFactory http)
{
    public const string HttpClientName = "workspace-ai-test";

    public async Task<string?> TestAsync(string baseUrl, string? apiKey, string chatModel, string? embeddingModel, CancellationToken ct = default)
    {
        if (!Uri.TryCreate(baseUrl.TrimEnd('/') + "/", UriKind.Absolute, out var root) || root.Scheme is not ("http" or "https"))
            return "The base URL must be an http(s) address, e.g. https://api.openai.com/v1.";
        var client = http.CreateClient(HttpClientName);
        var chat = await PostAsync(client, new Uri(root, "chat/completions"), apiKey, new
        {
            model = chatModel, max_tokens = 1, stream = false,
            messages = new[] { new { role = "user", content = "ping" } },
        }, ct);
        if (chat is not null) return $"Chat model '{chatModel}': {chat}";
        if (!string.IsNullOrWhiteSpace(embeddingModel))
        {
            var embed = await PostAsync(client, new Uri(root, "embeddings"), apiKey, new { model = embeddingModel, input = "ping" }, ct);
            if (embed is not null) return $"Embedding model '{embeddingModel}': {embed}";
        }
        return null;
    }

    private static async Task<string?> PostAsync(HttpClient client, Uri uri, string? apiKey, object body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = JsonContent.Create(body) };
        if (!string.IsNullOrEmpty(apiKey)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        try
        {
            using var response = await client.SendAsync(request, ct);
            if (response.IsSuccessStatusCode) return null;
            var text = await response.Content.ReadAsStringAsync(ct);
            return (int)response.StatusCode switch
            {
                401 or 403 => "the endpoint rejected the API key.",
                404 => $"not found at {uri} (check the base URL and the model name). {ErrorMessage(text)}",
                _ => $"the endpoint answered {(int)response.StatusCode} {response.ReasonPhrase}. {ErrorMessage(text)}",
            };
        }
        catch (HttpRequestException e) { return $"could not reach {uri.Host}:{uri.Port} ({e.Message})."; }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { return $"{uri.Host} did not answer in time."; }
    }

    private static string ErrorMessage(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("error", out var e))
                return (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("message", out var m) ? m.GetString() : e.ToString()) ?? "";
        }
        catch (JsonException) { }
        return body.Length > 200 ? body[..200] : body;
    }
}
