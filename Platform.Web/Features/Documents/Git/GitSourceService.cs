using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Data.Tenancy;
using Platform.Data.Tenant.Entities;
using Platform.Web.Features.Documents.Ingestion;
using Platform.Web.Features.Workspaces;

namespace Platform.Web.Features.Documents.Git;

public sealed record GitSourceRow(Guid Id, string Name, string Repository, bool IsLocal, string? Branch, string? ResolvedBranch,
    string? SubFolder, string Status, string? StatusReason, string? LastCommit, DateTimeOffset? LastSyncedAt, int DocumentCount,
    int? AutoSyncMinutes)
{
    public string BranchLabel => Branch ?? (ResolvedBranch is null ? "default branch" : $"{ResolvedBranch} (default)");
    public string? ShortCommit => LastCommit is null ? null : LastCommit[..Math.Min(7, LastCommit.Length)];
}

public sealed record GitSyncRunRow(Guid Id, string Status, string Trigger, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
    string? Commit, int Added, int Updated, int Removed, int Unchanged, int Rejected, IReadOnlyList<string> Rejections, string? Error)
{
    public string? ShortCommit => Commit is null ? null : Commit[..Math.Min(7, Commit.Length)];
}

/// <summary>What the import dialog submits. Branch null = the remote's default; AutoSyncMinutes null = off.</summary>
public sealed record GitSourceRequest(string Repository, string? Branch = null, string? SubFolder = null, int? AutoSyncMinutes = null);

