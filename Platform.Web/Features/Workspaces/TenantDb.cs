using Platform.Data.Tenant;

namespace Platform.Web.Features.Workspaces;

/// <summary>The circuit's way into its workspace's application data: short-lived, workspace-bound contexts.</summary>
public sealed class TenantDb(CurrentWorkspace workspace)
{
    /// <summary>A unit of work in the current workspace (transaction begun, tenant set). Dispose it;
    /// call <see cref="TenantDbContext.CommitAsync"/> to keep writes. Goes through <see cref="WorkspaceScope"/>, so
    /// the membership is re-checked first: a removed member's open tab gets
    /// <see cref="WorkspaceAccessDeniedException"/> instead of data.</summary>
    public Task<TenantDbContext> OpenAsync(CancellationToken ct = default) => workspace.Scope().OpenTenantAsync(ct);
}
