using Platform.Web.Features.Workspaces;

namespace Platform.Web.Features.Costs;

/// <summary>
/// Who may see money ("view_costs") and change budgets or resolve alerts ("manage_budgets"): asks the Workspaces
/// area's <see cref="WorkspacePermissions"/>, so custom roles count and a removed member is refused at once.
/// Services call it themselves (a circuit's UI events never pass HTTP middleware); pages use it only to hide.
/// </summary>
public sealed class CostPermissions(WorkspacePermissions permissions)
{
    public const string ViewCosts = WorkspacePermission.ViewCosts;
    public const string ManageBudgets = WorkspacePermission.ManageBudgets;

    public Task<bool> CanViewCostsAsync(Guid workspaceId, Guid userId, CancellationToken ct = default) =>
        permissions.HasAsync(workspaceId, userId, ViewCosts, ct);

    public Task<bool> CanManageBudgetsAsync(Guid workspaceId, Guid userId, CancellationToken ct = default) =>
        permissions.HasAsync(workspaceId, userId, ManageBudgets, ct);

    /// <summary>Null when allowed, else the refusal to show.</summary>
    public Task<Failure?> CheckManageAsync(Guid workspaceId, Guid userId, CancellationToken ct = default) =>
        permissions.CheckAsync(workspaceId, userId, ManageBudgets, ct);

    /// <summary>Throws <see cref="WorkspaceAccessDeniedException"/> unless the user may see money.</summary>
    public async Task RequireViewAsync(Guid workspaceId, Guid userId, CancellationToken ct = default)
    {
        if (await permissions.CheckAsync(workspaceId, userId, ViewCosts, ct) is { } refusal)
            throw new WorkspaceAccessDeniedException(refusal.Message);
    }
}
