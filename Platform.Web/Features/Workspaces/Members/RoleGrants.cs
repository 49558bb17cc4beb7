namespace Platform.Web.Features.Workspaces;

/// <summary>
/// The escalation rule shared by members, invites, roles and teams: managing members lets you hand out (or take
/// away) only permissions you hold yourself. Owners hold everything; the owner role itself is guarded separately
/// ("only an owner grants the owner role").
/// </summary>
public static class RoleGrants
{
    /// <summary>Null when <paramref name="actor"/> holds every one of <paramref name="permissions"/>, else the reason.</summary>
    public static string? CheckCanGrant(WorkspaceGrant actor, IEnumerable<string> permissions)
    {
        if (actor.IsOwner) return null;
        var missing = permissions.Where(WorkspacePermission.All.Contains).Where(p => !actor.Has(p)).Distinct().ToList();
        return missing.Count == 0 ? null
            : "You can only grant permissions you hold yourself (missing: "
              + string.Join("; ", missing.Select(p => WorkspacePermission.Describe(p).ToLowerInvariant())) + ").";
    }

    /// <summary>Everything a built-in role plus an optional custom role's permissions grant together.</summary>
    public static IEnumerable<string> Of(string builtInRole, IEnumerable<string>? customRolePermissions) =>
        WorkspacePermission.ForBuiltInRole(builtInRole).Concat(customRolePermissions ?? []);
}
