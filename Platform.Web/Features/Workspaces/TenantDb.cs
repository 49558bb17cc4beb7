using Platform.Data.Tenancy;
using Platform.Data.Tenant;

namespace Platform.Web.Features.Workspaces;

/// <summary>The circuit's way into its workspace's application data: short-lived, workspace-bound contexts.</summary>
public sealed class TenantDb(CurrentWorkspace workspace, TenantDbFactory factory)
{
    /// <summary>A unit of work in the current workspace (transaction begun, tenant set). Dispose it;
    /// call <see cref="TenantDbContext.CommitAsync"/> to keep writes.</summary>
    public Task<TenantDbContext> OpenAsync(CancellationToken ct = default) =>
        factory.OpenAsync(workspace.WorkspaceId, workspace.UserId, ct);
}
