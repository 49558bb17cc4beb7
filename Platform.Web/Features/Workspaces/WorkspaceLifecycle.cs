using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;

namespace Platform.Web.Features.Workspaces;

/// <summary>Renaming and deleting a workspace. Deleting removes its application data wherever it lives (its own
/// database included), then its system rows; the audit trail stays (it outlives the workspace by design).</summary>
public sealed partial class WorkspaceLifecycle(
    MainDbFactory main, WorkspacePermissions permissions, TenantConnectionResolver resolver, DataSourceRegistry sources,
    ILogger<WorkspaceLifecycle> logger)
{
    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$")]
    public static partial Regex SlugPattern();

    /// <summary>Null when the slug is well-formed, else why not.</summary>
    public static string? SlugProblem(string slug) =>
        string.IsNullOrWhiteSpace(slug) ? "Choose an address."
        : !SlugPattern().IsMatch(slug) ? "Use 1–48 lowercase letters, digits and dashes (not at the start or end)."
        : Reserved.Contains(slug) ? $"'{slug}' is reserved." : null;

    private static readonly HashSet<string> Reserved = ["admin", "api", "new", "settings", "onboarding", "invite", "account"];

    /// <summary>A slug suggestion from a name: "Acme Research Lab!" → "acme-research-lab".</summary>
    public static string SuggestSlug(string name)
    {
        var slug = Regex.Replace(name.Normalize(System.Text.NormalizationForm.FormD).ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-');
        return slug.Length > 48 ? slug[..48].TrimEnd('-') : slug;
    }

    /// <summary>The workspace's plan (set by platform admins), for its members; null for anyone else.</summary>
    public async Task<WorkspacePlan?> PlanAsync(Guid workspaceId, Guid userId, CancellationToken ct = default)
    {
        if (await permissions.GetAsync(workspaceId, userId, ct) is null) return null;
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, userId), ct);
        return await db.Workspaces.Where(w => w.Id == workspaceId).Select(w => (WorkspacePlan?)w.Plan).SingleOrDefaultAsync(ct);
    }

    public async Task<Result> RenameAsync(Guid workspaceId, Guid actorId, string name, string slug, CancellationToken ct = default)
    {
        name = name.Trim();
        slug = slug.Trim().ToLowerInvariant();
        if (name.Length is < 2 or > 100) return Result.Fail("A workspace name has 2 to 100 characters.");
        if (SlugProblem(slug) is { } bad) return Result.Fail(bad);
        if (await permissions.CheckAsync(workspaceId, actorId, WorkspacePermission.ManageSettings, ct) is { } refusal)
            return refusal;
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct);
        if (await db.Workspaces.AnyAsync(w => w.Slug == slug && w.Id != workspaceId, ct))
            return Result.Fail($"The address /w/{slug} is taken.");
        var workspace = await db.Workspaces.SingleAsync(w => w.Id == workspaceId, ct);
        var before = new { workspace.Name, workspace.Slug };
        workspace.Name = name;
        workspace.Slug = slug;
        try
        {
            await db.CommitAsync(AuditTrail.Entry(workspaceId, actorId, "workspace.renamed", "workspace", workspaceId, new { from = before, to = new { name, slug } }), ct);
        }
        catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            return Result.Fail($"The address /w/{slug} is taken.");
        }
        return Result.Success;
    }

    /// <summary>Owner only, with the slug typed as confirmation.</summary>
    public async Task<Result> DeleteAsync(Guid workspaceId, Guid actorId, string typedConfirmation, CancellationToken ct = default)
    {
        var grant = await permissions.GetAsync(workspaceId, actorId, ct);
        if (grant is null || !grant.IsOwner) return Result.Fail("Only an owner can delete the workspace.");
        string slug;
        await using (var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct))
        {
            slug = await db.Workspaces.Where(w => w.Id == workspaceId).Select(w => w.Slug).SingleAsync(ct);
            if (!string.Equals(typedConfirmation.Trim(), slug, StringComparison.Ordinal))
                return Result.Fail($"Type the workspace address '{slug}' to confirm.");
            // Hidden from everyone at once, while the data goes.
            await db.Workspaces.Where(w => w.Id == workspaceId)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.Status, WorkspaceStatus.Deleting), ct);
            await db.CommitAsync(AuditTrail.Entry(workspaceId, actorId, "workspace.deleting", "workspace", workspaceId, new { slug }), ct);
        }

        try
        {
            var store = await resolver.ResolveAsync(workspaceId, ct);
            await TenantStoreRows.DeleteAsync(sources, store, workspaceId, ct);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or WorkspaceDatabaseUnavailableException)
        {
            logger.LogError(e, "Workspace {WorkspaceId}: application data could not be deleted", workspaceId);
            return Failure.Unavailable("Its application data could not be deleted: its database did not answer. " +
                "The workspace is hidden; try again, or ask the platform administrator.");
        }

        await using (var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct))
        {
            // Cascades to members, invites, roles, teams, connections and keys (composite FKs).
            await db.Workspaces.Where(w => w.Id == workspaceId).ExecuteDeleteAsync(ct);
            await db.CommitAsync(AuditTrail.Entry(workspaceId, actorId, "workspace.deleted", "workspace", workspaceId, new { slug }), ct);
        }
        resolver.Invalidate(workspaceId);
        return Result.Success;
    }
}
