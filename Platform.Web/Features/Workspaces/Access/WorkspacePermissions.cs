using Microsoft.EntityFrameworkCore;
using Platform.Data.Tenancy;

namespace Platform.Web.Features.Workspaces;

/// <summary>
/// The one place that answers "may this user do X in this workspace?" for every area's services: the built-in
/// role, plus the member's custom role, plus the custom roles of the teams they are in. Always reads the membership
/// fresh (one small indexed query), so a removed member or a suspended workspace is refused at
/// the next operation, not after some cache expires.
/// </summary>
public sealed class WorkspacePermissions(MainDbFactory main)
{
    /// <summary>The user's grant in the workspace; null when they are not a member.</summary>
    public async Task<WorkspaceGrant?> GetAsync(Guid workspaceId, Guid userId, CancellationToken ct = default)
    {
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, userId), ct);
        var row = await (from m in db.WorkspaceMembers
                         join w in db.Workspaces on m.WorkspaceId equals w.Id
                         where m.WorkspaceId == workspaceId && m.UserId == userId
                         select new
                         {
                             m.Role, m.WorkspaceRoleId, w.Status,
                             Extra = db.WorkspaceRoles.Where(r => r.WorkspaceId == m.WorkspaceId && r.Id == m.WorkspaceRoleId)
                                 .Select(r => r.Permissions).FirstOrDefault(),
                             // What the user's teams carry adds to their own role (a team's role never takes anything away).
                             ViaTeams = (from tm in db.TeamMembers
                                         join t in db.Teams on new { tm.WorkspaceId, tm.TeamId } equals new { t.WorkspaceId, TeamId = t.Id }
                                         join r in db.WorkspaceRoles on new { t.WorkspaceId, RoleId = t.WorkspaceRoleId }
                                             equals new { r.WorkspaceId, RoleId = (Guid?)r.Id }
                                         where tm.WorkspaceId == m.WorkspaceId && tm.UserId == m.UserId
                                         select r.Permissions).ToList(),
                         }).SingleOrDefaultAsync(ct);
        if (row is null) return null;
        var permissions = new HashSet<string>(WorkspacePermission.ForBuiltInRole(row.Role));
        // Only names the app knows count: a stale or hand-edited name grants nothing.
        permissions.UnionWith((row.Extra ?? []).Concat(row.ViaTeams.SelectMany(p => p)).Where(WorkspacePermission.All.Contains));
        return new WorkspaceGrant(workspaceId, userId, row.Role, row.WorkspaceRoleId, permissions, row.Status);
    }

    public async Task<bool> HasAsync(Guid workspaceId, Guid userId, string permission, CancellationToken ct = default) =>
        (await GetAsync(workspaceId, userId, ct))?.Has(permission) == true;

    /// <summary>Null when allowed, else the refusal (<see cref="FailureKind.Forbidden"/>) to show.</summary>
    public async Task<Failure?> CheckAsync(Guid workspaceId, Guid userId, string permission, CancellationToken ct = default)
    {
        var grant = await GetAsync(workspaceId, userId, ct);
        if (grant is null) return Failure.Forbidden("You are not a member of this workspace.");
        if (!grant.IsActive) return Failure.Forbidden(WorkspaceDirectory.SuspendedMessage);
        return grant.Has(permission)
            ? null
            : Failure.Forbidden($"You don't have permission to {WorkspacePermission.Describe(permission).ToLowerInvariant()}.");
    }

    /// <summary>For services that prefer an exception: throws <see cref="WorkspaceAccessDeniedException"/>.</summary>
    public async Task<WorkspaceGrant> RequireAsync(Guid workspaceId, Guid userId, string permission, CancellationToken ct = default)
    {
        if (await CheckAsync(workspaceId, userId, permission, ct) is { } refusal) throw new WorkspaceAccessDeniedException(refusal.Message);
        return (await GetAsync(workspaceId, userId, ct))!;
    }
}
