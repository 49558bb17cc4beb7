using Microsoft.EntityFrameworkCore;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;

namespace Platform.Web.Features.Workspaces;

/// <summary>What the signed-in user may enter: one row per membership.</summary>
/// <param name="RequiredSignInProvider">Members enter only when signed in through this SSO provider (null: any sign-in).</param>
public sealed record WorkspaceAccess(Guid WorkspaceId, string Name, string Slug, string Role, WorkspaceStatus Status,
    string? RequiredSignInProvider = null);

/// <summary>Finds a user's workspaces through their memberships — the only way into a workspace.</summary>
public sealed class WorkspaceDirectory(MainDbFactory main, TenantDbFactory tenants, TimeProvider? time = null)
{
    private readonly TimeProvider clock = time ?? TimeProvider.System;

    public const string NoLongerMemberMessage = "You are no longer a member of this workspace.";
    public const string SuspendedMessage = "This workspace is suspended.";

    /// <summary>A member's way into the workspace for one service call; every unit of work it opens re-checks the
    /// membership first (see <see cref="WorkspaceScope"/>), so a caller-supplied pair of ids grants nothing by itself.</summary>
    public WorkspaceScope MemberScope(Guid workspaceId, Guid userId) =>
        new(this, main, tenants, clock, workspaceId, userId, isSystem: false);

    /// <summary>An API request's way into the key's workspace, acting for the key's creator. <paramref name="keyCheck"/>
    /// (Features/Api/Keys) is what every unit of work re-checks instead of the plain membership: the key still valid
    /// (not revoked, not expired), its creator still a member of an active workspace and still holding what the key's
    /// scopes need.</summary>
    public WorkspaceScope ApiKeyScope(Guid workspaceId, Guid creatorId, Guid apiKeyId, Func<CancellationToken, Task<Failure?>> keyCheck) =>
        new(this, main, tenants, clock, workspaceId, creatorId, isSystem: false, apiKeyId, keyCheck);

    /// <summary>A background worker's way into the workspace (no user, no membership check). Only workers that
    /// carry on work a member started may use it.</summary>
    public WorkspaceScope SystemScope(Guid workspaceId) =>
        new(this, main, tenants, clock, workspaceId, userId: null, isSystem: true);

    /// <summary>Null when the user is a member of the workspace and it is active; else the refusal to show.
    /// One query on unique indexes: cheap enough to ask on the way into every service call.</summary>
    public async Task<Failure?> RefusalAsync(Guid workspaceId, Guid userId, CancellationToken ct = default)
    {
        await using var db = await main.OpenAsync(DbSession.ForUser(userId), ct);
        var status = await (from m in db.WorkspaceMembers
                            join w in db.Workspaces on m.WorkspaceId equals w.Id
                            where m.UserId == userId && m.WorkspaceId == workspaceId
                            select (WorkspaceStatus?)w.Status).FirstOrDefaultAsync(ct);
        return status switch
        {
            WorkspaceStatus.Active => null,
            WorkspaceStatus.Suspended => Failure.Forbidden(SuspendedMessage),
            _ => Failure.Forbidden(NoLongerMemberMessage), // not a member (removed), or the workspace is being deleted
        };
    }

    public async Task<IReadOnlyList<WorkspaceAccess>> ForUserAsync(Guid userId, CancellationToken ct = default)
    {
        await using var db = await main.OpenAsync(DbSession.ForUser(userId), ct);
        return await Memberships(db, userId, slug: null).ToListAsync(ct);
    }

    /// <summary>The user's access to the workspace with this slug; null when it doesn't exist or they are not a
    /// member (both answer "not found": a slug must not reveal that a workspace exists).</summary>
    public async Task<WorkspaceAccess?> FindAsync(Guid userId, string slug, CancellationToken ct = default)
    {
        // Slugs are stored lower-case (WorkspaceProvisioning, WorkspaceLifecycle), so this is one index lookup.
        var wanted = slug.Trim().ToLowerInvariant();
        await using var db = await main.OpenAsync(DbSession.ForUser(userId), ct);
        return await Memberships(db, userId, wanted).FirstOrDefaultAsync(ct);
    }

    /// <summary>RLS lets a user see their own membership rows without any workspace context.</summary>
    private static IQueryable<WorkspaceAccess> Memberships(Platform.Data.Main.MainDbContext db, Guid userId, string? slug) =>
        from m in db.WorkspaceMembers
        join w in db.Workspaces on m.WorkspaceId equals w.Id
        where m.UserId == userId && w.Status != WorkspaceStatus.Deleting && (slug == null || w.Slug == slug)
        orderby w.Name
        select new WorkspaceAccess(w.Id, w.Name, w.Slug, m.Role, w.Status, w.RequiredSignInProvider);
}
