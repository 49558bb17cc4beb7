using Microsoft.EntityFrameworkCore;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Data.Tenant.Entities;
using Platform.Tests.Infrastructure;
using Platform.Web.Features.Workspaces;

namespace Platform.Tests.Workspaces;

/// <summary>Hosted mode, "our own PostgreSQL database", against a second cluster the tests start.</summary>
public class OwnDatabaseTests(WorkspacesHostedPlatform platform, SecondPostgresCluster cluster)
    : IClassFixture<WorkspacesHostedPlatform>, IClassFixture<SecondPostgresCluster>
{
    private WorkspaceDataPlacement Placement => platform.Get<WorkspaceDataPlacement>();

    private OwnDatabaseInput Input(string database, string user = "ws_owner", string password = SecondPostgresCluster.OwnerPassword,
        int? port = null) => new()
        {
            Host = "127.0.0.1", Port = port ?? cluster.Port, Database = database, Username = user, Password = password,
        };

    private async Task<DataPlacement> PlacementOfAsync(Guid ws)
    {
        await using var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws));
        return await db.Workspaces.Where(w => w.Id == ws).Select(w => w.DataPlacement).SingleAsync();
    }

    /// <summary>The workspace still works on the platform database: a unit of work reads its default personality there.</summary>
    private async Task AssertStillOnPlatformAsync(Guid ws, Guid owner)
    {
        Assert.Equal(DataPlacement.Platform, await PlacementOfAsync(ws));
        platform.Get<TenantConnectionResolver>().Invalidate(ws);
        Assert.Equal(platform.TenantStoreApp, await platform.Get<TenantConnectionResolver>().ResolveAsync(ws));
        await using var tenant = await platform.Tenants.OpenAsync(ws, owner);
        Assert.True(await tenant.AiPersonalities.AnyAsync());
    }

    [Fact]
    public async Task Test_connection_reports_version_and_pgvector_without_changing_anything()
    {
        var check = await Placement.TestAsync(Input("ws_ready"));
        Assert.True(check.Usable, check.Error);
        Assert.StartsWith("15", check.ServerVersion);
        Assert.True(check.VectorInstalled);
        Assert.Empty(check.AllWarnings);
        Assert.Equal(0, await SecondPostgresCluster.ScalarAsync(cluster.Super("ws_ready"),
            "SELECT count(*) FROM pg_namespace WHERE nspname = 'tenant'"));
    }

    [Fact]
    public async Task Connecting_migrates_switches_and_keeps_the_secret_encrypted_at_rest()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var result = await Placement.ConnectAsync(ws, owner, Input("ws_ready"));
        Assert.True(result.Ok, result.Error);

        Assert.Equal(DataPlacement.OwnDatabase, await PlacementOfAsync(ws));
        var status = await Placement.GetStatusAsync(ws, owner);
        Assert.Equal(WorkspaceAppStatus.Ready, status!.Status);
        Assert.Equal(Placement.LatestSchemaVersion, status.SchemaVersion);
        Assert.Equal($"127.0.0.1:{cluster.Port}/ws_ready as ws_owner", status.ConnectionHint);

        await using (var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws)))
        {
            var stored = await db.WorkspaceApps.SingleAsync(a => a.WorkspaceId == ws);
            Assert.DoesNotContain(SecondPostgresCluster.OwnerPassword, stored.EncryptedConnectionString);
            Assert.DoesNotContain("ws_ready", stored.EncryptedConnectionString);
        }

        // Application data now lands in the workspace's database, under RLS there, and not on the platform's.
        await using (var tenant = await platform.Tenants.OpenAsync(ws, owner))
        {
            Assert.Single(await tenant.AiPersonalities.ToListAsync());
            tenant.Chats.Add(new Chat { UserId = owner, Title = "In my own database" });
            await tenant.CommitAsync();
        }
        Assert.Equal(1, await SecondPostgresCluster.ScalarAsync(cluster.Super("ws_ready"), "SELECT count(*) FROM tenant.chats"));
        var onPlatform = await TenantStoreRows.CountAsync(platform.Get<DataSourceRegistry>(), platform.TenantStoreApp, ws);
        Assert.All(onPlatform, kv => Assert.Equal(0, kv.Value));
        Assert.Equal(1, await SecondPostgresCluster.ScalarAsync(cluster.Super("ws_ready"),
            "SELECT count(*) FROM pg_class WHERE relname = 'chats' AND relforcerowsecurity"));

        var recheck = await Placement.RecheckAsync(ws, owner);
        Assert.True(recheck.Ok, recheck.Error);
        Assert.Null(recheck.Value!.LastError);
    }

    [Fact]
    public async Task Unreachable_server_is_named_and_nothing_changes()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var result = await Placement.ConnectAsync(ws, owner, Input("ws_ready", port: SecondPostgresCluster.FreePort()));
        Assert.Contains("Could not reach a PostgreSQL server", result.Error);
        await AssertStillOnPlatformAsync(ws, owner);
    }

    [Fact]
    public async Task Wrong_password_is_named_and_nothing_changes()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var result = await Placement.ConnectAsync(ws, owner, Input("ws_ready", password: "wrong"));
        Assert.Contains("rejected the password for user 'ws_owner'", result.Error);
        await AssertStillOnPlatformAsync(ws, owner);
    }

    [Fact]
    public async Task Missing_pgvector_permission_says_what_to_ask_the_dba()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var result = await Placement.ConnectAsync(ws, owner, Input("ws_novector", user: "no_vector"));
        Assert.Contains("CREATE EXTENSION vector", result.Error);
        await AssertStillOnPlatformAsync(ws, owner);
    }

    [Fact]
    public async Task Migration_failure_is_recorded_leaves_the_workspace_on_the_platform_and_can_be_retried()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var result = await Placement.ConnectAsync(ws, owner, Input("ws_broken", user: "broken_owner"));
        Assert.Contains("Preparing the database failed", result.Error);
        Assert.Contains("permission denied", result.Error);
        await AssertStillOnPlatformAsync(ws, owner);
        var status = await Placement.GetStatusAsync(ws, owner);
        Assert.Equal(WorkspaceAppStatus.Failed, status!.Status);

        // The DBA fixes it; the same step now succeeds and replaces the failed attempt.
        await SecondPostgresCluster.ExecAsync(cluster.Super("ws_broken"), "ALTER SCHEMA tenant OWNER TO broken_owner");
        var retry = await Placement.ConnectAsync(ws, owner, Input("ws_broken", user: "broken_owner"));
        Assert.True(retry.Ok, retry.Error);
        await using var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws));
        Assert.Equal(WorkspaceAppStatus.Ready, (await db.WorkspaceApps.SingleAsync(a => a.WorkspaceId == ws)).Status);
    }

    [Fact]
    public async Task A_superuser_role_works_but_is_warned_about()
    {
        var check = await Placement.TestAsync(Input("ws_super", user: "postgres", password: SecondPostgresCluster.SuperPassword));
        Assert.True(check.Usable, check.Error);
        Assert.Contains(check.AllWarnings, w => w.Contains("superuser") && w.Contains("row-level security"));
    }

    [Fact]
    public async Task Only_settings_managers_may_connect_a_database()
    {
        var (ws, _) = await platform.CreateWorkspaceAsync();
        var member = await platform.CreateUserAsync();
        await platform.AddMemberAsync(ws, member, BuiltInRoles.Member);
        var result = await Placement.ConnectAsync(ws, member, Input("ws_ready"));
        Assert.Contains("permission", result.Error);
    }

    [Fact]
    public async Task Deleting_a_workspace_removes_its_data_in_its_own_database()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        Assert.True((await Placement.ConnectAsync(ws, owner, Input("ws_delete"))).Ok);
        await using (var tenant = await platform.Tenants.OpenAsync(ws, owner))
        {
            tenant.Documents.Add(new Document { Title = "Doc", Content = "text" });
            await tenant.CommitAsync();
        }
        var slug = (await platform.Get<WorkspaceDirectory>().ForUserAsync(owner)).Single(a => a.WorkspaceId == ws).Slug;
        var lifecycle = platform.Get<WorkspaceLifecycle>();
        Assert.Contains("Type the workspace address", (await lifecycle.DeleteAsync(ws, owner, "wrong")).Error);
        var deleted = await lifecycle.DeleteAsync(ws, owner, slug);
        Assert.True(deleted.Ok, deleted.Error);

        Assert.Equal(0, await SecondPostgresCluster.ScalarAsync(cluster.Super("ws_delete"),
            "SELECT (SELECT count(*) FROM tenant.documents) + (SELECT count(*) FROM tenant.ai_personalities)"));
        Assert.Empty(await platform.Get<WorkspaceDirectory>().ForUserAsync(owner));
    }
}

