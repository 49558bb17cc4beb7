using Npgsql;
using Platform.Data.Tenancy;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Tenancy;

/// <summary>The database's own catalog says every workspace-scoped table is protected, in both stores.</summary>
public class SecurityCatalogTests(HostedPlatform platform) : IClassFixture<HostedPlatform>
{
    public static TheoryData<string> Stores => new() { "main", "tenant" };

    private string Store(string schema) => schema == "main" ? platform.MainDatabase : platform.TenantDatabase!;

    [Theory, MemberData(nameof(Stores))]
    public async Task Every_table_with_workspace_id_has_forced_rls_and_a_policy_per_command(string schema)
    {
        await using var c = new NpgsqlConnection(TestDatabases.Owner(Store(schema)));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                   ARRAY(SELECT DISTINCT p.cmd FROM pg_policies p WHERE p.schemaname = n.nspname AND p.tablename = c.relname ORDER BY 1)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = @schema AND c.relkind IN ('r', 'p')
              AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'workspace_id' AND NOT a.attisdropped)
            """, c);
        cmd.Parameters.AddWithValue("schema", schema);
        var tables = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var table = reader.GetString(0);
            tables.Add(table);
            Assert.True(reader.GetBoolean(1), $"{schema}.{table}: RLS not enabled");
            Assert.True(reader.GetBoolean(2), $"{schema}.{table}: RLS not forced");
            Assert.Equal(["DELETE", "INSERT", "SELECT", "UPDATE"], reader.GetFieldValue<string[]>(3));
        }
        Assert.NotEmpty(tables);
        if (schema == "tenant") Assert.Contains("document_chunks", tables);
        else Assert.Contains("workspace_members", tables);
    }

    [Fact]
    public async Task Runtime_role_is_not_owner_not_superuser_and_cannot_bypass_rls()
    {
        await using var c = new NpgsqlConnection(TestDatabases.App(platform.MainDatabase));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb,
                   (SELECT count(*) FROM pg_tables t WHERE t.tableowner = current_user),
                   (SELECT count(*) FROM pg_database d WHERE d.datdba = r.oid)
            FROM pg_roles r WHERE r.rolname = current_user
            """, c);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.False(reader.GetBoolean(0), "superuser");
        Assert.False(reader.GetBoolean(1), "BYPASSRLS");
        Assert.False(reader.GetBoolean(2), "CREATEROLE");
        Assert.False(reader.GetBoolean(3), "CREATEDB");
        Assert.Equal(0, reader.GetInt64(4));
        Assert.Equal(0, reader.GetInt64(5));
    }

    [Fact]
    public async Task Runtime_role_has_no_ddl_rights()
    {
        await using var c = new NpgsqlConnection(platform.TenantStoreApp);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("ALTER TABLE tenant.chats DISABLE ROW LEVEL SECURITY", c);
        var e = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
    }
}
