using Platform.Data.Main.Entities;
using Platform.Web.Features.Workspaces;

namespace Platform.Web.Features.Costs;

/// <summary>
/// Who may see money and change budgets. The ONE place to swap in the Workspaces area's permission service
/// (named permission "view_costs") once it is merged; until then owners and admins have it.
/// </summary>
public static class CostPermissions
{
    public const string ViewCosts = "view_costs";

    public static bool CanViewCosts(WorkspaceAccess? access) =>
        access is not null && access.Role is BuiltInRoles.Owner or BuiltInRoles.Admin;

    /// <summary>Changing limits and resolving alerts: the same people who see the money.</summary>
    public static bool CanManageBudget(WorkspaceAccess? access) => CanViewCosts(access);
}
