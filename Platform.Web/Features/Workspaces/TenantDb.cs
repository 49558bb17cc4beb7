using Platform.Data.Tenancy;
using Platform.Data.Tenant;

namespace Platform.Web.Features.Workspaces;

/// <summary>The circuit's way into its workspace's application data: short-lived, workspace-bound contexts.</summary>
public sealed class TenantDb(CurrentWorkspace workspace, TenantDbFactory factory)
{
    /// <summary>A unit of work in the current workspace (transaction begun, tenant set). Dispose it;
    /// call <see cref="TenantDbContext.CommitAsync"/> to keep writes. Membership is re-checked first when the
    /// last check is older than <see cref="CurrentWorkspace.RecheckEvery"/>: a removed member's open tab
    /// gets <see cref="WorkspaceAccessDeniedException"/> instead of data.</summary>
    public async Task<TenantDbContext> OpenAsync(CancellationToken ct = default)
    {
        var access = await workspace.RequireAccessAsync(ct);
        return await factory.OpenAsync(access.WorkspaceId, workspace.UserId, ct);
    }
}
