using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Tests.Documents;
using Platform.Tests.Infrastructure;
using Platform.Web.Features.Workspaces;

namespace Platform.Tests.Tenancy;

/// <summary>
/// The Documents platform plus a tenant store where row-level security does NOT protect anything: a throw-away
/// database migrated like any tenant store, whose tables then had FORCE ROW LEVEL SECURITY lifted, reached as the
/// tables' owner (owners are exempt from their own tables' policies unless forced). To the app this is the same
/// as a workspace's own database connected with a superuser or BYPASSRLS role, or a policy dropped by mistake,
/// and it works the same on every machine (no superuser or CREATEROLE needed). Workspaces placed on it reach it
/// through the app's own path (<see cref="TenantConnectionResolver"/> reading workspace_apps), so every service
/// under test runs unchanged: only the application's own workspace predicates stand between two workspaces.
/// </summary>
public sealed class RlsBypassPlatform() : DocumentsPlatform(PlatformMode.Local)
{
    public string BypassDatabase { get; private set; } = "";

    /// <summary>Owner-role connection string of the store without RLS.</summary>
    public string BypassStore => TestDatabases.Owner(BypassDatabase);

    // The app's own-database gate refuses this store, rightly: it lives on the platform's own cluster, which is how
    // RLS was bypassed in the real hole. Here the bypass is the point (what still stands between two workspaces when
    // RLS does not), so exactly this store, and nothing else, is admitted.
    protected override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        base.ConfigureServices(services, configuration);
        services.Replace(ServiceDescriptor.Singleton<IOwnDatabaseGate>(new AdmitOnly(() => BypassStore)));
    }

    private sealed class AdmitOnly(Func<string> store) : IOwnDatabaseGate
    {
        public Task<OwnDatabaseTarget> CheckAsync(string connectionString, bool alreadyConnected, CancellationToken ct = default) =>
            Task.FromResult(connectionString == store()
                ? new OwnDatabaseTarget(connectionString, null)
                : OwnDatabaseTarget.Refuse("only the RLS-bypass test store is admitted"));
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        BypassDatabase = await TestDatabases.CreateAsync("bypass");
        await Services.GetRequiredService<DatabaseMigrator>().MigrateTenantStoreAsync(BypassStore, appRole: null);
        await using var c = new NpgsqlConnection(BypassStore);
        await c.OpenAsync();
        await using var lift = new NpgsqlCommand("""
            DO $$
            DECLARE t record;
            BEGIN
              FOR t IN SELECT table_name FROM information_schema.columns
                       WHERE table_schema = 'tenant' AND column_name = 'workspace_id'
              LOOP
                EXECUTE format('ALTER TABLE tenant.%I NO FORCE ROW LEVEL SECURITY', t.table_name);
              END LOOP;
            END $$;
            """, c);
        await lift.ExecuteNonQueryAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (BypassDatabase.Length > 0) await TestDatabases.DropAsync(BypassDatabase);
    }

    /// <summary>A new workspace whose application data lives on the store without RLS (as if that database had been
    /// connected as its own).</summary>
    public async Task<(Guid WorkspaceId, Guid OwnerId)> CreateWorkspaceOnBypassStoreAsync(string name)
    {
        var (workspaceId, ownerId) = await CreateWorkspaceAsync(name);
        var resolver = Services.GetRequiredService<TenantConnectionResolver>();
        await using (var db = await Main.OpenAsync(DbSession.ForWorkspace(workspaceId, ownerId)))
        {
            db.WorkspaceApps.Add(new WorkspaceApp
            {
                WorkspaceId = workspaceId, Status = WorkspaceAppStatus.Ready, ConnectionHint = "rls bypass store",
                EncryptedConnectionString = resolver.Protector.Protect(BypassStore),
            });
            await db.Workspaces.Where(w => w.Id == workspaceId)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.DataPlacement, DataPlacement.OwnDatabase));
            await db.SaveChangesAsync();
            await db.Database.CommitTransactionAsync();
        }
        resolver.Invalidate(workspaceId);
        await using (var tenant = await Tenants.OpenAsync(workspaceId, ownerId))
        {
            WorkspaceProvisioning.AddTenantDefaults(tenant);
            await tenant.CommitAsync();
        }
        return (workspaceId, ownerId);
    }

    /// <summary>Rows per tenant table of one workspace, counted by the bypassing role (all rows are visible to it).</summary>
    public async Task<Dictionary<string, long>> RowsOfAsync(Guid workspaceId)
    {
        await using var c = new NpgsqlConnection(BypassStore);
        await c.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = 'tenant' AND column_name = 'workspace_id' ORDER BY 1", c))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        var rows = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            // Table names come from the catalog; the workspace is a bound parameter.
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM tenant.\"{table}\" WHERE workspace_id = @ws", c);
            count.Parameters.AddWithValue("ws", workspaceId);
            rows[table] = (long)(await count.ExecuteScalarAsync())!;
        }
        return rows;
    }
}
