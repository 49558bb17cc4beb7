using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Data.Tenancy;
using Platform.Data.Tenant;
using Platform.Data.Tenant.Entities;
using Platform.Web.Features.Documents.Ingestion;

namespace Platform.Web.Features.Documents.Git;

/// <summary>
/// Runs the queued syncs of a workspace. A sync claims its source with a lease (SKIP LOCKED, so instances share the
/// work and an interrupted sync is taken over after the lease), clones the branch shallowly into a temp folder,
/// reads its Markdown and applies every change in ONE transaction: new files become documents, changed ones get
/// their content replaced and re-ingested, deleted ones are deleted, unchanged ones are not touched. Any failure
/// before that transaction leaves the source's documents exactly as they were. The documents then go through the
/// ordinary ingestion worker.
/// </summary>
public sealed class GitSyncer(
    TenantDbFactory tenants, GitRepository repository, GitSyncSignals signals, IngestionSignals ingestion,
    IOptions<GitImportOptions> options, IOptions<DocumentsOptions> documents, ILogger<GitSyncer> logger)
{
    private const int MaxRejectionsKept = 100;

    /// <summary>Syncs the workspace's queued sources until none is left to claim. Returns how many runs it finished.</summary>
    public async Task<int> DrainAsync(Guid workspaceId, CancellationToken ct)
    {
        var done = 0;
        while (!ct.IsCancellationRequested && await ClaimAsync(workspaceId, ct) is { } claim)
        {
            if (claim.RunId is { } runId) await SyncAsync(workspaceId, claim.SourceId, runId, ct);
            done++;
        }
        return done;
    }

    private sealed class ClaimRow
    {
        public Guid Id { get; set; }
        public int Attempts { get; set; }
    }

    private sealed record Claim(Guid SourceId, Guid? RunId);

    private async Task<Claim?> ClaimAsync(Guid workspaceId, CancellationToken ct)
    {
        await using var db = await tenants.OpenAsync(workspaceId, null, ct);
        var lease = options.Value.Lease;
        var rows = await db.Database.SqlQuery<ClaimRow>($"""
            UPDATE tenant.git_sources s
               SET status = 'syncing', attempts = s.attempts + 1, lease_until = now() + {lease}, updated_at = now()
             WHERE s.workspace_id = {workspaceId} AND s.id = (
                   SELECT id FROM tenant.git_sources
                    WHERE workspace_id = {workspaceId} AND status IN ('queued', 'syncing')
                      AND (lease_until IS NULL OR lease_until < now())
                    ORDER BY updated_at LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING s.id AS "Id", s.attempts AS "Attempts"
            """).ToListAsync(ct);
        if (rows.Count == 0) return null;
        var (sourceId, attempts) = (rows[0].Id, rows[0].Attempts);

        // A run still "running" was cut off (restart, crash, lost lease): say so in the history.
        var interrupted = await db.GitSyncRuns.Where(r => r.SourceId == sourceId && r.Status == GitSyncRunStatus.Running).ToListAsync(ct);
        foreach (var r in interrupted)
        {
            r.Status = GitSyncRunStatus.Failed;
            r.FinishedAt = DateTimeOffset.UtcNow;
            r.Error = "Interrupted (the server restarted or the sync stopped responding); retried.";
        }
        var source = await db.GitSources.SingleAsync(s => s.Id == sourceId, ct);
        if (attempts > options.Value.MaxAttempts)
        {
            source.Status = GitSourceStatus.Failed;
            source.StatusReason = $"The sync was interrupted {attempts - 1} times and was given up. Use Sync now to try again.";
            source.LeaseUntil = null;
            source.Attempts = 0;
            await db.CommitAsync(ct);
            signals.Publish(new GitSourceChange(workspaceId, sourceId, source.Status));
            return new Claim(sourceId, null);
        }
        var run = new GitSyncRun
        {
            SourceId = sourceId, Trigger = interrupted.Count > 0 ? GitSyncTrigger.Retry : source.NextTrigger,
            RequestedByUserId = source.NextRequestedByUserId,
        };
        db.GitSyncRuns.Add(run);
        source.StatusReason = null;
        await db.CommitAsync(ct);
        signals.Publish(new GitSourceChange(workspaceId, sourceId, GitSourceStatus.Syncing));
        return new Claim(sourceId, run.Id);
    }

    private async Task SyncAsync(Guid workspaceId, Guid sourceId, Guid runId, CancellationToken ct)
    {
        GitSource? source;
        await using (var db = await tenants.OpenAsync(workspaceId, null, ct))
            source = await db.GitSources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sourceId, ct);
        if (source is null) return; // removed meanwhile (its runs went with it)

        try
        {
            // Checked again at every sync: the operator may have narrowed LocalRoots, or a link may now lead elsewhere.
            var (address, invalid) = GitAddressRules.Parse(source.Repository, options.Value.LocalRoots);
            if (address is null || address.IsLocal != source.IsLocal)
            {
                await FailAsync(workspaceId, sourceId, runId, invalid ?? "The repository address is no longer valid.", null, ct);
                return;
            }
            // Same commit as last time: recorded as "no changes" without even cloning (auto-sync stays cheap).
            if (source.LastCommit is not null && await repository.RemoteCommitAsync(address, source.Branch, ct) == source.LastCommit)
            {
                await FinishUnchangedAsync(workspaceId, sourceId, runId, source.LastCommit, source.ResolvedBranch ?? source.Branch ?? "HEAD", ct);
                return;
            }
            var (checkout, cloneError) = await repository.CloneAsync(address, source.Branch, ct);
            if (checkout is null)
            {
                await FailAsync(workspaceId, sourceId, runId, cloneError!, null, ct);
                return;
            }
            await using (checkout)
            {
                if (checkout.Commit == source.LastCommit)
                {
                    await FinishUnchangedAsync(workspaceId, sourceId, runId, checkout.Commit, checkout.Branch, ct);
                    return;
                }
                var scan = await new RepositoryScan(options.Value, documents.Value).ScanAsync(checkout, source.SubFolder, ct);
                if (scan.Error is not null)
                {
                    await FailAsync(workspaceId, sourceId, runId, scan.Error, checkout.Commit, ct);
                    return;
                }
                await ApplyAsync(workspaceId, source, runId, checkout, scan, ct);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Git sync of source {SourceId} in workspace {WorkspaceId} failed", sourceId, workspaceId);
            await FailAsync(workspaceId, sourceId, runId, "An internal error interrupted the sync; the documents were not changed.", null, ct);
        }
    }

    private async Task ApplyAsync(Guid workspaceId, GitSource snapshot, Guid runId, GitCheckout checkout, ScanResult scan, CancellationToken ct)
    {
        await using var db = await tenants.OpenAsync(workspaceId, null, ct);
        // Lock the source: a removal or a worker taking over waits for this transaction (and we see theirs).
        var source = (await db.GitSources.FromSql($"SELECT * FROM tenant.git_sources WHERE workspace_id = {workspaceId} AND id = {snapshot.Id} FOR UPDATE")
            .ToListAsync(ct)).FirstOrDefault();
        var run = await db.GitSyncRuns.FirstOrDefaultAsync(r => r.Id == runId, ct);
        if (source is null || run is null || run.Status != GitSyncRunStatus.Running) return; // removed, or taken over

        var existing = await db.Documents.Where(d => d.GitSourceId == source.Id)
            .Select(d => new { d.Id, d.SourcePath, d.ContentHash }).ToListAsync(ct);
        var byPath = existing.Where(d => d.SourcePath != null).ToDictionary(d => d.SourcePath!, StringComparer.Ordinal);
        var seen = new HashSet<string>(scan.Files.Select(f => f.Path), StringComparer.Ordinal);
        // A file still in the repository but rejected now (grew too large, became binary) keeps its last good version.
        seen.UnionWith(scan.RejectedPaths);
        var owner = run.RequestedByUserId ?? source.CreatedByUserId;
        var changed = new List<Guid>();

        foreach (var file in scan.Files)
        {
            if (!byPath.TryGetValue(file.Path, out var doc))
            {
                var (document, data) = DocumentIntake.NewDocument(file.Title, Path.GetFileName(file.Path), DocumentKind.Markdown,
                    file.Data, file.ContentHash, owner, source.Name, ["git"]);
                document.GitSourceId = source.Id;
                document.SourcePath = file.Path;
                db.Documents.Add(document);
                db.DocumentFiles.Add(data);
                changed.Add(document.Id);
                run.Added++;
            }
            else if (doc.ContentHash != file.ContentHash)
            {
                await DocumentIntake.ReplaceContentAsync(db, doc.Id, file.Title, file.Data, file.ContentHash, ct);
                changed.Add(doc.Id);
                run.Updated++;
            }
            else run.Unchanged++;
        }
        var gone = existing.Where(d => d.SourcePath is null || !seen.Contains(d.SourcePath)).Select(d => d.Id).ToList();
        if (gone.Count > 0) run.Removed = await db.Documents.Where(d => gone.Contains(d.Id)).ExecuteDeleteAsync(ct);

        run.Rejected = scan.Rejections.Count;
        run.Rejections = scan.Rejections.Take(MaxRejectionsKept).ToList();
        run.Commit = checkout.Commit;
        run.Status = GitSyncRunStatus.Succeeded;
        run.FinishedAt = DateTimeOffset.UtcNow;
        MarkIdle(source, checkout.Commit, checkout.Branch);
        await db.CommitAsync(ct);

        if (changed.Count > 0) ingestion.WorkAvailable(workspaceId);
        if (changed.Count + gone.Count > 0)
            ingestion.Publish(new DocumentChange(workspaceId, Guid.Empty, DocumentStatus.Queued, 0, null));
        signals.Publish(new GitSourceChange(workspaceId, source.Id, source.Status));
        logger.LogInformation("Git sync of {Source} at {Commit}: {Added} added, {Updated} updated, {Removed} removed, {Unchanged} unchanged, {Rejected} rejected",
            source.Repository, checkout.Commit[..Math.Min(12, checkout.Commit.Length)], run.Added, run.Updated, run.Removed, run.Unchanged, run.Rejected);
    }

    private static void MarkIdle(GitSource source, string commit, string branch)
    {
        source.Status = GitSourceStatus.Idle;
        source.StatusReason = null;
        source.LastCommit = commit;
        source.ResolvedBranch = branch;
        source.LastSyncedAt = DateTimeOffset.UtcNow;
        source.LeaseUntil = null;
        source.Attempts = 0;
        source.UpdatedAt = DateTimeOffset.UtcNow;
    }

    private async Task FinishUnchangedAsync(Guid workspaceId, Guid sourceId, Guid runId, string commit, string branch, CancellationToken ct)
    {
        await using var db = await tenants.OpenAsync(workspaceId, null, ct);
        var source = await db.GitSources.FirstOrDefaultAsync(s => s.Id == sourceId, ct);
        var run = await db.GitSyncRuns.FirstOrDefaultAsync(r => r.Id == runId, ct);
        if (source is null || run is null || run.Status != GitSyncRunStatus.Running) return;
        run.Status = GitSyncRunStatus.NoChanges;
        run.Commit = commit;
        run.Unchanged = await db.Documents.CountAsync(d => d.GitSourceId == sourceId, ct);
        run.FinishedAt = DateTimeOffset.UtcNow;
        MarkIdle(source, commit, branch);
        await db.CommitAsync(ct);
        signals.Publish(new GitSourceChange(workspaceId, sourceId, source.Status));
    }

    private async Task FailAsync(Guid workspaceId, Guid sourceId, Guid runId, string reason, string? commit, CancellationToken ct)
    {
        await using var db = await tenants.OpenAsync(workspaceId, null, ct);
        var source = await db.GitSources.FirstOrDefaultAsync(s => s.Id == sourceId, ct);
        var run = await db.GitSyncRuns.FirstOrDefaultAsync(r => r.Id == runId, ct);
        if (source is null || run is null || run.Status != GitSyncRunStatus.Running) return;
        run.Status = GitSyncRunStatus.Failed;
        run.Error = reason;
        run.Commit = commit;
        run.FinishedAt = DateTimeOffset.UtcNow;
        source.Status = GitSourceStatus.Failed;
        source.StatusReason = reason;
        source.LeaseUntil = null;
        source.Attempts = 0;
        source.UpdatedAt = DateTimeOffset.UtcNow;
        await db.CommitAsync(ct);
        signals.Publish(new GitSourceChange(workspaceId, sourceId, source.Status));
    }
}
