using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Tenancy;
using Platform.Data.Tenant.Entities;
using Platform.Web.Ai.Embeddings;

namespace Platform.Web.Features.Documents.Ingestion;

/// <summary>
/// Takes the next unfinished document of a workspace and carries it to ready or failed: extract, chunk, embed in
/// batches (progress saved after each), then replace its chunks in one transaction with binary COPY. Claiming uses
/// a lease with SKIP LOCKED, so several instances can share the work and a crashed one's documents are resumed.
/// </summary>
public sealed class DocumentProcessor(
    TenantDbFactory tenants, TenantConnectionResolver resolver, DataSourceRegistry sources, WorkspaceEmbedder embedder,
    IngestionSignals signals, IOptions<DocumentsOptions> options, IOptions<EmbeddingOptions> embeddingOptions,
    ILogger<DocumentProcessor> logger)
{
    /// <summary>Processes documents of the workspace until none is left to claim. Returns how many it finished.</summary>
    public async Task<int> DrainAsync(Guid workspaceId, CancellationToken ct)
    {
        var done = 0;
        while (!ct.IsCancellationRequested && await ProcessNextAsync(workspaceId, ct)) done++;
        return done;
    }

    /// <summary>Processes one document of the workspace, if one is waiting. True when it did (there may be more): the
    /// worker then puts the workspace at the back of the line, so one workspace's pile never holds up another's.</summary>
    public async Task<bool> ProcessNextAsync(Guid workspaceId, CancellationToken ct)
    {
        if (await ClaimAsync(workspaceId, ct) is not { } documentId) return false;
        await ProcessAsync(workspaceId, documentId, ct);
        return true;
    }

    /// <summary>Message for a document whose attempts ran out without an outcome: the process died while working on
    /// it (a crash, an out-of-memory kill) that many times. It is not claimed again.</summary>
    internal static string GaveUpMessage(int attempts) =>
        $"Processing stopped unexpectedly each time this document was tried ({attempts} attempts), so it was given up. " +
        "Check the file, then upload it again or reprocess it.";

    /// <summary>
    /// Claims the oldest unleased document; the attempt is counted here, before any work, so a process that dies
    /// mid-parse has used it up. Documents whose attempts are used up with no outcome (claimed and never finished,
    /// every time) are marked failed in the same transaction instead of being claimed again after each restart.
    /// The lease covers at least the extraction time limit, so no other instance takes the document meanwhile.
    /// </summary>
    private async Task<Guid?> ClaimAsync(Guid workspaceId, CancellationToken ct)
    {
        var o = options.Value;
        await using var db = await tenants.OpenAsync(workspaceId, null, ct);
        var lease = TimeSpan.FromSeconds(Math.Max(o.LeaseSeconds, o.ExtractionTimeoutSeconds + 30));
        var maxAttempts = Math.Max(1, o.MaxAttempts);
        var gaveUpReason = GaveUpMessage(maxAttempts);
        var gaveUp = await db.Database.SqlQuery<Guid>($"""
            UPDATE tenant.documents
               SET status = 'failed', status_reason = {gaveUpReason}, lease_until = NULL, updated_at = now()
             WHERE workspace_id = {workspaceId} AND status IN ('queued', 'processing') AND attempts >= {maxAttempts}
               AND (lease_until IS NULL OR lease_until < now())
            RETURNING id AS "Value"
            """).ToListAsync(ct);
        var claimed = await db.Database.SqlQuery<Guid>($"""
            UPDATE tenant.documents d
               SET status = 'processing', attempts = d.attempts + 1, progress = 0,
                   lease_until = now() + {lease}, updated_at = now()
             WHERE d.workspace_id = {workspaceId} AND d.id = (
                   SELECT id FROM tenant.documents
                    WHERE workspace_id = {workspaceId} AND status IN ('queued', 'processing')
                      AND (lease_until IS NULL OR lease_until < now()) AND attempts < {maxAttempts}
                    ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING d.id AS "Value"
            """).ToListAsync(ct);
        await db.CommitAsync(ct);
        foreach (var id in gaveUp)
        {
            logger.LogWarning("Document {DocumentId} of workspace {WorkspaceId} used up its attempts without an outcome; marked failed", id, workspaceId);
            signals.Publish(new DocumentChange(workspaceId, id, DocumentStatus.Failed, 0, gaveUpReason));
        }
        return claimed.Count == 0 ? null : claimed[0];
    }

    private async Task ProcessAsync(Guid workspaceId, Guid documentId, CancellationToken ct)
    {
        Document? document;
        byte[]? file;
        await using (var db = await tenants.OpenAsync(workspaceId, null, ct))
        {
            document = await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Id == documentId, ct);
            file = await db.DocumentFiles.Where(f => f.DocumentId == documentId).Select(f => f.Data).FirstOrDefaultAsync(ct);
        }
        if (document is null) return;
        await ReportAsync(workspaceId, documentId, DocumentStatus.Processing, 2, null, ct);

        try
        {
            var text = document.Content;
            if (file is not null)
            {
                var kind = DocumentKindDetector.FromContentType(document.ContentType) ?? DocumentKind.Text;
                var extracted = await new TextExtraction(options.Value, logger).ExtractAsync(file, kind, ct);
                if (extracted.Error is not null)
                {
                    await FailAsync(workspaceId, documentId, extracted.Error, ct);
                    return;
                }
                text = extracted.Text!;
                var title = TitleFromContent(document, extracted.Title);
                await using var db = await tenants.OpenAsync(workspaceId, null, ct);
                await db.Documents.Where(d => d.Id == documentId)
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.Content, text).SetProperty(d => d.Title, title), ct);
                await db.CommitAsync(ct);
                document.Title = title;
            }
            if (string.IsNullOrWhiteSpace(text))
            {
                await FailAsync(workspaceId, documentId, "The document contains no text.", ct);
                return;
            }

            var spans = new Chunker(options.Value.ChunkTokens, options.Value.ChunkOverlapTokens).Split(text);
            await ReportAsync(workspaceId, documentId, DocumentStatus.Processing, 10, null, ct);

            var chunks = new List<NewChunk>(spans.Count);
            string? model = null;
            var batchSize = Math.Max(1, embeddingOptions.Value.BatchSize);
            for (var i = 0; i < spans.Count; i += batchSize)
            {
                var batch = spans.Skip(i).Take(batchSize).ToList();
                var texts = batch.Select(s => EmbeddingText(document.Title, s, text)).ToList();
                var embedded = await embedder.EmbedAsync(workspaceId, document.CreatedByUserId, texts, "document", ct);
                model = embedded.Model;
                for (var j = 0; j < batch.Count; j++)
                {
                    var s = batch[j];
                    // A PDF has pages, not headings: its passages are labelled by the page they start on.
                    var section = s.Section ?? (TextExtraction.PageAt(text, s.Start) is { } page ? $"Page {page}" : null);
                    chunks.Add(new NewChunk(Guid.CreateVersion7(), i + j, text[s.Start..s.End], s.Tokens, section, s.Start, s.End, embedded.Vectors[j]));
                }
                var progress = 10 + (int)(80.0 * chunks.Count / spans.Count);
                if (!await ReportAsync(workspaceId, documentId, DocumentStatus.Processing, progress, null, ct)) return; // deleted meanwhile
            }

            if (!await StoreAsync(workspaceId, documentId, document.ContentHash, chunks, model, ct))
            {
                await ReleaseReplacedAsync(workspaceId, documentId, ct);
                return;
            }
            signals.Publish(new DocumentChange(workspaceId, documentId, DocumentStatus.Ready, 100, null));
        }
        catch (EmbeddingFailedException e) when (e.Transient)
        {
            await RetryOrFailAsync(workspaceId, documentId, e.Message, ct);
        }
        catch (EmbeddingFailedException e)
        {
            await FailAsync(workspaceId, documentId, e.Message, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            logger.LogInformation("Document {DocumentId} was deleted while it was processed", documentId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Processing document {DocumentId} of workspace {WorkspaceId} failed", documentId, workspaceId);
            await RetryOrFailAsync(workspaceId, documentId, "An internal error interrupted processing.", ct);
        }
    }

    /// <summary>An uploaded file is first titled by its file name; once read, the title its content gives itself
    /// (PDF metadata, HTML title, first heading, Word properties) replaces that. A title someone typed (pasted text)
    /// or a Git import's own title stays.</summary>
    internal static string TitleFromContent(Document document, string? extracted)
    {
        if (extracted is null || document.FileName is null || document.GitSourceId is not null) return document.Title;
        var fromName = Path.GetFileNameWithoutExtension(document.FileName);
        var isFileName = document.Title == fromName || document.Title == document.FileName;
        return isFileName ? Platform.Data.Text.PostgresText.Clean(extracted) : document.Title;
    }

    /// <summary>Title and section travel with the chunk text into the embedding: a passage about "Time off" under
    /// "Acme handbook" is found by either.</summary>
    private static string EmbeddingText(string title, ChunkSpan span, string text) =>
        $"{title}\n{(span.Section is null ? "" : span.Section + "\n")}{text[span.Start..span.End]}";

    /// <summary>Swaps in the chunks and marks the document ready — unless its content was replaced meanwhile (a Git
    /// re-sync): then nothing is stored and the document stays queued for the new content. False in that case.</summary>
    private async Task<bool> StoreAsync(Guid workspaceId, Guid documentId, string? contentHash, List<NewChunk> chunks, string? model, CancellationToken ct)
    {
        var source = sources.Get(await resolver.ResolveAsync(workspaceId, ct));
        await using var connection = await source.OpenConnectionAsync(ct);
        await using var tx = await TenantSessionInterceptor.BeginAsync(connection, DbSession.ForWorkspace(workspaceId), ct);
        await using (var delete = new NpgsqlCommand(
            "DELETE FROM tenant.document_chunks WHERE workspace_id = @ws AND document_id = @doc", connection, tx))
        {
            delete.Parameters.AddWithValue("ws", workspaceId);
            delete.Parameters.AddWithValue("doc", documentId);
            await delete.ExecuteNonQueryAsync(ct);
        }
        await ChunkWriter.WriteAsync(connection, workspaceId, documentId, chunks, model, ct);
        await using (var ready = new NpgsqlCommand("""
            UPDATE tenant.documents
               SET status = 'ready', progress = 100, status_reason = NULL, lease_until = NULL, chunk_count = @count,
                   embedding_model = @model, processed_at = now(), updated_at = now()
             WHERE workspace_id = @ws AND id = @doc AND content_hash IS NOT DISTINCT FROM @hash
            """, connection, tx))
        {
            ready.Parameters.AddWithValue("ws", workspaceId);
            ready.Parameters.AddWithValue("doc", documentId);
            ready.Parameters.AddWithValue("count", chunks.Count);
            ready.Parameters.AddWithValue("model", (object?)model ?? DBNull.Value);
            ready.Parameters.Add(new NpgsqlParameter("hash", NpgsqlTypes.NpgsqlDbType.Varchar) { Value = (object?)contentHash ?? DBNull.Value });
            if (await ready.ExecuteNonQueryAsync(ct) == 0)
            {
                await tx.RollbackAsync(ct);
                return false;
            }
        }
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>The content was replaced while this worker embedded the old one: drop the lease its progress reports
    /// kept extending, so the queued new content is claimed right away instead of after the lease.</summary>
    private async Task ReleaseReplacedAsync(Guid workspaceId, Guid documentId, CancellationToken ct)
    {
        await using var db = await tenants.OpenAsync(workspaceId, null, ct);
        await db.Documents.Where(d => d.Id == documentId && d.Status == DocumentStatus.Queued)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null), ct);
        await db.CommitAsync(ct);
        logger.LogInformation("Document {DocumentId} changed while it was processed; its new content is next", documentId);
    }

    /// <summary>Saves progress and extends the lease. False when the document no longer exists.</summary>
    private async Task<bool> ReportAsync(Guid workspaceId, Guid documentId, string status, int progress, string? reason, CancellationToken ct)
    {
        var lease = DateTimeOffset.UtcNow.AddSeconds(options.Value.LeaseSeconds);
        await using var db = await tenants.OpenAsync(workspaceId, null, ct);
        var rows = await db.Documents.Where(d => d.Id == documentId).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Progress, progress).SetProperty(d => d.LeaseUntil, lease)
            .SetProperty(d => d.UpdatedAt, DateTimeOffset.UtcNow), ct);
        await db.CommitAsync(ct);
        if (rows > 0) signals.Publish(new DocumentChange(workspaceId, documentId, status, progress, reason));
        return rows > 0;
    }

    private async Task RetryOrFailAsync(Guid workspaceId, Guid documentId, string reason, CancellationToken ct)
    {
        await using var db = await tenants.OpenAsync(workspaceId, null, ct);
        var attempts = await db.Documents.Where(d => d.Id == documentId).Select(d => d.Attempts).FirstOrDefaultAsync(ct);
        if (attempts >= options.Value.MaxAttempts)
        {
            await db.DisposeAsync();
            await FailAsync(workspaceId, documentId, $"{reason} Gave up after {attempts} attempts.", ct);
            return;
        }
        var retryAt = DateTimeOffset.UtcNow.AddSeconds(15 * Math.Pow(2, attempts - 1));
        var message = $"{reason} Retrying at {retryAt:HH:mm:ss} UTC (attempt {attempts + 1} of {options.Value.MaxAttempts}).";
        await db.Documents.Where(d => d.Id == documentId).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, DocumentStatus.Queued).SetProperty(d => d.StatusReason, message)
            .SetProperty(d => d.LeaseUntil, retryAt).SetProperty(d => d.Progress, 0)
            .SetProperty(d => d.UpdatedAt, DateTimeOffset.UtcNow), ct);
        await db.CommitAsync(ct);
        signals.Publish(new DocumentChange(workspaceId, documentId, DocumentStatus.Queued, 0, message));
    }

    private async Task FailAsync(Guid workspaceId, Guid documentId, string reason, CancellationToken ct)
    {
        await using var db = await tenants.OpenAsync(workspaceId, null, ct);
        await db.Documents.Where(d => d.Id == documentId).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, DocumentStatus.Failed).SetProperty(d => d.StatusReason, reason)
            .SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null).SetProperty(d => d.UpdatedAt, DateTimeOffset.UtcNow), ct);
        await db.CommitAsync(ct);
        signals.Publish(new DocumentChange(workspaceId, documentId, DocumentStatus.Failed, 0, reason));
    }
}
