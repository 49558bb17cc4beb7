using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Tests.Infrastructure;

/// <summary>One request as <see cref="OpenAiProtocolServer"/> received it, kept for assertions.</summary>
public sealed class OpenAiRequest
{
    public OpenAiRequest(string method, string path, IReadOnlyDictionary<string, string> headers, string body)
    {
        (Method, Path, Headers, Body) = (method, path, headers, body);
        try { Json = body.Length == 0 ? null : JsonNode.Parse(body) as JsonObject; }
        catch (JsonException) { Json = null; }
    }

    public string Method { get; }

    /// <summary>Absolute path, e.g. <c>/v1/chat/completions</c>.</summary>
    public string Path { get; }

    /// <summary>Request headers (case-insensitive names; repeated values joined by commas).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    public string Body { get; }

    /// <summary>The body as JSON (null when empty or not a JSON object).</summary>
    public JsonObject? Json { get; }

    public string? Authorization => Headers.GetValueOrDefault("Authorization");
    public string? Model => Json?["model"]?.GetValue<string>();
    public bool Stream => Json?["stream"]?.GetValue<bool>() == true;

    /// <summary>Chat: whether the client asked for usage in the last chunk (<c>stream_options.include_usage</c>).</summary>
    public bool IncludeUsage => Json?["stream_options"]?["include_usage"]?.GetValue<bool>() == true;

    /// <summary>Embeddings: the inputs, whether sent as one string or a list.</summary>
    public IReadOnlyList<string> Inputs => Json?["input"] switch
    {
        JsonArray list => list.Select(n => n!.GetValue<string>()).ToList(),
        JsonValue one => [one.GetValue<string>()],
        _ => [],
    };

    public override string ToString() => $"{Method} {Path} {Body}";
}
