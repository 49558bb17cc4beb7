using Platform.Data.Main.Entities;
using Platform.Web.Features.Workspaces;

namespace Platform.Tests.Workspaces;

/// <summary>Managing members hands out only what the manager holds: a member whose custom role grants
/// manage_members can neither raise themselves nor give anyone (or any role or team) more than they have.</summary>
public class PermissionEscalationTests(WorkspacesLocalPlatform platform) : IClassFixture<WorkspacesLocalPlatform>
{
    private WorkspacePermissions Permissions => platform.Get<WorkspacePermissions>();
    private WorkspaceMembersService Members => platform.Get<WorkspaceMembersService>();
    private WorkspaceRolesService Roles => platform.Get<WorkspaceRolesService>();

    /// <summary>A workspace with an owner, a "manager" (member + custom role: manage_members, use_chat) and a plain member.</summary>
    private async Task<(Guid Ws, Guid Owner, Guid Manager, Guid Member, Guid ManagerRole)> SetUpAsync()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var (manager, member) = (await platform.CreateUserAsync(), await platform.CreateUserAsync());
        await platform.AddMemberAsync(ws, manager, BuiltInRoles.Member);
        await platform.AddMemberAsync(ws, member, BuiltInRoles.Member);
        var role = (await Roles.SaveRoleAsync(ws, owner, null, "People managers", [WorkspacePermission.ManageMembers])).Value;
        Assert.True((await Members.ChangeRoleAsync(ws, owner, manager, BuiltInRoles.Member, role)).Ok);
        return (ws, owner, manager, member, role);
    }

    [Fact]
    public async Task A_manager_cannot_raise_their_own_role()
    {
        var (ws, owner, manager, _, managerRole) = await SetUpAsync();
        var everything = (await Roles.SaveRoleAsync(ws, owner, null, "Everything", WorkspacePermission.All)).Value;

        Assert.False((await Members.ChangeRoleAsync(ws, manager, manager, BuiltInRoles.Admin, managerRole)).Ok);
        Assert.False((await Members.ChangeRoleAsync(ws, manager, manager, BuiltInRoles.Member, everything)).Ok);
        Assert.False((await Members.ChangeRoleAsync(ws, manager, manager, BuiltInRoles.Owner, null)).Ok);
        var grant = (await Permissions.GetAsync(ws, manager))!;
        Assert.Equal((BuiltInRoles.Member, (Guid?)managerRole), (grant.Role, grant.WorkspaceRoleId));
        Assert.False(grant.Has(WorkspacePermission.ViewCosts));
    }

    [Fact]
    public async Task A_manager_gives_others_only_roles_within_their_own_permissions()
    {
        var (ws, owner, manager, member, managerRole) = await SetUpAsync();
        var costs = (await Roles.SaveRoleAsync(ws, owner, null, "Finance", [WorkspacePermission.ViewCosts])).Value;

        var admin = await Members.ChangeRoleAsync(ws, manager, member, BuiltInRoles.Admin, null);
        Assert.False(admin.Ok);
        Assert.Contains("only grant permissions you hold", admin.Error);
        Assert.False((await Members.ChangeRoleAsync(ws, manager, member, BuiltInRoles.Member, costs)).Ok);
        Assert.False((await Members.ChangeRoleAsync(ws, manager, member, BuiltInRoles.Owner, null)).Ok);
        Assert.False((await platform.Get<WorkspaceInvitesService>().CreateAsync(ws, manager, "new@test.local", BuiltInRoles.Admin)).Ok);
        Assert.False((await Permissions.GetAsync(ws, member))!.Has(WorkspacePermission.ViewCosts));

        // Within their own permissions it works: a fellow manager, or a plain member invite.
        Assert.True((await Members.ChangeRoleAsync(ws, manager, member, BuiltInRoles.Member, managerRole)).Ok);
        Assert.True((await platform.Get<WorkspaceInvitesService>().CreateAsync(ws, manager, "plain@test.local", BuiltInRoles.Member)).Ok);
        // …and an owner may still grant anything.
        Assert.True((await Members.ChangeRoleAsync(ws, owner, member, BuiltInRoles.Admin, null)).Ok);
        // Someone holding more than the manager is out of the manager's reach (no demoting an admin).
        Assert.False((await Members.ChangeRoleAsync(ws, manager, member, BuiltInRoles.Member, null)).Ok);
        Assert.False((await Members.RemoveAsync(ws, manager, member)).Ok);
        Assert.Equal(BuiltInRoles.Admin, (await Permissions.GetAsync(ws, member))!.Role);
    }

    [Fact]
    public async Task A_manager_cannot_escalate_through_custom_roles_or_teams()
    {
        var (ws, owner, manager, member, managerRole) = await SetUpAsync();
        var costs = (await Roles.SaveRoleAsync(ws, owner, null, "Finance", [WorkspacePermission.ViewCosts])).Value;

        // A new role, or their own role edited, with more than they hold.
        Assert.False((await Roles.SaveRoleAsync(ws, manager, null, "Sneaky", [WorkspacePermission.ManageSettings])).Ok);
        Assert.False((await Roles.SaveRoleAsync(ws, manager, managerRole, "People managers",
            [WorkspacePermission.ManageMembers, WorkspacePermission.ViewCosts])).Ok);
        // A team carrying a role beyond them, with themselves in it; or editing/deleting such a team or role.
        Assert.False((await Roles.SaveTeamAsync(ws, manager, null, "Back door", null, [manager], costs)).Ok);
        var finance = (await Roles.SaveTeamAsync(ws, owner, null, "Finance team", null, [member], costs)).Value;
        Assert.False((await Roles.SaveTeamAsync(ws, manager, finance, "Finance team", null, [member, manager], costs)).Ok);
        Assert.False((await Roles.DeleteTeamAsync(ws, manager, finance)).Ok);
        Assert.False((await Roles.DeleteRoleAsync(ws, manager, costs)).Ok);
        Assert.False((await Permissions.GetAsync(ws, manager))!.Has(WorkspacePermission.ViewCosts));
        Assert.True((await Permissions.GetAsync(ws, member))!.Has(WorkspacePermission.ViewCosts));

        // Within their permissions, roles and teams are theirs to manage.
        var chatters = await Roles.SaveRoleAsync(ws, manager, null, "Chatters", [WorkspacePermission.UseChat]);
        Assert.True(chatters.Ok, chatters.Error);
        var team = await Roles.SaveTeamAsync(ws, manager, null, "Helpers", null, [member], managerRole);
        Assert.True(team.Ok, team.Error);
    }

    [Fact]
    public async Task The_only_owner_of_a_workspace_is_told_which_workspaces_keep_them_from_deleting_their_account()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync("Blocking workspace");
        var (other, _) = await platform.CreateWorkspaceAsync();
        await platform.AddMemberAsync(other, owner, BuiltInRoles.Owner); // co-owner there: not blocking

        var sole = await Members.SoleOwnedWorkspacesAsync(owner);
        Assert.Equal(["Blocking workspace"], sole.Select(w => w.Name));

        // Once someone else owns it too, nothing blocks.
        var second = await platform.CreateUserAsync();
        await platform.AddMemberAsync(ws, second, BuiltInRoles.Member);
        Assert.True((await Members.ChangeRoleAsync(ws, owner, second, BuiltInRoles.Owner, null)).Ok);
        Assert.Empty(await Members.SoleOwnedWorkspacesAsync(owner));
        Assert.Empty(await Members.SoleOwnedWorkspacesAsync(await platform.CreateUserAsync()));
    }
}
