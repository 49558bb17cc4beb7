using Microsoft.EntityFrameworkCore;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;

namespace Platform.Web.Features.Workspaces;

public sealed record RoleRow(Guid Id, string Name, string[] Permissions, int MemberCount, int TeamCount);
/// <param name="RoleId">The custom role every member of the team gets on top of their own; null for none.</param>
public sealed record TeamRow(Guid Id, string Name, string? Description, IReadOnlyList<Guid> MemberIds, Guid? RoleId);

/// <summary>Custom workspace roles (named permissions on top of the built-in role) and teams. Needs manage_members.</summary>
public sealed class WorkspaceRolesService(MainDbFactory main, WorkspacePermissions permissions)
{
    public async Task<IReadOnlyList<RoleRow>> ListRolesAsync(Guid workspaceId, Guid actorId, CancellationToken ct = default)
    {
        if (await permissions.GetAsync(workspaceId, actorId, ct) is null) return [];
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct);
        return await db.WorkspaceRoles.Where(r => r.WorkspaceId == workspaceId).OrderBy(r => r.Name)
            .Select(r => new RoleRow(r.Id, r.Name, r.Permissions,
                db.WorkspaceMembers.Count(m => m.WorkspaceId == workspaceId && m.WorkspaceRoleId == r.Id),
                db.Teams.Count(t => t.WorkspaceId == workspaceId && t.WorkspaceRoleId == r.Id)))
            .ToListAsync(ct);
    }

    /// <summary>Creates (id null) or updates a custom role.</summary>
    public async Task<Result<Guid>> SaveRoleAsync(Guid workspaceId, Guid actorId, Guid? id, string name,
        IEnumerable<string> rolePermissions, CancellationToken ct = default)
    {
        name = name.Trim();
        var perms = rolePermissions.Distinct().ToArray();
        if (name.Length is < 2 or > 60) return Result<Guid>.Fail("A role name has 2 to 60 characters.");
        if (BuiltInRoles.All.Contains(name.ToLowerInvariant())) return Result<Guid>.Fail($"'{name}' is a built-in role.");
        if (perms.FirstOrDefault(p => !WorkspacePermission.All.Contains(p)) is { } unknown)
            return Result<Guid>.Fail($"Unknown permission '{unknown}'.");
        if (await ManagerAsync(workspaceId, actorId, ct) is not { } actor)
            return await RefusalAsync(workspaceId, actorId, ct);
        if (RoleGrants.CheckCanGrant(actor, perms) is { } tooMuch) return Result<Guid>.Fail(tooMuch);

        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct);
        if (await db.WorkspaceRoles.AnyAsync(r => r.WorkspaceId == workspaceId && r.Name == name && r.Id != id, ct))
            return Result<Guid>.Fail($"There is already a role named '{name}'.");
        WorkspaceRole? role;
        if (id is null)
        {
            role = new WorkspaceRole { WorkspaceId = workspaceId, Name = name, Permissions = perms };
            db.WorkspaceRoles.Add(role);
        }
        else
        {
            role = await db.WorkspaceRoles.SingleOrDefaultAsync(r => r.WorkspaceId == workspaceId && r.Id == id, ct);
            if (role is null) return Result<Guid>.Fail("That role no longer exists.");
            if (RoleGrants.CheckCanGrant(actor, role.Permissions) is not null) return Result<Guid>.Fail(BeyondYou);
            role.Name = name;
            role.Permissions = perms;
        }
        await db.CommitAsync(AuditTrail.Entry(workspaceId, actorId, id is null ? "role.created" : "role.updated", "workspace_role", role.Id,
            new { name, permissions = perms }), ct);
        return role.Id;
    }

    public async Task<Result> DeleteRoleAsync(Guid workspaceId, Guid actorId, Guid id, CancellationToken ct = default)
    {
        if (await ManagerAsync(workspaceId, actorId, ct) is not { } actor)
            return await RefusalAsync(workspaceId, actorId, ct);
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct);
        var role = await db.WorkspaceRoles.SingleOrDefaultAsync(r => r.WorkspaceId == workspaceId && r.Id == id, ct);
        if (role is null) return Result.Success;
        if (RoleGrants.CheckCanGrant(actor, role.Permissions) is not null) return Result.Fail(BeyondYou);
        // Members holding it fall back to their built-in role; teams carrying it stop granting anything.
        await db.WorkspaceMembers.Where(m => m.WorkspaceId == workspaceId && m.WorkspaceRoleId == id)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.WorkspaceRoleId, (Guid?)null), ct);
        await db.Teams.Where(t => t.WorkspaceId == workspaceId && t.WorkspaceRoleId == id)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.WorkspaceRoleId, (Guid?)null), ct);
        db.WorkspaceRoles.Remove(role);
        await db.CommitAsync(AuditTrail.Entry(workspaceId, actorId, "role.deleted", "workspace_role", id, new { role.Name }), ct);
        return Result.Success;
    }

    public async Task<IReadOnlyList<TeamRow>> ListTeamsAsync(Guid workspaceId, Guid actorId, CancellationToken ct = default)
    {
        if (await permissions.GetAsync(workspaceId, actorId, ct) is null) return [];
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct);
        var teams = await db.Teams.Where(t => t.WorkspaceId == workspaceId).OrderBy(t => t.Name).ToListAsync(ct);
        var members = await db.TeamMembers.Where(m => m.WorkspaceId == workspaceId).ToListAsync(ct);
        return teams.Select(t => new TeamRow(t.Id, t.Name, t.Description,
            members.Where(m => m.TeamId == t.Id).Select(m => m.UserId).ToList(), t.WorkspaceRoleId)).ToList();
    }

    /// <summary>Creates (id null) or updates a team, sets its members (who must be workspace members) and the custom
    /// role it grants them (<paramref name="roleId"/>; null for none).</summary>
    public async Task<Result<Guid>> SaveTeamAsync(Guid workspaceId, Guid actorId, Guid? id, string name,
        string? description, IReadOnlyCollection<Guid> memberIds, Guid? roleId = null, CancellationToken ct = default)
    {
        name = name.Trim();
        if (name.Length is < 2 or > 80) return Result<Guid>.Fail("A team name has 2 to 80 characters.");
        if (await ManagerAsync(workspaceId, actorId, ct) is not { } actor)
            return await RefusalAsync(workspaceId, actorId, ct);

        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct);
        if (await db.Teams.AnyAsync(t => t.WorkspaceId == workspaceId && t.Name == name && t.Id != id, ct))
            return Result<Guid>.Fail($"There is already a team named '{name}'.");
        var known = await db.WorkspaceMembers.Where(m => m.WorkspaceId == workspaceId && memberIds.Contains(m.UserId))
            .Select(m => m.UserId).ToListAsync(ct);
        if (known.Count != memberIds.Distinct().Count()) return Result<Guid>.Fail("Teams can only hold members of this workspace.");
        if (roleId is not null)
        {
            var granted = await RolePermissionsAsync(db, workspaceId, roleId, ct);
            if (granted is null) return Result<Guid>.Fail("That role no longer exists.");
            // A team's role reaches every member, the actor too if they put themselves in it.
            if (RoleGrants.CheckCanGrant(actor, granted) is { } tooMuch) return Result<Guid>.Fail(tooMuch);
        }

        Team? team;
        if (id is null)
        {
            team = new Team { WorkspaceId = workspaceId, Name = name, Description = description, WorkspaceRoleId = roleId };
            db.Teams.Add(team);
        }
        else
        {
            team = await db.Teams.SingleOrDefaultAsync(t => t.WorkspaceId == workspaceId && t.Id == id, ct);
            if (team is null) return Result<Guid>.Fail("That team no longer exists.");
            if (RoleGrants.CheckCanGrant(actor, await RolePermissionsAsync(db, workspaceId, team.WorkspaceRoleId, ct) ?? []) is not null)
                return Result<Guid>.Fail(BeyondYou);
            team.Name = name;
            team.Description = description;
            team.WorkspaceRoleId = roleId;
            await db.TeamMembers.Where(m => m.WorkspaceId == workspaceId && m.TeamId == team.Id).ExecuteDeleteAsync(ct);
        }
        db.TeamMembers.AddRange(known.Select(u => new TeamMember { WorkspaceId = workspaceId, TeamId = team.Id, UserId = u }));
        await db.CommitAsync(AuditTrail.Entry(workspaceId, actorId, id is null ? "team.created" : "team.updated", "team", team.Id,
            new { name, members = known, role = roleId }), ct);
        return team.Id;
    }

    public async Task<Result> DeleteTeamAsync(Guid workspaceId, Guid actorId, Guid id, CancellationToken ct = default)
    {
        if (await ManagerAsync(workspaceId, actorId, ct) is not { } actor)
            return await RefusalAsync(workspaceId, actorId, ct);
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct);
        var teamRole = await db.Teams.Where(t => t.WorkspaceId == workspaceId && t.Id == id).Select(t => t.WorkspaceRoleId).FirstOrDefaultAsync(ct);
        if (RoleGrants.CheckCanGrant(actor, await RolePermissionsAsync(db, workspaceId, teamRole, ct) ?? []) is not null)
            return Result.Fail(BeyondYou);
        var deleted = await db.Teams.Where(t => t.WorkspaceId == workspaceId && t.Id == id).ExecuteDeleteAsync(ct);
        if (deleted > 0) await db.CommitAsync(AuditTrail.Entry(workspaceId, actorId, "team.deleted", "team", id), ct);
        return Result.Success;
    }

    private const string BeyondYou = "That role grants permissions you don't hold; only someone who holds them all can change it.";

    /// <summary>The actor's grant when they may manage members here; null otherwise (see <see cref="RefusalAsync"/>).</summary>
    private async Task<WorkspaceGrant?> ManagerAsync(Guid workspaceId, Guid actorId, CancellationToken ct)
    {
        var grant = await permissions.GetAsync(workspaceId, actorId, ct);
        return grant?.Has(WorkspacePermission.ManageMembers) == true ? grant : null;
    }

    private async Task<Failure> RefusalAsync(Guid workspaceId, Guid actorId, CancellationToken ct) =>
        await permissions.CheckAsync(workspaceId, actorId, WorkspacePermission.ManageMembers, ct)
        ?? Failure.Forbidden("You don't have permission to manage members of this workspace.");

    private static Task<string[]?> RolePermissionsAsync(Platform.Data.Main.MainDbContext db, Guid workspaceId, Guid? roleId, CancellationToken ct) =>
        roleId is null ? Task.FromResult<string[]?>(null)
            : db.WorkspaceRoles.Where(r => r.WorkspaceId == workspaceId && r.Id == roleId).Select(r => (string[]?)r.Permissions).SingleOrDefaultAsync(ct);
}
