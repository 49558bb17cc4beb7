using Npgsql;
using NpgsqlTypes;
using Pgvector;
using Platform.Data.Tenancy;

namespace Platform.Web.Features.Documents.Ingestion;

/// <summary>A chunk ready to store.</summary>
public sealed record NewChunk(Guid Id, int Position, string Content, int TokenCount, string? Section, int StartOffset,
    int EndOffset, float[]? Embedding);

/// <summary>
/// Bulk chunk writes with binary COPY (several times faster than EF's batched INSERTs, see `./platform bench search`).
/// Runs inside a transaction begun with <see cref="TenantSessionInterceptor.BeginAsync"/>, so RLS checks every row.
/// </summary>
public static class ChunkWriter
{
    private const string Copy = """
        COPY tenant.document_chunks (workspace_id, id, document_id, position, content, token_count, section,
                                     start_offset, end_offset, embedding, embedding_model, created_at)
        FROM STDIN (FORMAT BINARY)
        """;

    public static async Task<ulong> WriteAsync(NpgsqlConnection connection, Guid workspaceId, Guid documentId,
        IReadOnlyList<NewChunk> chunks, string? embeddingModel, CancellationToken ct = default)
    {
        var now = DateTimeOffset.UtcNow;
        await using var importer = await connection.BeginBinaryImportAsync(Copy, ct);
        foreach (var c in chunks)
        {
            await importer.StartRowAsync(ct);
            await importer.WriteAsync(workspaceId, NpgsqlDbType.Uuid, ct);
            await importer.WriteAsync(c.Id, NpgsqlDbType.Uuid, ct);
            await importer.WriteAsync(documentId, NpgsqlDbType.Uuid, ct);
            await importer.WriteAsync(c.Position, NpgsqlDbType.Integer, ct);
            // PostgreSQL text cannot hold NUL; extraction removes control characters, this is the last guard.
            await importer.WriteAsync(c.Content.Replace("\0", ""), NpgsqlDbType.Text, ct);
            await importer.WriteAsync(c.TokenCount, NpgsqlDbType.Integer, ct);
            if (c.Section is null) await importer.WriteNullAsync(ct);
            else await importer.WriteAsync(c.Section, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(c.StartOffset, NpgsqlDbType.Integer, ct);
            await importer.WriteAsync(c.EndOffset, NpgsqlDbType.Integer, ct);
            if (c.Embedding is null) await importer.WriteNullAsync(ct);
            else await importer.WriteAsync(new Vector(c.Embedding), "vector", ct);
            if (embeddingModel is null || c.Embedding is null) await importer.WriteNullAsync(ct);
            else await importer.WriteAsync(embeddingModel, NpgsqlDbType.Varchar, ct);
            await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
        }
        return await importer.CompleteAsync(ct);
    }
}
