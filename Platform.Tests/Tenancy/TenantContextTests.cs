using Microsoft.EntityFrameworkCore;
using Npgsql;
using Platform.Data.Main;
using Platform.Data.Tenancy;
using Platform.Data.Tenant;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Tenancy;

public class TenantContextTests(LocalPlatform platform) : IClassFixture<LocalPlatform>
{
    [Fact]
    public async Task Without_a_tenant_the_runtime_role_sees_no_rows_in_any_workspace_table()
    {
        var (a, owner) = await platform.CreateWorkspaceAsync();
        await WorkspaceRows.SeedAsync(platform, a, owner);

        await using var c = new NpgsqlConnection(TestDatabases.App(platform.MainDatabase));
        await c.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT table_schema || '.' || table_name FROM information_schema.columns WHERE column_name = 'workspace_id' AND table_schema IN ('main','tenant')", c))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));

        Assert.True(tables.Count >= 12, string.Join(", ", tables));
        foreach (var table in tables)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {table}", c);
            Assert.True(0L == (long)(await count.ExecuteScalarAsync())!, $"{table} shows rows without a tenant context");
        }
    }

    [Fact]
    public async Task Work_outside_a_transaction_has_no_tenant_and_sees_nothing()
    {
        var (a, owner) = await platform.CreateWorkspaceAsync();
        await WorkspaceRows.SeedAsync(platform, a, owner);
        // A bound context used without OpenAsync's transaction: the setting is transaction-local, so no rows.
        await using var db = platform.Tenants.Create(platform.TenantStoreApp, DbSession.ForWorkspace(a));
        Assert.Equal(0, await db.Chats.CountAsync());
        await using var open = await platform.Tenants.OpenAsync(a);
        Assert.Equal(1, await open.Chats.CountAsync());
    }

    [Fact]
    public async Task The_tenant_setting_does_not_outlive_its_transaction_on_a_reused_connection()
    {
        var (a, owner) = await platform.CreateWorkspaceAsync();
        await WorkspaceRows.SeedAsync(platform, a, owner);
        var cs = TestDatabases.App(platform.MainDatabase, b => { b.MaxPoolSize = 1; b.NoResetOnClose = true; });
        await using var source = DataSourceRegistry.Build(cs);
        await using (var c = await source.OpenConnectionAsync())
        await using (var tx = await TenantSessionInterceptor.BeginAsync(c, DbSession.ForWorkspace(a)))
        {
            await using var count = new NpgsqlCommand("SELECT count(*) FROM tenant.chats", c, tx);
            Assert.Equal(1L, await count.ExecuteScalarAsync());
            await tx.CommitAsync();
        }
        await using (var c = await source.OpenConnectionAsync())
        {
            await using var setting = new NpgsqlCommand("SELECT current_setting('app.current_tenant_id', true)", c);
            Assert.True(string.IsNullOrEmpty(await setting.ExecuteScalarAsync() as string));
            await using var count = new NpgsqlCommand("SELECT count(*) FROM tenant.chats", c);
            Assert.Equal(0L, await count.ExecuteScalarAsync());
        }
    }

    [Fact]
    public async Task Setting_the_tenant_is_a_bound_parameter_so_hostile_values_fail_the_operation()
    {
        await using var c = new NpgsqlConnection(TestDatabases.App(platform.MainDatabase));
        await c.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        await using var set = new NpgsqlCommand("SELECT set_config('app.current_tenant_id', @t, true)", c, tx);
        set.Parameters.AddWithValue("t", "x'; DROP TABLE tenant.chats; --");
        await set.ExecuteNonQueryAsync();
        await using var query = new NpgsqlCommand("SELECT count(*) FROM tenant.chats", c, tx);
        // The value is data: it can't be parsed as a workspace id, so the query fails rather than leaking or running.
        var e = await Assert.ThrowsAsync<PostgresException>(() => query.ExecuteScalarAsync());
        Assert.Equal(PostgresErrorCodes.InvalidTextRepresentation, e.SqlState);
    }

    [Fact]
    public async Task A_failure_to_set_the_tenant_fails_the_unit_of_work()
    {
        // A database without the tenant schema's helpers still accepts set_config; what must fail is a dead server:
        // OpenAsync throws instead of handing out a context that would run without a tenant.
        var dead = "Host=127.0.0.1;Port=1;Database=x;Username=platform_app;Password=x;Timeout=2";
        await using var db = platform.Tenants.Create(dead, DbSession.ForWorkspace(Guid.NewGuid()));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => db.Database.BeginTransactionAsync());
    }

    [Fact]
    public void The_workspace_query_filters_leave_the_migrations_model_as_it_is()
    {
        // The filters are a query-time rule bound to each context's workspace, not schema: a context without a
        // workspace (migrator, design time) builds the same model, and no migration is pending because of them.
        using var tenant = platform.Tenants.Create(platform.TenantStoreOwner, DbSession.None);
        Assert.All(tenant.Model.GetEntityTypes(), t => Assert.NotEmpty(t.GetDeclaredQueryFilters()));
        Assert.False(tenant.Database.HasPendingModelChanges());
    }

    [Fact]
    public void Neither_context_maps_the_other_stores_tables()
    {
        using var tenant = platform.Tenants.Create(platform.TenantStoreApp, DbSession.None);
        using var main = platform.Main.Create(DbSession.None);
        Assert.All(tenant.Model.GetEntityTypes(), t => Assert.Equal(RowLevelSecurity.TenantSchema, t.GetSchema()));
        Assert.All(main.Model.GetEntityTypes().Where(t => t.GetTableName() is not null),
            t => Assert.Equal(RowLevelSecurity.MainSchema, t.GetSchema()));
        var tenantTables = tenant.Model.GetEntityTypes().Select(t => t.GetTableName()).ToHashSet();
        Assert.DoesNotContain("workspace_members", tenantTables);
        Assert.DoesNotContain("users", tenantTables);
        Assert.Empty(main.Model.GetEntityTypes().Select(t => t.GetTableName()).Intersect(tenantTables));
        Assert.IsNotType<MainDbContext>(tenant);
        Assert.IsType<TenantDbContext>(tenant);
    }
}
