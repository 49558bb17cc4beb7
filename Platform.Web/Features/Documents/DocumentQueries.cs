using Microsoft.EntityFrameworkCore;
using Platform.Data.Tenancy;
using Platform.Data.Tenant.Entities;
using Platform.Web.Features.Documents.Ingestion;

namespace Platform.Web.Features.Documents;

public sealed record DocumentRow(Guid Id, string Title, string? FileName, string ContentType, long SizeBytes, string Status,
    string? StatusReason, int Progress, int ChunkCount, string? Category, IReadOnlyList<string> Tags, string? EmbeddingModel,
    DateTimeOffset CreatedAt, string? SourcePath = null);

public sealed record ChunkView(Guid Id, int Position, int StartOffset, int EndOffset, int TokenCount, string? Section);

public sealed record DocumentView(DocumentRow Document, string? Content, IReadOnlyList<ChunkView> Chunks);

/// <summary>Which page of the library, and optional filters (all must match).</summary>
public sealed record DocumentListFilter(int Page = 1, int PageSize = 50, string? Status = null, string? Category = null, string? Tag = null);

public sealed record DocumentPage(IReadOnlyList<DocumentRow> Items, int Page, int PageSize, int Total);

/// <summary>Reads and deletes of documents for a workspace (workspace and user come from the membership).</summary>
public sealed class DocumentQueries(TenantDbFactory tenants, IngestionSignals signals)
{
    public async Task<List<DocumentRow>> ListAsync(Guid workspaceId, Guid? userId, CancellationToken ct = default)
    {
        await using var db = await tenants.OpenAsync(workspaceId, userId, ct);
        return await db.Documents.OrderByDescending(d => d.CreatedAt).Take(500)
            .Select(d => new DocumentRow(d.Id, d.Title, d.FileName, d.ContentType, d.SizeBytes, d.Status, d.StatusReason,
                d.Progress, d.ChunkCount, d.Category, d.Tags, d.EmbeddingModel, d.CreatedAt, d.SourcePath))
            .ToListAsync(ct);
    }

    public async Task<DocumentPage> ListPageAsync(Guid workspaceId, Guid? userId, DocumentListFilter filter, CancellationToken ct = default)
    {
        await using var db = await tenants.OpenAsync(workspaceId, userId, ct);
        var query = db.Documents.AsQueryable();
        if (filter.Status is { } status) query = query.Where(d => d.Status == status);
        if (filter.Category is { } category) query = query.Where(d => d.Category == category);
        if (filter.Tag is { } tag) query = query.Where(d => d.Tags.Contains(tag));
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(d => d.CreatedAt).ThenBy(d => d.Id)
            .Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize)
            .Select(d => new DocumentRow(d.Id, d.Title, d.FileName, d.ContentType, d.SizeBytes, d.Status, d.StatusReason,
                d.Progress, d.ChunkCount, d.Category, d.Tags, d.EmbeddingModel, d.CreatedAt, d.SourcePath))
            .ToListAsync(ct);
        return new DocumentPage(items, filter.Page, filter.PageSize, total);
    }

    public async Task<DocumentView?> GetAsync(Guid workspaceId, Guid? userId, Guid documentId, CancellationToken ct = default)
    {
        await using var db = await tenants.OpenAsync(workspaceId, userId, ct);
        var row = await db.Documents.Where(d => d.Id == documentId)
            .Select(d => new { Row = new DocumentRow(d.Id, d.Title, d.FileName, d.ContentType, d.SizeBytes, d.Status, d.StatusReason,
                d.Progress, d.ChunkCount, d.Category, d.Tags, d.EmbeddingModel, d.CreatedAt, d.SourcePath), d.Content })
            .FirstOrDefaultAsync(ct);
        if (row is null) return null;
        var chunks = await db.DocumentChunks.Where(c => c.DocumentId == documentId).OrderBy(c => c.Position)
            .Select(c => new ChunkView(c.Id, c.Position, c.StartOffset, c.EndOffset, c.TokenCount, c.Section))
            .ToListAsync(ct);
        return new DocumentView(row.Row, row.Content, chunks);
    }

    public async Task<(List<string> Categories, List<string> Tags)> FacetsAsync(Guid workspaceId, Guid? userId, CancellationToken ct = default)
    {
        await using var db = await tenants.OpenAsync(workspaceId, userId, ct);
        var categories = await db.Documents.Where(d => d.Category != null).Select(d => d.Category!).Distinct().OrderBy(c => c).Take(200).ToListAsync(ct);
        var tags = await db.Documents.SelectMany(d => d.Tags).Distinct().OrderBy(t => t).Take(500).ToListAsync(ct);
        return (categories, tags);
    }

    public async Task<Guid?> CreatedByAsync(Guid workspaceId, Guid? userId, Guid documentId, CancellationToken ct = default)
    {
        await using var db = await tenants.OpenAsync(workspaceId, userId, ct);
        return await db.Documents.Where(d => d.Id == documentId).Select(d => d.CreatedByUserId).FirstOrDefaultAsync(ct);
    }

    /// <summary>Deletes the document; its file, chunks and search entries go with it (cascading keys).</summary>
    public async Task<bool> DeleteAsync(Guid workspaceId, Guid? userId, Guid documentId, CancellationToken ct = default)
    {
        await using var db = await tenants.OpenAsync(workspaceId, userId, ct);
        var rows = await db.Documents.Where(d => d.Id == documentId).ExecuteDeleteAsync(ct);
        await db.CommitAsync(ct);
        if (rows > 0) signals.Publish(new DocumentChange(workspaceId, documentId, "deleted", 0, null));
        return rows > 0;
    }

    /// <summary>Puts a failed document back in the queue.</summary>
    public async Task<bool> RetryAsync(Guid workspaceId, Guid? userId, Guid documentId, CancellationToken ct = default)
    {
        await using var db = await tenants.OpenAsync(workspaceId, userId, ct);
        var rows = await db.Documents.Where(d => d.Id == documentId && d.Status == DocumentStatus.Failed)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DocumentStatus.Queued).SetProperty(d => d.Attempts, 0)
                .SetProperty(d => d.StatusReason, (string?)null).SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null), ct);
        await db.CommitAsync(ct);
        if (rows > 0)
        {
            signals.WorkAvailable(workspaceId);
            signals.Publish(new DocumentChange(workspaceId, documentId, DocumentStatus.Queued, 0, null));
        }
        return rows > 0;
    }
}
