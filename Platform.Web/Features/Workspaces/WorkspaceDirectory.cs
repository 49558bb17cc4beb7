using Microsoft.EntityFrameworkCore;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;

namespace Platform.Web.Features.Workspaces;

/// <summary>What the signed-in user may enter: one row per membership.</summary>
public sealed record WorkspaceAccess(Guid WorkspaceId, string Name, string Slug, string Role, WorkspaceStatus Status);

/// <summary>Finds a user's workspaces through their memberships — the only way into a workspace.</summary>
public sealed class WorkspaceDirectory(MainDbFactory main)
{
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
        select new WorkspaceAccess(w.Id, w.Name, w.Slug, m.Role, w.Status);
}
