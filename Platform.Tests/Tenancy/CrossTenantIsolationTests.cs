using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Platform.Data.Tenancy;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Tenancy;

/// <summary>
/// For every table with a workspace_id in both stores: a unit of work bound to workspace A cannot read, update
/// or delete B's rows, and cannot insert a row carrying B's id. Tables are taken from the catalog, so a new
/// table is covered the day it is created (WorkspaceRows must give it a row).
/// </summary>
public abstract class CrossTenantIsolationTests(PlatformFixture platform) : IAsyncLifetime
{
    private Guid _a, _b, _ownerA;

    public async Task InitializeAsync()
    {
        (_a, _ownerA) = await platform.CreateWorkspaceAsync("A");
        var (b, ownerB) = await platform.CreateWorkspaceAsync("B");
        _b = b;
        await WorkspaceRows.SeedAsync(platform, _a, _ownerA);
        await WorkspaceRows.SeedAsync(platform, _b, ownerB);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Tenant_store_tables_are_isolated() =>
        await AssertIsolatedAsync(RowLevelSecurity.TenantSchema, async () => await platform.Tenants.OpenAsync(_a));

    [Fact]
    public async Task Main_store_workspace_tables_are_isolated() =>
        await AssertIsolatedAsync(RowLevelSecurity.MainSchema, async () => await platform.Main.OpenAsync(DbSession.ForWorkspace(_a)));

    private async Task AssertIsolatedAsync(string schema, Func<Task<DbContext>> openAsA)
    {
        var tables = await TablesWithWorkspaceIdAsync(schema, openAsA);
        Assert.NotEmpty(tables);
        foreach (var table in tables)
        {
            var qualified = $"{schema}.\"{table}\"";
            await using (var db = await openAsA())
            {
                Assert.True(await CountAsync(db, $"SELECT count(*) FROM {qualified} WHERE workspace_id = @p0", _a) > 0,
                    $"{qualified} has no row for workspace A: add one in WorkspaceRows");
                Assert.Equal(0, await CountAsync(db, $"SELECT count(*) FROM {qualified} WHERE workspace_id = @p0", _b));
                Assert.Equal(0, await CountAsync(db, $"SELECT count(*) FROM {qualified} WHERE workspace_id <> @p0", _a));
                // Identifiers come from the catalog; values are bound parameters.
                string touchB = $"UPDATE {qualified} SET workspace_id = workspace_id WHERE workspace_id = @p0",
                    deleteB = $"DELETE FROM {qualified} WHERE workspace_id = @p0";
                Assert.Equal(0, await AffectedOrRefusedAsync(db, touchB, _b));
                Assert.Equal(0, await AffectedOrRefusedAsync(db, deleteB, _b));
            }
            await using (var db = await openAsA())
            {
                // Moving one's own row into B is a write B's policy must refuse too.
                var moveToB = $"UPDATE {qualified} SET workspace_id = @p0 WHERE workspace_id = @p1";
                var move = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync(moveToB, _b, _a));
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, move.SqlState);
            }
            await using (var db = await openAsA())
            {
                // Copy one of A's own rows, relabelled as B's: the WITH CHECK policy must refuse it.
                var columns = await InsertableColumnsAsync(db, schema, table);
                var select = string.Join(", ", columns.Select(c =>
                    c == "workspace_id" ? "@p0" : c == "id" ? "gen_random_uuid()" : $"\"{c}\""));
                var insert = $"INSERT INTO {qualified} ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) " +
                             $"SELECT {select} FROM {qualified} WHERE workspace_id = @p1 LIMIT 1";
                var e = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync(insert, _b, _a));
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
            }
        }
    }

    /// <summary>Rows a write touched; 0 when the role may not write that table at all (append-only audit_log).
    /// Runs in a savepoint so a refusal doesn't abort the unit of work.</summary>
    private static async Task<int> AffectedOrRefusedAsync(DbContext db, string sql, params object[] args)
    {
        var tx = db.Database.CurrentTransaction!.GetDbTransaction();
        await tx.SaveAsync("probe");
        try
        {
            return await db.Database.ExecuteSqlRawAsync(sql, args);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && e.MessageText.StartsWith("permission denied"))
        {
            await tx.RollbackAsync("probe");
            return 0;
        }
    }

    private static async Task<long> CountAsync(DbContext db, string sql, params object[] args) =>
        await db.Database.SqlQueryRaw<long>(sql.Replace("SELECT count(*)", "SELECT count(*) AS \"Value\""), args).SingleAsync();

    private static async Task<List<string>> TablesWithWorkspaceIdAsync(string schema, Func<Task<DbContext>> open)
    {
        await using var db = await open();
        return await db.Database.SqlQueryRaw<string>(
            // Partitions (the billing tables' months) are reached through their parent, which is checked.
            "SELECT table_name AS \"Value\" FROM information_schema.columns WHERE table_schema = @p0 AND column_name = 'workspace_id' " +
            "AND NOT (SELECT relispartition FROM pg_class WHERE oid = format('%I.%I', table_schema, table_name)::regclass) ORDER BY 1",
            schema).ToListAsync();
    }

    private static async Task<List<string>> InsertableColumnsAsync(DbContext db, string schema, string table) =>
        await db.Database.SqlQueryRaw<string>(
            "SELECT column_name AS \"Value\" FROM information_schema.columns WHERE table_schema = @p0 AND table_name = @p1 " +
            "AND is_identity = 'NO' AND is_generated = 'NEVER' ORDER BY ordinal_position", schema, table).ToListAsync();
}

public class CrossTenantIsolationLocalTests(LocalPlatform platform)
    : CrossTenantIsolationTests(platform), IClassFixture<LocalPlatform>;

public class CrossTenantIsolationHostedTests(HostedPlatform platform)
    : CrossTenantIsolationTests(platform), IClassFixture<HostedPlatform>;
