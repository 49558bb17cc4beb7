namespace Platform.Web.Ai;

/// <summary>
/// Retrieval over a workspace's knowledge base (implemented by Features/Documents; used by Chat).
/// Never returns another workspace's passages.
/// </summary>
public interface IKnowledgeSearch
{
    Task<IReadOnlyList<KnowledgePassage>> SearchAsync(Guid workspaceId, Guid? userId, string query, int k,
        KnowledgeFilters? filters = null, CancellationToken ct = default);
}

public sealed record KnowledgeFilters(IReadOnlyList<Guid>? DocumentIds = null, IReadOnlyList<string>? Tags = null, string? Category = null);

/// <summary>A passage with what a citation needs: which document, where in it (<see cref="Section"/>: the heading path
/// it sits under, or "Page 3" in a PDF), and why it ranked.</summary>
public sealed record KnowledgePassage(
    Guid DocumentId, string DocumentTitle, Guid ChunkId, int Position, string Content,
    double Score, double? VectorScore = null, double? KeywordScore = null, string? Section = null);
