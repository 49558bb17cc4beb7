using Microsoft.EntityFrameworkCore;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;

namespace Platform.Web.Infrastructure;

/// <summary>What background sweeps do to every workspace: list them, then visit each one so that one failing
/// (its own database dropped or down) is logged and the others still get their turn.</summary>
public static class EveryWorkspace
{
    /// <summary>Workspace ids; <paramref name="activeOnly"/> leaves out suspended and deleting ones.</summary>
    public static async Task<List<Guid>> IdsAsync(MainDbFactory main, bool activeOnly, CancellationToken ct)
    {
        // The workspace directory carries no workspace_id (no RLS): listing ids needs no session.
        await using var db = main.Create(DbSession.None);
        var workspaces = activeOnly ? db.Workspaces.Where(w => w.Status == WorkspaceStatus.Active) : db.Workspaces;
        return await workspaces.Select(w => w.Id).ToListAsync(ct);
    }

    /// <summary>Runs <paramref name="visit"/> on every workspace and adds up what it returns.</summary>
    public static async Task<int> SumAsync(MainDbFactory main, ILogger logger, string what,
        Func<Guid, CancellationToken, Task<int>> visit, CancellationToken ct)
    {
        var total = 0;
        foreach (var workspaceId in await IdsAsync(main, activeOnly: false, ct))
        {
            try { total += await visit(workspaceId, ct); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "{What} of workspace {WorkspaceId} failed; the others go on", what, workspaceId);
            }
        }
        return total;
    }
}
