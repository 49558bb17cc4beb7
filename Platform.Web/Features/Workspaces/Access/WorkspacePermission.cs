using Platform.Data.Main.Entities;

namespace Platform.Web.Features.Workspaces;

/// <summary>The named permissions the app actually checks (custom workspace roles grant them by these names).</summary>
public static class WorkspacePermission
{
    public const string ManageMembers = "manage_members";
    public const string ManageDocuments = "manage_documents";
    public const string ManageSettings = "manage_settings";
    public const string ViewCosts = "view_costs";
    public const string ManageBudgets = "manage_budgets";
    public const string UseChat = "use_chat";
    public const string ManageApiKeys = "manage_api_keys";

    public static readonly IReadOnlyList<string> All =
        [ManageMembers, ManageDocuments, ManageSettings, ViewCosts, ManageBudgets, UseChat, ManageApiKeys];

    public static string Describe(string permission) => permission switch
    {
        ManageMembers => "Manage members, invites, roles and teams",
        ManageDocuments => "Manage the knowledge base: delete anyone's documents, re-embed, import from Git",
        ManageSettings => "Change workspace settings, data placement and AI providers",
        ViewCosts => "See AI costs",
        ManageBudgets => "Set budgets and alerts",
        UseChat => "Chat with the assistant",
        ManageApiKeys => "Create and revoke the workspace's API keys and webhooks",
        _ => permission,
    };

    /// <summary>What each built-in role grants. A member's custom role adds to this; it never takes away.</summary>
    public static IReadOnlySet<string> ForBuiltInRole(string role) => role switch
    {
        BuiltInRoles.Owner or BuiltInRoles.Admin => AllSet,
        _ => MemberSet,
    };

    private static readonly HashSet<string> AllSet = [.. All];
    private static readonly HashSet<string> MemberSet = [UseChat];
}

/// <summary>What one user may do in one workspace, read fresh from the database.</summary>
public sealed record WorkspaceGrant(Guid WorkspaceId, Guid UserId, string Role, Guid? WorkspaceRoleId,
    IReadOnlySet<string> Permissions, WorkspaceStatus Status)
{
    public bool IsOwner => Role == BuiltInRoles.Owner;
    public bool IsActive => Status == WorkspaceStatus.Active;

    /// <summary>A suspended workspace grants nothing, whatever the role says.</summary>
    public bool Has(string permission) => IsActive && Permissions.Contains(permission);
}

/// <summary>Thrown by <see cref="WorkspacePermissions.RequireAsync"/>; the message is fit to show.</summary>
public sealed class WorkspaceAccessDeniedException(string message) : Exception(message);
