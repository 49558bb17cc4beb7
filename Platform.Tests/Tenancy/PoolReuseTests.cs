using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Data.Tenancy;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Tenancy;

/// <summary>
/// Thousands of units of work alternating between workspaces over a tiny pool — with and without the reset
/// Npgsql normally does on close — never see another workspace's rows and always see their own.
/// </summary>
public class PoolReuseTests(HostedPlatform platform) : IClassFixture<HostedPlatform>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Alternating_workspaces_over_a_small_pool_never_leak(bool noResetOnClose)
    {
        var workspaces = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            var (id, owner) = await platform.CreateWorkspaceAsync();
            await WorkspaceRows.SeedAsync(platform, id, owner);
            workspaces.Add(id);
        }
        var cs = TestDatabases.App(platform.TenantDatabase!, b => { b.MaxPoolSize = 3; b.NoResetOnClose = noResetOnClose; });

        const int operations = 2000;
        var errors = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, operations), new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (i, ct) =>
        {
            var workspace = workspaces[i % workspaces.Count];
            await using var db = platform.Tenants.Create(cs, DbSession.ForWorkspace(workspace));
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var seen = await db.Chats.Select(c => c.WorkspaceId).Distinct().ToListAsync(ct);
            if (seen.Count != 1 || seen[0] != workspace) Interlocked.Increment(ref errors);
        });
        Assert.Equal(0, errors);

        // After all that, a connection from the same pool outside any unit of work sees nothing.
        await using var probe = await platform.Services.GetRequiredService<DataSourceRegistry>().Get(cs).OpenConnectionAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM tenant.chats", probe);
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }
}
