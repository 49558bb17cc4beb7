using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.Web.Ai;

namespace Platform.Web.Features.Chat.Engine;

/// <summary>A numbered source of an answer: enough to show the passage without another lookup. <see cref="Section"/>
/// is where in the document it sits (heading path or PDF page; null in citations stored before it existed).</summary>
public sealed record Citation(int N, Guid DocumentId, Guid ChunkId, string Title, int Position, string Excerpt, double Score,
    string? Section = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<Citation> From(IReadOnlyList<KnowledgePassage> passages) =>
        passages.Select((p, i) => new Citation(i + 1, p.DocumentId, p.ChunkId, p.DocumentTitle, p.Position,
            p.Content.Length > 4000 ? p.Content[..4000] + "…" : p.Content, Math.Round(p.Score, 4), p.Section)).ToList();

    /// <summary>Where the passage sits, for a chip or a heading: the innermost heading ("Time off"), else the page,
    /// else its passage number — so two passages of one document never read the same.</summary>
    [JsonIgnore]
    public string Where
    {
        get
        {
            var innermost = Section?.Split(" › ").LastOrDefault(s => !string.IsNullOrWhiteSpace(s))?.Trim();
            return innermost is { Length: > 0 } ? innermost : $"passage {Position + 1}";
        }
    }

    /// <summary>The document viewer at this passage (it scrolls to it and highlights it).</summary>
    public string ViewerUrl(string documentsBase) => $"{documentsBase}/{DocumentId}?chunk={ChunkId}#passage";

    public static string Serialize(IReadOnlyList<Citation> citations) => JsonSerializer.Serialize(citations, Json);

    public static IReadOnlyList<Citation> Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return [];
        try { return JsonSerializer.Deserialize<List<Citation>>(json, Json) ?? []; }
        catch (JsonException) { return []; }
    }
}
