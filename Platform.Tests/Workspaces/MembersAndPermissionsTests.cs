using Microsoft.EntityFrameworkCore;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Web.Features.Workspaces;

namespace Platform.Tests.Workspaces;

public class MembersAndPermissionsTests(WorkspacesLocalPlatform platform) : IClassFixture<WorkspacesLocalPlatform>
{
    private WorkspacePermissions Permissions => platform.Get<WorkspacePermissions>();
    private WorkspaceMembersService Members => platform.Get<WorkspaceMembersService>();

    [Fact]
    public async Task Built_in_roles_grant_their_permissions_and_a_custom_role_adds_to_them()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var member = await platform.CreateUserAsync();
        await platform.AddMemberAsync(ws, member, BuiltInRoles.Member);

        Assert.True(await Permissions.HasAsync(ws, owner, WorkspacePermission.ManageMembers));
        Assert.True(await Permissions.HasAsync(ws, member, WorkspacePermission.UseChat));
        Assert.False(await Permissions.HasAsync(ws, member, WorkspacePermission.ManageDocuments));
        Assert.False(await Permissions.HasAsync(ws, await platform.CreateUserAsync(), WorkspacePermission.UseChat));

        var role = await platform.Get<WorkspaceRolesService>().SaveRoleAsync(ws, owner, null, "Editors", [WorkspacePermission.ManageDocuments]);
        Assert.True(role.Ok, role.Error);
        Assert.True((await Members.ChangeRoleAsync(ws, owner, member, BuiltInRoles.Member, role.Value)).Ok);
        Assert.True(await Permissions.HasAsync(ws, member, WorkspacePermission.ManageDocuments));
        Assert.False(await Permissions.HasAsync(ws, member, WorkspacePermission.ManageMembers));
        await Assert.ThrowsAsync<WorkspaceAccessDeniedException>(() =>
            Permissions.RequireAsync(ws, member, WorkspacePermission.ManageSettings));
    }

    [Fact]
    public async Task A_team_carrying_a_role_grants_its_permissions_to_its_members_only_while_they_are_in_it()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var (inTeam, outside) = (await platform.CreateUserAsync(), await platform.CreateUserAsync());
        await platform.AddMemberAsync(ws, inTeam, BuiltInRoles.Member);
        await platform.AddMemberAsync(ws, outside, BuiltInRoles.Member);
        var roles = platform.Get<WorkspaceRolesService>();
        var finance = (await roles.SaveRoleAsync(ws, owner, null, "Finance", [WorkspacePermission.ViewCosts])).Value;

        var team = await roles.SaveTeamAsync(ws, owner, null, "Finance team", null, [inTeam], finance);
        Assert.True(team.Ok, team.Error);
        Assert.True(await Permissions.HasAsync(ws, inTeam, WorkspacePermission.ViewCosts));
        Assert.True(await Permissions.HasAsync(ws, inTeam, WorkspacePermission.UseChat)); // adds, never takes away
        Assert.False(await Permissions.HasAsync(ws, outside, WorkspacePermission.ViewCosts));
        var listed = Assert.Single(await roles.ListRolesAsync(ws, owner));
        Assert.Equal((0, 1), (listed.MemberCount, listed.TeamCount));

        // Out of the team, out of its permissions; a role that no longer exists can't be given to a team.
        Assert.True((await roles.SaveTeamAsync(ws, owner, team.Value, "Finance team", null, [outside], finance)).Ok);
        Assert.False(await Permissions.HasAsync(ws, inTeam, WorkspacePermission.ViewCosts));
        Assert.True(await Permissions.HasAsync(ws, outside, WorkspacePermission.ViewCosts));
        Assert.True((await roles.DeleteRoleAsync(ws, owner, finance)).Ok);
        Assert.False(await Permissions.HasAsync(ws, outside, WorkspacePermission.ViewCosts));
        Assert.Null(Assert.Single(await roles.ListTeamsAsync(ws, owner)).RoleId);
        Assert.False((await roles.SaveTeamAsync(ws, owner, team.Value, "Finance team", null, [outside], finance)).Ok);
    }

    [Fact]
    public async Task A_member_cannot_change_roles_or_remove_people_through_the_service()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var member = await platform.CreateUserAsync();
        var other = await platform.CreateUserAsync();
        await platform.AddMemberAsync(ws, member, BuiltInRoles.Member);
        await platform.AddMemberAsync(ws, other, BuiltInRoles.Member);

        var promote = await Members.ChangeRoleAsync(ws, member, member, BuiltInRoles.Admin, null);
        Assert.False(promote.Ok);
        Assert.False((await Members.ChangeRoleAsync(ws, member, owner, BuiltInRoles.Member, null)).Ok);
        Assert.False((await Members.RemoveAsync(ws, member, other)).Ok);
        Assert.False((await platform.Get<WorkspaceRolesService>().SaveRoleAsync(ws, member, null, "Sneaky", WorkspacePermission.All)).Ok);
        Assert.False((await platform.Get<WorkspaceInvitesService>().CreateAsync(ws, member, "x@test.local", BuiltInRoles.Admin)).Ok);

        var grant = await Permissions.GetAsync(ws, member);
        Assert.Equal(BuiltInRoles.Member, grant!.Role);
    }

    [Fact]
    public async Task An_admin_cannot_touch_owners_and_the_last_owner_can_neither_be_demoted_nor_leave()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var admin = await platform.CreateUserAsync();
        await platform.AddMemberAsync(ws, admin, BuiltInRoles.Admin);

        Assert.False((await Members.ChangeRoleAsync(ws, admin, owner, BuiltInRoles.Member, null)).Ok);
        Assert.False((await Members.RemoveAsync(ws, admin, owner)).Ok);
        Assert.False((await Members.ChangeRoleAsync(ws, admin, admin, BuiltInRoles.Owner, null)).Ok);

        var demote = await Members.ChangeRoleAsync(ws, owner, owner, BuiltInRoles.Admin, null);
        Assert.Contains("last owner", demote.Error);
        var leave = await Members.RemoveAsync(ws, owner, owner);
        Assert.Contains("last owner", leave.Error);

        // With a second owner, the first may step down.
        Assert.True((await Members.ChangeRoleAsync(ws, owner, admin, BuiltInRoles.Owner, null)).Ok);
        Assert.True((await Members.RemoveAsync(ws, owner, owner)).Ok);
        Assert.Null(await Permissions.GetAsync(ws, owner));
        Assert.Contains("last owner", (await Members.RemoveAsync(ws, admin, admin)).Error);
    }

    [Fact]
    public async Task Role_changes_and_removals_are_audited()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var member = await platform.CreateUserAsync();
        await platform.AddMemberAsync(ws, member, BuiltInRoles.Member);
        await Members.ChangeRoleAsync(ws, owner, member, BuiltInRoles.Admin, null);
        await Members.RemoveAsync(ws, owner, member);

        await using var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws, owner));
        var actions = await db.AuditLog.Where(a => a.WorkspaceId == ws).Select(a => a.Action).ToListAsync();
        Assert.Contains("member.role_changed", actions);
        Assert.Contains("member.removed", actions);
    }

    [Fact]
    public async Task A_removed_member_loses_access_at_the_next_recheck_of_an_open_circuit()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var member = await platform.CreateUserAsync();
        await platform.AddMemberAsync(ws, member, BuiltInRoles.Member);
        var slug = (await platform.Get<WorkspaceDirectory>().ForUserAsync(member)).Single().Slug;

        var circuit = new CurrentWorkspace(new SignedIn(member), platform.Get<WorkspaceDirectory>(), Microsoft.Extensions.Logging.Abstractions.NullLogger<CurrentWorkspace>.Instance, platform.Clock);
        Assert.NotNull(await circuit.EnterAsync(slug));
        var changed = 0;
        using var _ = circuit.Changed.Subscribe(_ => changed++);

        Assert.True((await Members.RemoveAsync(ws, owner, member)).Ok);
        // The service refuses at once; the open circuit within RecheckEvery (< 1 minute).
        Assert.False(await Permissions.HasAsync(ws, member, WorkspacePermission.UseChat));
        platform.Clock.Advance(CurrentWorkspace.RecheckEvery + TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<WorkspaceAccessDeniedException>(() => circuit.RequireAccessAsync());
        Assert.Null(circuit.Access);
        Assert.Equal(1, changed);
        Assert.True(CurrentWorkspace.RecheckEvery < TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task A_suspended_workspace_grants_nothing()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        await using (var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws)))
        {
            await db.Workspaces.Where(w => w.Id == ws).ExecuteUpdateAsync(s => s.SetProperty(w => w.Status, WorkspaceStatus.Suspended));
            await db.Database.CommitTransactionAsync();
        }
        Assert.False(await Permissions.HasAsync(ws, owner, WorkspacePermission.UseChat));
        Assert.Equal(Failure.Forbidden("This workspace is suspended."), await Permissions.CheckAsync(ws, owner, WorkspacePermission.UseChat));
    }
}
