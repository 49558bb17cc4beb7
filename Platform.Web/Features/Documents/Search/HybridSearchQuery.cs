using Npgsql;
using NpgsqlTypes;
using Pgvector;
using Platform.Web.Ai;

namespace Platform.Web.Features.Documents.Search;

/// <summary>
/// One hybrid query, one round trip: nearest chunks by vector (halfvec HNSW, iterative scan so a filtered workspace
/// still gets its candidates, re-ranked at full precision) and best chunks for the keyword query currently held in
/// <c>app.search_query</c> (<see cref="KeywordQuery"/>), fused with Reciprocal Rank Fusion. Every predicate names the
/// workspace explicitly on top of RLS; vectors of other embedding models are never compared.
/// </summary>
public sealed record HybridSearchQuery(Guid WorkspaceId, string Text, float[] Vector, string Model, int K, KnowledgeFilters? Filters)
{
    /// <summary>RRF's k: dampens the weight of the very first ranks (60 is the value from the original paper).</summary>
    public const int RrfK = 60;

    /// <summary>HNSW candidate list size. On the benchmark's 50,000-chunk workspace (in a 100,000-chunk table) recall@10
    /// was 0.71 at 100, 0.89 at 200, 0.998 at 400 and 800; p50 3.6, 8.6, 8.1 and 33.7 ms (docs/benchmarks.md, ADR-002).</summary>
    public const int EfSearch = 400;

    /// <summary>Candidates each side contributes to the fusion.</summary>
    public int Candidates => Math.Max(K * 4, 40);

    /// <param name="KeywordHits">How many chunks the keyword side contributed (at most <see cref="Candidates"/>).</param>
    public sealed record Result(List<KnowledgePassage> Passages, int KeywordHits);

    /// <summary>The HNSW settings for this search, transaction-local: once per transaction, before any <see cref="RunAsync"/>.</summary>
    public async Task ConfigureIndexAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var settings = new NpgsqlCommand(
            "SELECT set_config('hnsw.ef_search', @ef, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)", connection, tx);
        settings.Parameters.AddWithValue("ef", Math.Max(Candidates, EfSearch).ToString());
        await settings.ExecuteNonQueryAsync(ct);
    }

    public async Task<Result> RunAsync(NpgsqlConnection connection, NpgsqlTransaction tx, bool exact, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Sql(exact), connection, tx);
        command.Parameters.AddWithValue("ws", WorkspaceId);
        command.Parameters.AddWithValue("model", Model);
        command.Parameters.AddWithValue("v", new Vector(Vector));
        command.Parameters.AddWithValue("n", Candidates);
        command.Parameters.AddWithValue("k", K);
        if (Filters?.DocumentIds is { Count: > 0 } ids) command.Parameters.AddWithValue("docs", ids.ToArray());
        if (Filters?.Tags is { Count: > 0 } tags) command.Parameters.Add(new NpgsqlParameter("tags", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = tags.ToArray() });
        if (!string.IsNullOrWhiteSpace(Filters?.Category)) command.Parameters.AddWithValue("category", Filters.Category);

        var passages = new List<KnowledgePassage>();
        var keywordHits = 0;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            passages.Add(new KnowledgePassage(
                reader.GetGuid(0), reader.GetString(1), reader.GetGuid(2), reader.GetInt32(3), reader.GetString(4),
                Score: (double)reader.GetDecimal(5),
                VectorScore: reader.IsDBNull(6) ? null : 1 - reader.GetDouble(6),
                KeywordScore: reader.IsDBNull(7) ? null : reader.GetFloat(7),
                Section: reader.IsDBNull(9) ? null : reader.GetString(9)));
            keywordHits = (int)reader.GetInt64(8);
        }
        return new Result(passages, keywordHits);
    }

    private string Sql(bool exact)
    {
        var filter = FilterSql("c");
        // Approximate: the halfvec HNSW index finds candidates, which are then ranked by full-precision distance.
        // Exact: "+ 0" keeps the ORDER BY from matching any index, so the planner reads the workspace's rows through
        // its primary key and sorts them: exact, and cheap exactly when the workspace is small.
        var candidateOrder = exact ? "(c.embedding <=> @v) + 0" : "c.embedding::halfvec(1024) <=> @v::halfvec(1024)";
        return $"""
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
            SELECT c.document_id, d.title, c.id, c.position, c.content, f.rrf, f.distance, f.score,
                   (SELECT count(*) FROM kw) AS keyword_hits, c.section
              FROM fused f
              JOIN tenant.document_chunks c ON c.workspace_id = @ws AND c.id = f.id
              JOIN tenant.documents d ON d.workspace_id = @ws AND d.id = c.document_id
             ORDER BY f.rrf DESC, f.distance NULLS LAST
            """;
    }

    /// <summary>Filters on chunk alias <paramref name="c"/>; values are bound parameters.</summary>
    private string FilterSql(string c)
    {
        if (Filters is null) return "";
        var sql = "";
        if (Filters.DocumentIds is { Count: > 0 }) sql += $" AND {c}.document_id = ANY(@docs)";
        if (Filters.Tags is { Count: > 0 } || !string.IsNullOrWhiteSpace(Filters.Category))
        {
            sql += $" AND {c}.document_id IN (SELECT fd.id FROM tenant.documents fd WHERE fd.workspace_id = @ws";
            if (Filters.Tags is { Count: > 0 }) sql += " AND fd.tags && @tags";
            if (!string.IsNullOrWhiteSpace(Filters.Category)) sql += " AND fd.category = @category";
            sql += ")";
        }
        return sql;
    }
}
