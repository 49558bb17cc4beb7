using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Platform.Data.Tenancy;
using Platform.Web.Ai;
using Platform.Web.Ai.Chat;

namespace Platform.Web.Features.Chat.Retrieval;

/// <summary>
/// Keyword-only retrieval (PostgreSQL full-text, no embeddings), used when no better <see cref="IKnowledgeSearch"/>
/// is registered — the Documents area's hybrid search replaces it. Ranks chunks by ts_rank over any of the
/// question's words; documents not chunked yet are searched section by section so a fresh install still answers.
/// Runs inside a tenant unit of work, so RLS keeps it to the workspace; the SQL names the workspace too, so it stays
/// there where RLS does not apply (raw SQL gets no EF query filter).
/// </summary>
public sealed partial class KeywordKnowledgeSearch(TenantDbFactory tenants) : IKnowledgeSearch
{
    public async Task<IReadOnlyList<KnowledgePassage>> SearchAsync(Guid workspaceId, Guid? userId, string query, int k,
        KnowledgeFilters? filters = null, CancellationToken ct = default)
    {
        // Words only (letters/digits), OR-ed: a question's filler words must not veto a match.
        var terms = OfflineAssistant.Terms(query);
        if (terms.Count == 0 || k <= 0) return [];
        var tsquery = string.Join(" | ", terms);
        var documentIds = filters?.DocumentIds?.ToArray();

        await using var db = await tenants.OpenAsync(workspaceId, userId, ct);
        var chunks = await db.Database.SqlQuery<Row>($"""
            SELECT c.document_id AS document_id, d.title AS title, c.id AS chunk_id, c.position AS position,
                   c.content AS content, ts_rank(to_tsvector('english', c.content), q)::float8 AS score, c.section AS section
            FROM tenant.document_chunks c
            JOIN tenant.documents d ON d.workspace_id = c.workspace_id AND d.id = c.document_id,
                 to_tsquery('english', {tsquery}) q
            WHERE c.workspace_id = {workspaceId}
              AND to_tsvector('english', c.content) @@ q
              AND ({documentIds}::uuid[] IS NULL OR c.document_id = ANY({documentIds}::uuid[]))
            ORDER BY score DESC, c.position
            LIMIT {k}
            """).ToListAsync(ct);
        var passages = chunks.Select(r => new KnowledgePassage(r.DocumentId, r.Title, r.ChunkId, r.Position, r.Content,
            r.Score, KeywordScore: r.Score, Section: r.Section)).ToList();
        if (passages.Count >= k) return passages;

        var unchunked = await db.Database.SqlQuery<Row>($"""
            SELECT d.id AS document_id, d.title AS title, d.id AS chunk_id, 0 AS position, d.content AS content,
                   ts_rank(to_tsvector('english', d.content), q)::float8 AS score, NULL::text AS section
            FROM tenant.documents d, to_tsquery('english', {tsquery}) q
            WHERE d.workspace_id = {workspaceId} AND d.content IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM tenant.document_chunks c WHERE c.workspace_id = d.workspace_id AND c.document_id = d.id)
              AND to_tsvector('english', d.content) @@ q
              AND ({documentIds}::uuid[] IS NULL OR d.id = ANY({documentIds}::uuid[]))
            ORDER BY score DESC
            LIMIT {k}
            """).ToListAsync(ct);
        foreach (var doc in unchunked)
            passages.AddRange(Sections(doc.Content).Select((s, i) => (s, i, score: OfflineAssistant.Terms(s).Count(terms.Contains)))
                .Where(x => x.score > 0)
                // Not a stored chunk: the chunk id is the document's, the position the section's index.
                .Select(x => new KnowledgePassage(doc.DocumentId, doc.Title, doc.DocumentId, x.i, x.s, doc.Score * x.score, KeywordScore: x.score)));
        return passages.OrderByDescending(p => p.Score).Take(k).ToList();
    }

    /// <summary>Markdown sections (a heading with its text), or paragraphs when there are no headings.</summary>
    private static IEnumerable<string> Sections(string content)
    {
        var parts = HeadingStart().Split(content).Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
        if (parts.Count <= 1) parts = content.Split("\n\n").Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
        return parts.Select(p => p.Length > 2000 ? p[..2000] : p);
    }

    [GeneratedRegex(@"(?m)^(?=#{1,6}\s)")]
    private static partial Regex HeadingStart();

    // Columns come back snake_case (the context's naming convention maps them to these properties).
    private sealed record Row(Guid DocumentId, string Title, Guid ChunkId, int Position, string Content, double Score, string? Section);
}