/// <summary>Local mode honours an own database too (the resolver routes it in both modes).</summary>
public class OwnDatabaseLocalModeTests(WorkspacesLocalPlatform platform, SecondPostgresCluster cluster)
    : IClassFixture<WorkspacesLocalPlatform>, IClassFixture<SecondPostgresCluster>
{
    [Fact]
    public async Task A_local_install_can_give_a_workspace_its_own_database()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var result = await platform.Get<WorkspaceDataPlacement>().ConnectAsync(ws, owner, new OwnDatabaseInput
        {
            Host = "127.0.0.1", Port = cluster.Port, Database = "ws_ready", Username = "ws_owner", Password = SecondPostgresCluster.OwnerPassword,
        });
        Assert.True(result.Ok, result.Error);
        await using (var tenant = await platform.Tenants.OpenAsync(ws, owner))
        {
            tenant.Documents.Add(new Document { Title = "Local mode, own database", Content = "text" });
            await tenant.CommitAsync();
        }
        Assert.Equal(1, await SecondPostgresCluster.ScalarAsync(cluster.Super("ws_ready"), "SELECT count(*) FROM tenant.documents"));
        // Another workspace of the same install still uses the main database.
        var (other, otherOwner) = await platform.CreateWorkspaceAsync();
        Assert.Equal(platform.TenantStoreApp, await platform.Get<TenantConnectionResolver>().ResolveAsync(other));
    }
}
