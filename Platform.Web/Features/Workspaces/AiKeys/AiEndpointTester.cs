using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Web.Ai;
using Platform.Web.Infrastructure.Network;

namespace Platform.Web.Features.Workspaces;

/// <summary>"Test": one tiny chat completion against an OpenAI-compatible endpoint with the given key and model
/// (and one embedding call when an embedding model is set). Answers a message fit to show; never echoes the key,
/// and of the endpoint's answer only the provider's own short error message (never a raw body, which for an
/// internal service could be anything). Connections go through the outbound address guard (<see cref="WorkspaceAiHttp"/>):
/// a refused address gets one fixed message before anything is sent; redirects are not followed.</summary>
public sealed class AiEndpointTester(WorkspaceAiHttp http)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public async Task<string?> TestAsync(string baseUrl, string? apiKey, string chatModel, string? embeddingModel, CancellationToken ct = default)
    {
        if (!Uri.TryCreate(baseUrl.TrimEnd('/') + "/", UriKind.Absolute, out var root) || root.Scheme is not ("http" or "https"))
            return "The base URL must be an http(s) address, e.g. https://api.openai.com/v1.";
        var chat = await PostAsync(http.Client, new Uri(root, "chat/completions"), apiKey, new
        {
            model = chatModel, max_tokens = 1, stream = false,
            messages = new[] { new { role = "user", content = "ping" } },
        }, ct);
        if (chat is not null) return $"Chat model '{chatModel}': {chat}";
        if (!string.IsNullOrWhiteSpace(embeddingModel))
        {
            var embed = await PostAsync(http.Client, new Uri(root, "embeddings"), apiKey, new { model = embeddingModel, input = "ping" }, ct);
            if (embed is not null) return $"Embedding model '{embeddingModel}': {embed}";
        }
        return null;
    }

    private static async Task<string?> PostAsync(HttpClient client, Uri uri, string? apiKey, object body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = JsonContent.Create(body) };
        if (!string.IsNullOrEmpty(apiKey)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            using var response = await client.SendAsync(request, timeout.Token);
            if (response.IsSuccessStatusCode) return null;
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400) return "the endpoint answered with a redirect, which is not followed. Enter the final URL.";
            var text = await ReadSomeAsync(response, timeout.Token);
            return status switch
            {
                401 or 403 => "the endpoint rejected the API key.",
                404 => $"not found at {uri} (check the base URL and the model name).{ProviderMessage(text)}",
                _ => $"the endpoint answered HTTP {status}.{ProviderMessage(text)}",
            };
        }
        catch (HttpRequestException e) when (WorkspaceAiHttp.IsRefusal(e))
        {
            return ((OutboundAddressRefusedException?)FindRefusal(e))?.Refusal == OutboundRefusal.Unresolvable
                ? $"the host {uri.Host} could not be found." : WorkspaceAiHttp.Refused;
        }
        catch (HttpRequestException) { return $"could not reach {uri.Host}:{uri.Port}."; }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return $"{uri.Host} did not answer in time."; }
    }

    private static Exception? FindRefusal(Exception? e)
    {
        for (; e is not null; e = e.InnerException) if (e is OutboundAddressRefusedException) return e;
        return null;
    }

    /// <summary>At most 16 KB of the answer: an error body is small, and a hostile endpoint must not make us read more.</summary>
    private static async Task<string> ReadSomeAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[16 * 1024];
        var read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), ct) is var n and > 0) read += n;
        return System.Text.Encoding.UTF8.GetString(buffer, 0, read);
    }

    /// <summary>The provider's own error message (OpenAI's {"error": {"message": …}}), shortened; nothing else of the body.</summary>
    private static string ProviderMessage(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var e)
                && (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("message", out var m) ? m : e) is { ValueKind: JsonValueKind.String } text)
            {
                var message = new string(text.GetString()!.Where(c => !char.IsControl(c)).ToArray());
                return " " + (message.Length > 200 ? message[..200] + "…" : message);
            }
        }
        catch (JsonException) { }
        return "";
    }
}
