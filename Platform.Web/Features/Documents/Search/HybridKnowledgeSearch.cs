using Npgsql;
using NpgsqlTypes;
using Pgvector;
using Platform.Data.Tenancy;
using Platform.Web.Ai;
using Platform.Web.Ai.Embeddings;

namespace Platform.Web.Features.Documents.Search;

/// <summary>
/// Hybrid retrieval inside PostgreSQL, in one round trip: nearest chunks by vector (HNSW, iterative scan so a
/// filtered workspace still gets its k rows) and best chunks by full-text rank (GIN, through the search-gated
/// policy of document_chunk_search that keeps the index usable under RLS), fused with Reciprocal Rank Fusion.
/// Every predicate names the workspace explicitly on top of RLS. Vectors of other models are never compared.
/// </summary>
public sealed class HybridKnowledgeSearch(
    TenantConnectionResolver resolver, DataSourceRegistry sources, WorkspaceEmbedder embedder) : IKnowledgeSearch
{
    /// <summary>RRF's k: dampens the weight of the very first ranks (60 is the value from the original paper).</summary>
    public const int RrfK = 60;

    /// <summary>HNSW candidate list size: recall@10 0.96 at 100, 1.00 at 200 on the benchmark corpus (docs/benchmarks.md).</summary>
    public const int EfSearch = 200;

    public async Task<IReadOnlyList<KnowledgePassage>> SearchAsync(Guid workspaceId, Guid? userId, string query, int k,
        KnowledgeFilters? filters = null, CancellationToken ct = default)
    {
        query = query.Trim();
        if (query.Length == 0 || k <= 0) return [];
        if (query.Length > 2000) query = query[..2000];
        k = Math.Min(k, 100);

        var embedded = await embedder.EmbedAsync(workspaceId, userId, [query], "search", ct);
        var source = sources.Get(await resolver.ResolveAsync(workspaceId, ct));
        await using var connection = await source.OpenConnectionAsync(ct);
        await using var tx = await TenantSessionInterceptor.BeginAsync(connection, DbSession.ForWorkspace(workspaceId, userId), ct);
        var passages = await RunAsync(connection, tx, workspaceId, query, embedded.Vectors[0], embedded.Model, k, filters, exact: false, ct);
        if (passages.Count < k)
        {
            // The approximate leg can come back short on a small or heavily filtered workspace; an exact scan of
            // that workspace's rows is cheap exactly then, and guarantees k rows whenever k exist.
            passages = await RunAsync(connection, tx, workspaceId, query, embedded.Vectors[0], embedded.Model, k, filters, exact: true, ct);
        }
        await tx.CommitAsync(ct);
        return passages;
    }

    public static async Task<List<KnowledgePassage>> RunAsync(NpgsqlConnection connection, NpgsqlTransaction tx,
        Guid workspaceId, string query, float[] vector, string model, int k, KnowledgeFilters? filters, bool exact, CancellationToken ct)
    {
        var candidates = Math.Max(k * 4, 40);
        await using (var settings = new NpgsqlCommand("""
            SELECT set_config('hnsw.ef_search', @ef, true),
                   set_config('hnsw.iterative_scan', 'relaxed_order', true),
                   set_config('app.search_query', replace(plainto_tsquery('english', @q)::text, ' & ', ' | '), true)
            """, connection, tx))
        {
            settings.Parameters.AddWithValue("ef", Math.Max(candidates, EfSearch).ToString());
            settings.Parameters.AddWithValue("q", query);
            await settings.ExecuteNonQueryAsync(ct);
        }

        var filter = Filters(filters, "c");
        // Approximate: the halfvec HNSW index finds candidates, which are then ranked by full-precision distance.
        // Exact: "+ 0" keeps the ORDER BY from matching any index, so the planner reads the workspace's rows through
        // its primary key and sorts them: exact, and cheap exactly when the workspace is small.
        var candidateOrder = exact ? "(c.embedding <=> @v) + 0" : "c.embedding::halfvec(1024) <=> @v::halfvec(1024)";
        var sql = $"""
            WITH vec AS MATERIALIZED (
                SELECT c.id, c.embedding <=> @v AS distance
                  FROM tenant.document_chunks c
                 WHERE c.workspace_id = @ws AND c.embedding_model = @model {filter}
                 ORDER BY {candidateOrder}
                 LIMIT @n),
            vec_ranked AS (SELECT id, distance, row_number() OVER (ORDER BY distance) AS r FROM vec),
            kw AS MATERIALIZED (
                SELECT s.chunk_id AS id, ts_rank_cd(s.search_vector, tenant.current_search_query(), 1) AS score
                  FROM tenant.document_chunk_search s
                  {(filter.Length == 0 ? "" : "JOIN tenant.document_chunks c ON c.workspace_id = s.workspace_id AND c.id = s.chunk_id")}
                 WHERE s.workspace_id = @ws {filter}
                 ORDER BY score DESC
                 LIMIT @n),
            kw_ranked AS (SELECT id, score, row_number() OVER (ORDER BY score DESC) AS r FROM kw),
            fused AS (
                SELECT COALESCE(v.id, w.id) AS id, v.distance, w.score,
                       COALESCE(1.0 / ({RrfK} + v.r), 0) + COALESCE(1.0 / ({RrfK} + w.r), 0) AS rrf
                  FROM vec_ranked v FULL JOIN kw_ranked w ON v.id = w.id
                 ORDER BY rrf DESC
                 LIMIT @k)
            SELECT c.document_id, d.title, c.id, c.position, c.content, f.rrf, f.distance, f.score
              FROM fused f
              JOIN tenant.document_chunks c ON c.workspace_id = @ws AND c.id = f.id
              JOIN tenant.documents d ON d.workspace_id = @ws AND d.id = c.document_id
             ORDER BY f.rrf DESC, f.distance NULLS LAST
            """;
        await using var command = new NpgsqlCommand(sql, connection, tx);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("model", model);
        command.Parameters.AddWithValue("v", new Vector(vector));
        command.Parameters.AddWithValue("n", candidates);
        command.Parameters.AddWithValue("k", k);
        if (filters?.DocumentIds is { Count: > 0 } ids) command.Parameters.AddWithValue("docs", ids.ToArray());
        if (filters?.Tags is { Count: > 0 } tags) command.Parameters.Add(new NpgsqlParameter("tags", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = tags.ToArray() });
        if (!string.IsNullOrWhiteSpace(filters?.Category)) command.Parameters.AddWithValue("category", filters.Category);

        var passages = new List<KnowledgePassage>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            passages.Add(new KnowledgePassage(
                reader.GetGuid(0), reader.GetString(1), reader.GetGuid(2), reader.GetInt32(3), reader.GetString(4),
                Score: (double)reader.GetDecimal(5),
                VectorScore: reader.IsDBNull(6) ? null : 1 - reader.GetDouble(6),
                KeywordScore: reader.IsDBNull(7) ? null : reader.GetFloat(7)));
        }
        return passages;
    }

    /// <summary>Filters on chunk alias <paramref name="c"/>; values are bound parameters.</summary>
    private static string Filters(KnowledgeFilters? filters, string c)
    {
        if (filters is null) return "";
        var sql = "";
        if (filters.DocumentIds is { Count: > 0 }) sql += $" AND {c}.document_id = ANY(@docs)";
        if (filters.Tags is { Count: > 0 } || !string.IsNullOrWhiteSpace(filters.Category))
        {
            sql += $" AND {c}.document_id IN (SELECT fd.id FROM tenant.documents fd WHERE fd.workspace_id = @ws";
            if (filters.Tags is { Count: > 0 }) sql += " AND fd.tags && @tags";
            if (!string.IsNullOrWhiteSpace(filters.Category)) sql += " AND fd.category = @category";
            sql += ")";
        }
        return sql;
    }
}
