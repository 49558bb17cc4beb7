using System.Text.Json;
using Platform.Web.Ai;

namespace Platform.Web.Features.Chat.Engine;

/// <summary>A numbered source of an answer: enough to show the passage without another lookup.</summary>
public sealed record Citation(int N, Guid DocumentId, Guid ChunkId, string Title, int Position, string Excerpt, double Score)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<Citation> From(IReadOnlyList<KnowledgePassage> passages) =>
        passages.Select((p, i) => new Citation(i + 1, p.DocumentId, p.ChunkId, p.DocumentTitle, p.Position,
            p.Content.Length > 4000 ? p.Content[..4000] + "…" : p.Content, Math.Round(p.Score, 4))).ToList();

    public static string Serialize(IReadOnlyList<Citation> citations) => JsonSerializer.Serialize(citations, Json);

    public static IReadOnlyList<Citation> Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return [];
        try { return JsonSerializer.Deserialize<List<Citation>>(json, Json) ?? []; }
        catch (JsonException) { return []; }
    }
}
