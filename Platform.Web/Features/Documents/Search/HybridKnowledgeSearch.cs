using Platform.Data.Tenancy;
using Platform.Data.Text;
using Platform.Web.Ai;
using Platform.Web.Ai.Embeddings;
using Npgsql;

namespace Platform.Web.Features.Documents.Search;

/// <summary>
/// Hybrid retrieval inside PostgreSQL: nearest chunks by vector (HNSW) and best chunks by full-text rank (GIN),
/// fused with Reciprocal Rank Fusion (<see cref="HybridSearchQuery"/>). This class holds the strategy around that
/// one query: when the keyword side is too strict it is relaxed, and when the approximate vector side comes back
/// short it is made exact, so a search returns k passages whenever the workspace holds k.
/// </summary>
public sealed class HybridKnowledgeSearch(
    TenantConnectionResolver resolver, DataSourceRegistry sources, WorkspaceEmbedder embedder) : IKnowledgeSearch
{
    public async Task<IReadOnlyList<KnowledgePassage>> SearchAsync(Guid workspaceId, Guid? userId, string query, int k,
        KnowledgeFilters? filters = null, CancellationToken ct = default)
    {
        // The query becomes a bound parameter: U+0000 or a lone surrogate would make PostgreSQL/Npgsql refuse it.
        query = PostgresText.Clean(query.Trim());
        if (query.Length == 0 || k <= 0) return [];
        if (query.Length > 2000) query = PostgresText.Clean(query[..2000]);
        k = Math.Min(k, 100);

        var embedded = await embedder.EmbedAsync(workspaceId, userId, [query], "search", ct);
        var source = sources.Get(await resolver.ResolveAsync(workspaceId, ct));
        await using var connection = await source.OpenConnectionAsync(ct);
        await using var tx = await TenantSessionInterceptor.BeginAsync(connection, DbSession.ForWorkspace(workspaceId, userId), ct);
        var passages = await SearchOnAsync(connection, tx, new HybridSearchQuery(workspaceId, query, embedded.Vectors[0], embedded.Model, k, filters), ct);
        await tx.CommitAsync(ct);
        return passages;
    }

    /// <summary>The whole strategy on an open tenant transaction (the benchmark measures exactly this path).</summary>
    public static async Task<IReadOnlyList<KnowledgePassage>> SearchOnAsync(NpgsqlConnection connection, NpgsqlTransaction tx,
        HybridSearchQuery search, CancellationToken ct = default)
    {
        await search.ConfigureIndexAsync(connection, tx, ct);
        await KeywordQuery.RequireAllAsync(connection, tx, search.Text, ct);
        var result = await search.RunAsync(connection, tx, exact: false, ct);
        if (result.KeywordHits < search.K && await KeywordQuery.RelaxAsync(connection, tx, search.WorkspaceId, search.Text, ct))
            result = await search.RunAsync(connection, tx, exact: false, ct);
        if (result.Passages.Count < search.K)
        {
            // The approximate leg can come back short on a small or heavily filtered workspace; an exact scan of
            // that workspace's rows is cheap exactly then, and guarantees k rows whenever k exist.
            result = await search.RunAsync(connection, tx, exact: true, ct);
        }
        return result.Passages;
    }
}
