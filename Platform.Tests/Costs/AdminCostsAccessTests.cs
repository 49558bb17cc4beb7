using Microsoft.EntityFrameworkCore;
using Platform.Data.Tenancy;
using Platform.Web.Features.Costs;
using Platform.Web.Features.Workspaces;
using Platform.Web.Features.Costs.Dashboard;

namespace Platform.Tests.Costs;

/// <summary>The admin cost view and the rollup check ask the database whether the caller is a platform admin, like
/// the admin console does: a cookie that still carries the admin claim after the flag was removed gets nothing.</summary>
public class AdminCostsAccessTests(CostsPlatform platform) : IClassFixture<CostsPlatform>
{
    [Fact]
    public async Task Admin_cost_reads_are_refused_to_a_user_who_is_not_an_admin_in_the_database()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        platform.Recorder.Record(CostsPlatform.Usage(ws, owner));
        await platform.FlushAsync();
        var range = CostPeriod.Resolve(CostPeriod.Month, DateTimeOffset.UtcNow);
        var queries = platform.Get<CostQueries>();
        var consistency = platform.Get<RollupConsistency>();

        // A workspace owner is no platform admin; neither is an unknown id.
        await Assert.ThrowsAsync<WorkspaceAccessDeniedException>(() => queries.AdminAsync(owner, range));
        await Assert.ThrowsAsync<WorkspaceAccessDeniedException>(() => queries.AdminAsync(Guid.NewGuid(), range));
        await Assert.ThrowsAsync<WorkspaceAccessDeniedException>(() => consistency.CheckAsync(owner, range.From, range.To));

        var admin = await platform.CreatePlatformAdminAsync();
        Assert.Contains((await queries.AdminAsync(admin, range)).TopWorkspaces, w => w.Key == ws.ToString());
        Assert.Empty(await consistency.CheckAsync(admin, range.From, range.To));

        // The flag is removed (the admin's cookie would still say "admin" until it is re-issued).
        await using (var db = platform.Main.Create(DbSession.None))
            await db.Users.Where(u => u.Id == admin).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsPlatformAdmin, false));
        await Assert.ThrowsAsync<WorkspaceAccessDeniedException>(() => queries.AdminAsync(admin, range));
        await Assert.ThrowsAsync<WorkspaceAccessDeniedException>(() => consistency.CheckAsync(admin, range.From, range.To));
    }
}
