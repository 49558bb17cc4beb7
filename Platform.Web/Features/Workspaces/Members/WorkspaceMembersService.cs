using Microsoft.EntityFrameworkCore;
using Platform.Data.Main;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;

namespace Platform.Web.Features.Workspaces;

public sealed record MemberRow(Guid UserId, string? Email, string? DisplayName, string Role, Guid? WorkspaceRoleId,
    string? WorkspaceRoleName, DateTimeOffset JoinedAt);

/// <summary>
/// Members of a workspace: list, change role, remove. Rules enforced here, not in the page:
/// changing or removing others needs manage_members; only owners grant, change or remove the owner role;
/// the last owner can be neither demoted nor removed (nor leave). Every change is audited.
/// </summary>
public sealed class WorkspaceMembersService(MainDbFactory main, WorkspacePermissions permissions)
{
    public async Task<IReadOnlyList<MemberRow>> ListAsync(Guid workspaceId, Guid actorId, CancellationToken ct = default)
    {
        if (await permissions.GetAsync(workspaceId, actorId, ct) is null) return [];
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct);
        return await (from m in db.WorkspaceMembers
                      join u in db.Users on m.UserId equals u.Id
                      join r in db.WorkspaceRoles on new { m.WorkspaceId, Id = m.WorkspaceRoleId } equals new { r.WorkspaceId, Id = (Guid?)r.Id } into roles
                      from r in roles.DefaultIfEmpty()
                      where m.WorkspaceId == workspaceId
                      orderby m.JoinedAt
                      select new MemberRow(m.UserId, u.Email, u.DisplayName, m.Role, m.WorkspaceRoleId, r != null ? r.Name : null, m.JoinedAt))
            .ToListAsync(ct);
    }

    /// <summary>Sets a member's built-in role and optional custom role.</summary>
    public async Task<Result> ChangeRoleAsync(Guid workspaceId, Guid actorId, Guid memberUserId, string role,
        Guid? workspaceRoleId, CancellationToken ct = default)
    {
        if (!BuiltInRoles.All.Contains(role)) return Result.Fail($"Unknown role '{role}'.");
        var actor = await permissions.GetAsync(workspaceId, actorId, ct);
        if (actor is null || !actor.Has(WorkspacePermission.ManageMembers))
            return Result.Fail("You don't have permission to change roles in this workspace.");

        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct);
        await LockWorkspaceAsync(db, workspaceId, ct);
        var member = await db.WorkspaceMembers.SingleOrDefaultAsync(m => m.WorkspaceId == workspaceId && m.UserId == memberUserId, ct);
        if (member is null) return Result.Fail("That person is not a member of this workspace.");
        if ((member.Role == BuiltInRoles.Owner || role == BuiltInRoles.Owner) && !actor.IsOwner)
            return Result.Fail("Only an owner can grant or change the owner role.");
        if (member.Role == BuiltInRoles.Owner && role != BuiltInRoles.Owner && await OwnerCountAsync(db, workspaceId, ct) <= 1)
            return Result.Fail("This is the workspace's last owner. Make someone else an owner first.");
        if (memberUserId == actorId && !actor.IsOwner)
            return Result.Fail("You can't change your own role. Ask an owner.");
        string[]? customPermissions = null;
        if (workspaceRoleId is { } rid)
        {
            customPermissions = await db.WorkspaceRoles.Where(r => r.WorkspaceId == workspaceId && r.Id == rid)
                .Select(r => r.Permissions).SingleOrDefaultAsync(ct);
            if (customPermissions is null) return Result.Fail("That custom role no longer exists.");
        }
        // Neither hand out nor take away more than the actor holds: the new role, and the one it replaces.
        var currentCustom = member.WorkspaceRoleId is { } current
            ? await db.WorkspaceRoles.Where(r => r.WorkspaceId == workspaceId && r.Id == current).Select(r => r.Permissions).SingleOrDefaultAsync(ct)
            : null;
        if (RoleGrants.CheckCanGrant(actor, RoleGrants.Of(role, customPermissions)) is { } refusal)
            return Result.Fail(refusal);
        if (RoleGrants.CheckCanGrant(actor, RoleGrants.Of(member.Role, currentCustom)) is not null)
            return Result.Fail("That person holds permissions you don't; only someone who holds them all can change their role.");

        var before = new { member.Role, member.WorkspaceRoleId };
        member.Role = role;
        member.WorkspaceRoleId = workspaceRoleId;
        await db.CommitAsync(AuditTrail.Entry(workspaceId, actorId, "member.role_changed", "user", memberUserId,
            new { from = before.Role, to = role, fromCustomRole = before.WorkspaceRoleId, toCustomRole = workspaceRoleId }), ct);
        return Result.Success;
    }

    /// <summary>Removes a member (or, when <paramref name="memberUserId"/> is the actor, leaves). The removed
    /// person's open tabs lose access at their next unit of work or periodic re-check (within a minute).</summary>
    public async Task<Result> RemoveAsync(Guid workspaceId, Guid actorId, Guid memberUserId, CancellationToken ct = default)
    {
        var actor = await permissions.GetAsync(workspaceId, actorId, ct);
        if (actor is null) return Result.Fail("You are not a member of this workspace.");
        var leaving = memberUserId == actorId;
        if (!leaving && !actor.Has(WorkspacePermission.ManageMembers))
            return Result.Fail("You don't have permission to remove members from this workspace.");

        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct);
        await LockWorkspaceAsync(db, workspaceId, ct);
        var member = await db.WorkspaceMembers.SingleOrDefaultAsync(m => m.WorkspaceId == workspaceId && m.UserId == memberUserId, ct);
        if (member is null) return Result.Fail("That person is not a member of this workspace.");
        if (member.Role == BuiltInRoles.Owner)
        {
            if (!leaving && !actor.IsOwner) return Result.Fail("Only an owner can remove an owner.");
            if (await OwnerCountAsync(db, workspaceId, ct) <= 1)
                return Result.Fail(leaving
                    ? "You are the last owner: make someone else an owner before leaving, or delete the workspace."
                    : "This is the workspace's last owner and cannot be removed.");
        }

        if (!leaving && RoleGrants.CheckCanGrant(actor, RoleGrants.Of(member.Role, await db.WorkspaceRoles
                .Where(r => r.WorkspaceId == workspaceId && r.Id == member.WorkspaceRoleId).Select(r => r.Permissions).SingleOrDefaultAsync(ct))) is not null)
            return Result.Fail("That person holds permissions you don't; only someone who holds them all can remove them.");

        db.WorkspaceMembers.Remove(member);
        await db.TeamMembers.Where(t => t.WorkspaceId == workspaceId && t.UserId == memberUserId).ExecuteDeleteAsync(ct);
        await db.CommitAsync(AuditTrail.Entry(workspaceId, actorId, leaving ? "member.left" : "member.removed", "user", memberUserId,
            new { role = member.Role }), ct);
        return Result.Success;
    }

    /// <summary>Workspaces the user is the only owner of (not counting ones being deleted): while there are any,
    /// they cannot delete their account, or the workspace would be left without anyone able to manage or delete it.</summary>
    public async Task<IReadOnlyList<WorkspaceAccess>> SoleOwnedWorkspacesAsync(Guid userId, CancellationToken ct = default)
    {
        IReadOnlyList<WorkspaceAccess> owned;
        await using (var db = await main.OpenAsync(DbSession.ForUser(userId), ct))
        {
            owned = await (from m in db.WorkspaceMembers
                           join w in db.Workspaces on m.WorkspaceId equals w.Id
                           where m.UserId == userId && m.Role == BuiltInRoles.Owner && w.Status != WorkspaceStatus.Deleting
                           orderby w.Name
                           select new WorkspaceAccess(w.Id, w.Name, w.Slug, m.Role, w.Status)).ToListAsync(ct);
        }
        var sole = new List<WorkspaceAccess>();
        foreach (var workspace in owned)
        {
            // Other members' rows are visible only inside the workspace's own context.
            await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspace.WorkspaceId, userId), ct);
            if (await OwnerCountAsync(db, workspace.WorkspaceId, ct) <= 1) sole.Add(workspace);
        }
        return sole;
    }

    private static Task<int> OwnerCountAsync(MainDbContext db, Guid workspaceId, CancellationToken ct) =>
        db.WorkspaceMembers.CountAsync(m => m.WorkspaceId == workspaceId && m.Role == BuiltInRoles.Owner, ct);

    /// <summary>Serialises membership changes of one workspace, so two owners demoting each other at the same
    /// moment cannot leave it with none.</summary>
    internal static Task LockWorkspaceAsync(MainDbContext db, Guid workspaceId, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM main.workspaces WHERE id = {workspaceId} FOR UPDATE", ct);
}
