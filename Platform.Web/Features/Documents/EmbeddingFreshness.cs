using Microsoft.EntityFrameworkCore;
using Platform.Data.Tenancy;
using Platform.Data.Tenant.Entities;
using Platform.Web.Ai.Embeddings;
using Platform.Web.Features.Documents.Ingestion;

namespace Platform.Web.Features.Documents;

/// <summary>How many passages were embedded with a model other than the one search uses now, and how many
/// documents are queued for re-embedding.</summary>
public sealed record EmbeddingFreshnessStatus(string CurrentModel, int StalePassages, IReadOnlyList<string> StaleModels, int DocumentsQueued)
{
    public bool Stale => StalePassages > 0;
}

/// <summary>
/// The re-embed job. Changing a workspace's embedding model leaves its chunks with the old model, which search
/// ignores (queries never mix models). Re-embedding puts those documents back in the ingestion queue: the worker
/// re-chunks and embeds them in batches (usage recorded, budget checked, progress saved), and swaps their chunks in
/// one transaction, so the old passages stay readable until the new ones land. The queue lives in the documents
/// table, so a restart resumes it like any other ingestion.
/// </summary>
public sealed class EmbeddingFreshness(TenantDbFactory tenants, WorkspaceEmbedder embedder, IngestionSignals signals)
{
    public const string ReasonPrefix = "Re-embedding with ";

    public async Task<EmbeddingFreshnessStatus> StatusAsync(Guid workspaceId, Guid? userId, CancellationToken ct = default)
    {
        var model = await embedder.CurrentModelAsync(workspaceId, ct);
        await using var db = await tenants.OpenAsync(workspaceId, userId, ct);
        var stale = await db.DocumentChunks.Where(c => c.EmbeddingModel != model)
            .GroupBy(c => c.EmbeddingModel).Select(g => new { Model = g.Key, Count = g.Count() }).ToListAsync(ct);
        var queued = await db.Documents.CountAsync(d => (d.Status == DocumentStatus.Queued || d.Status == DocumentStatus.Processing)
            && d.EmbeddingModel != null && d.EmbeddingModel != model, ct);
        return new EmbeddingFreshnessStatus(model, stale.Sum(s => s.Count),
            stale.Select(s => s.Model ?? "no model").OrderBy(m => m).ToList(), queued);
    }

    /// <summary>Queues every ready document whose chunks were embedded with another model. Returns how many.</summary>
    public async Task<int> QueueAsync(Guid workspaceId, Guid? userId, CancellationToken ct = default)
    {
        var model = await embedder.CurrentModelAsync(workspaceId, ct);
        await using var db = await tenants.OpenAsync(workspaceId, userId, ct);
        var reason = ReasonPrefix + model;
        // A document counts as stale when any of its chunks is (its own column is set with its chunks, but a chunk
        // is the truth search goes by).
        var stale = db.DocumentChunks.Where(c => c.EmbeddingModel != model).Select(c => c.DocumentId);
        var rows = await db.Documents.Where(d => d.Status == DocumentStatus.Ready && stale.Contains(d.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DocumentStatus.Queued).SetProperty(d => d.Attempts, 0)
                .SetProperty(d => d.Progress, 0).SetProperty(d => d.StatusReason, reason)
                .SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null).SetProperty(d => d.UpdatedAt, DateTimeOffset.UtcNow), ct);
        await db.CommitAsync(ct);
        if (rows > 0)
        {
            signals.WorkAvailable(workspaceId);
            signals.Publish(new DocumentChange(workspaceId, Guid.Empty, DocumentStatus.Queued, 0, reason));
        }
        return rows;
    }
}
