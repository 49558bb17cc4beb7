using Platform.Web.Features.Workspaces;

namespace Platform.Web.Features.Documents.Git;

/// <summary>Git import for the circuit's current workspace and user (the pages' entry point; checks live in
/// <see cref="GitSourceService"/>).</summary>
public sealed class GitImportLibrary(CurrentWorkspace workspace, GitSourceService sources)
{
    public IReadOnlyList<string> LocalRoots => sources.LocalRoots;

    public Task<List<GitSourceRow>> ListAsync(CancellationToken ct = default) =>
        sources.ListAsync(workspace.WorkspaceId, workspace.UserId, ct);

    public Task<List<GitSyncRunRow>> HistoryAsync(Guid sourceId, CancellationToken ct = default) =>
        sources.HistoryAsync(workspace.WorkspaceId, workspace.UserId, sourceId, ct: ct);

    public Task<Result<Guid>> AddAsync(GitSourceRequest request, CancellationToken ct = default) =>
        sources.AddAsync(workspace.WorkspaceId, workspace.UserId, request, ct);

    public Task<Result<Guid>> SyncNowAsync(Guid sourceId, CancellationToken ct = default) =>
        sources.SyncNowAsync(workspace.WorkspaceId, workspace.UserId, sourceId, ct);

    public Task<Result<Guid>> RemoveAsync(Guid sourceId, bool deleteDocuments, CancellationToken ct = default) =>
        sources.RemoveAsync(workspace.WorkspaceId, workspace.UserId, sourceId, deleteDocuments, ct);
}