/// <summary>
/// Git sources of a workspace: list and history for every member; add, sync and remove for whoever may manage
/// documents (the manage_documents permission: owners, admins, custom roles granting it) — checked here, since
/// Blazor UI events bypass HTTP middleware. Workspace and user come from the membership, never the client.
/// </summary>
public sealed class GitSourceService(
    TenantDbFactory tenants, WorkspacePermissions permissions, GitRepository repository, GitSyncSignals signals,
    IngestionSignals ingestion, IOptions<GitImportOptions> options)
{
    public const int MinAutoSyncMinutes = 15;

    public IReadOnlyList<string> LocalRoots => options.Value.LocalRoots;

    public async Task<List<GitSourceRow>> ListAsync(Guid workspaceId, Guid? userId, CancellationToken ct = default)
    {
        await using var db = await tenants.OpenAsync(workspaceId, userId, ct);
        return await db.GitSources.OrderBy(s => s.CreatedAt)
            .Select(s => new GitSourceRow(s.Id, s.Name, s.Repository, s.IsLocal, s.Branch, s.ResolvedBranch, s.SubFolder, s.Status,
                s.StatusReason, s.LastCommit, s.LastSyncedAt, db.Documents.Count(d => d.GitSourceId == s.Id), s.AutoSyncMinutes))
            .ToListAsync(ct);
    }

    public async Task<List<GitSyncRunRow>> HistoryAsync(Guid workspaceId, Guid? userId, Guid sourceId, int take = 50, CancellationToken ct = default)
    {
        await using var db = await tenants.OpenAsync(workspaceId, userId, ct);
        return await db.GitSyncRuns.Where(r => r.SourceId == sourceId).OrderByDescending(r => r.StartedAt).Take(take)
            .Select(r => new GitSyncRunRow(r.Id, r.Status, r.Trigger, r.StartedAt, r.FinishedAt, r.Commit, r.Added, r.Updated, r.Removed,
                r.Unchanged, r.Rejected, r.Rejections, r.Error))
            .ToListAsync(ct);
    }

    /// <summary>Validates the address, branch and folder, asks the remote whether the branch exists (ls-remote, no
    /// clone), saves the source and queues its first sync.</summary>
    public async Task<Result<Guid>> AddAsync(Guid workspaceId, Guid? userId, GitSourceRequest request, CancellationToken ct = default)
    {
        if (await RefusalAsync(workspaceId, userId, ct) is { } refusal) return refusal;
        var (address, error) = GitAddressRules.Parse(request.Repository, options.Value.LocalRoots);
        if (address is null) return Result<Guid>.Fail(error!);
        var branch = string.IsNullOrWhiteSpace(request.Branch) ? null : request.Branch.Trim();
        if (GitAddressRules.CheckBranch(branch) is { } badBranch) return Result<Guid>.Fail(badBranch);
        var (folder, badFolder) = GitAddressRules.CheckSubFolder(request.SubFolder);
        if (badFolder is not null) return Result<Guid>.Fail(badFolder);
        if (request.AutoSyncMinutes is < MinAutoSyncMinutes)
            return Result<Guid>.Fail($"Auto-sync can run every {MinAutoSyncMinutes} minutes at most often.");

        await using (var db = await tenants.OpenAsync(workspaceId, userId, ct))
        {
            if (await db.GitSources.AnyAsync(s => s.Repository == address.Display && s.Branch == branch && s.SubFolder == folder, ct))
                return Result<Guid>.Fail("This repository, branch and folder are already a source of this knowledge base.");
        }
        var (resolved, unreachable) = await repository.ProbeAsync(address, branch, ct);
        if (resolved is null) return Result<Guid>.Fail(unreachable!);

        await using var write = await tenants.OpenAsync(workspaceId, userId, ct);
        var source = new GitSource
        {
            Repository = address.Display, IsLocal = address.IsLocal, Name = address.Name, Branch = branch, ResolvedBranch = resolved,
            SubFolder = folder, AutoSyncMinutes = request.AutoSyncMinutes, CreatedByUserId = userId,
            Status = GitSourceStatus.Queued, NextTrigger = GitSyncTrigger.First, NextRequestedByUserId = userId,
        };
        write.GitSources.Add(source);
        await write.CommitAsync(ct);
        signals.WorkAvailable(workspaceId);
        signals.Publish(new GitSourceChange(workspaceId, source.Id, source.Status));
        return source.Id;
    }

    public async Task<Result<Guid>> SyncNowAsync(Guid workspaceId, Guid? userId, Guid sourceId, CancellationToken ct = default)
    {
        if (await RefusalAsync(workspaceId, userId, ct) is { } refusal) return refusal;
        await using var db = await tenants.OpenAsync(workspaceId, userId, ct);
        var rows = await db.GitSources.Where(s => s.Id == sourceId && (s.Status == GitSourceStatus.Idle || s.Status == GitSourceStatus.Failed))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, GitSourceStatus.Queued).SetProperty(x => x.StatusReason, (string?)null)
                .SetProperty(x => x.NextTrigger, GitSyncTrigger.Manual).SetProperty(x => x.NextRequestedByUserId, userId)
                .SetProperty(x => x.Attempts, 0).SetProperty(x => x.UpdatedAt, DateTimeOffset.UtcNow), ct);
        if (rows == 0)
            return Result<Guid>.Fail(await db.GitSources.AnyAsync(s => s.Id == sourceId, ct)
                ? "A sync of this source is already queued or running." : "The source no longer exists.");
        await db.CommitAsync(ct);
        signals.WorkAvailable(workspaceId);
        signals.Publish(new GitSourceChange(workspaceId, sourceId, GitSourceStatus.Queued));
        return sourceId;
    }

    /// <summary>Removes the source and its history; its documents are deleted or kept (then as ordinary documents).</summary>
    public async Task<Result<Guid>> RemoveAsync(Guid workspaceId, Guid? userId, Guid sourceId, bool deleteDocuments, CancellationToken ct = default)
    {
        if (await RefusalAsync(workspaceId, userId, ct) is { } refusal) return refusal;
        await using var db = await tenants.OpenAsync(workspaceId, userId, ct);
        // Waits for a sync applying its changes right now; that sync then finds the source gone.
        var locked = await db.GitSources.FromSql($"SELECT * FROM tenant.git_sources WHERE workspace_id = {workspaceId} AND id = {sourceId} FOR UPDATE")
            .AsNoTracking().ToListAsync(ct);
        if (locked.Count == 0) return Result<Guid>.Fail("The source no longer exists.");
        var documents = db.Documents.Where(d => d.GitSourceId == sourceId);
        if (deleteDocuments) await documents.ExecuteDeleteAsync(ct);
        else await documents.ExecuteUpdateAsync(s => s.SetProperty(d => d.GitSourceId, (Guid?)null), ct);
        await db.GitSources.Where(s => s.Id == sourceId).ExecuteDeleteAsync(ct);
        await db.CommitAsync(ct);
        signals.Publish(new GitSourceChange(workspaceId, sourceId, "removed"));
        ingestion.Publish(new DocumentChange(workspaceId, Guid.Empty, "deleted", 0, null));
        return sourceId;
    }

    private async Task<Failure?> RefusalAsync(Guid workspaceId, Guid? userId, CancellationToken ct) =>
        userId is null ? Failure.Forbidden("Sign in to manage Git sources.")
            : await permissions.CheckAsync(workspaceId, userId.Value, WorkspacePermission.ManageDocuments, ct);
}
