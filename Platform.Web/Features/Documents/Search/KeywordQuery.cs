using Npgsql;

namespace Platform.Web.Features.Documents.Search;

/// <summary>
/// The keyword side of hybrid search, held in the transaction-local setting <c>app.search_query</c> that the
/// search-gated policy of document_chunk_search evaluates (ADR-002: that is what keeps the GIN index usable under RLS).
///
/// First every term must match (<see cref="RequireAllAsync"/>): the chunks that contain all of the user's words are
/// the best keyword evidence there is, and a conjunction is cheap because its posting lists intersect small.
/// Only when that finds fewer than k chunks does <see cref="RelaxAsync"/> accept any one term, and then only the
/// informative ones: a term found in more than <see cref="CommonShare"/> of the workspace's chunks cannot tell
/// passages apart (it is a stop word for this corpus: zero IDF), yet ranking "any of" a query with such a term means
/// scoring nearly every chunk of the workspace, the slow tail measured in docs/benchmarks.md.
/// </summary>
public static class KeywordQuery
{
    /// <summary>Above this share of the workspace's chunks a term counts as common (BM25's IDF is ~0 there).</summary>
    public const double CommonShare = 0.2;

    /// <summary>Chunks read to estimate term frequencies: enough for a 20% share to be told apart from 10%.</summary>
    public const int SampleSize = 500;

    /// <summary>Below this many chunks no term is dropped: ranking "any of" them all is cheap, and in a handful of
    /// chunks a word found in two of them still tells them apart.</summary>
    public const int PruneFromChunks = 100;

    public static async Task RequireAllAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string query, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "SELECT set_config('app.search_query', plainto_tsquery('english', @q)::text, true)", connection, tx);
        command.Parameters.AddWithValue("q", query);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Switches to "any informative term". False when that would not differ from what already ran
    /// (a one-term query) or no term is informative (the conjunction's matches are all the keyword evidence).</summary>
    public static async Task<bool> RelaxAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid workspaceId, string query, CancellationToken ct)
    {
        // An empty setting makes the policy admit every row of the workspace, so the sample is not biased toward
        // the previous query's matches.
        await using (var reset = new NpgsqlCommand("SELECT set_config('app.search_query', '', true)", connection, tx))
            await reset.ExecuteNonQueryAsync(ct);

        // The sample is the first chunks in storage order: cheap, and common words are common everywhere.
        // array_to_tsvector(...)::text quotes each lexeme the way tsquery input expects.
        await using var command = new NpgsqlCommand("""
            WITH terms AS (SELECT DISTINCT unnest(tsvector_to_array(to_tsvector('english', @q))) AS lexeme),
            sample AS MATERIALIZED (
                SELECT search_vector FROM tenant.document_chunk_search WHERE workspace_id = @ws LIMIT @sample),
            frequency AS (
                SELECT l AS lexeme, count(*) AS chunks
                  FROM sample, unnest(tsvector_to_array(search_vector)) AS l
                 WHERE l IN (SELECT lexeme FROM terms)
                 GROUP BY l)
            SELECT count(*)::int,
                   string_agg(array_to_tsvector(ARRAY[t.lexeme])::text, ' | ')
                       FILTER (WHERE (SELECT count(*) FROM sample) < @prune_from
                                  OR COALESCE(f.chunks, 0) <= @share * (SELECT count(*) FROM sample))
              FROM terms t LEFT JOIN frequency f USING (lexeme)
            """, connection, tx);
        command.Parameters.AddWithValue("q", query);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("sample", SampleSize);
        command.Parameters.AddWithValue("share", CommonShare);
        command.Parameters.AddWithValue("prune_from", PruneFromChunks);
        int terms;
        string? informative;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            terms = reader.GetInt32(0);
            informative = reader.IsDBNull(1) ? null : reader.GetString(1);
        }
        if (terms < 2 || informative is null)
        {
            await RequireAllAsync(connection, tx, query, ct); // back to the conjunction the caller already ran
            return false;
        }

        await using var set = new NpgsqlCommand("SELECT set_config('app.search_query', @any, true)", connection, tx);
        set.Parameters.AddWithValue("any", informative);
        await set.ExecuteNonQueryAsync(ct);
        return true;
    }
}
