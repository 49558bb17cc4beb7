using Microsoft.AspNetCore.DataProtection;
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
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var check = await Placement.TestAsync(ws, owner, Input("ws_ready"));
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
            tenant.Chats.Add(new Platform.Data.Tenant.Entities.Chat { UserId = owner, Title = "In my own database" });
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
        var port = SecondPostgresCluster.FreePort();
        var result = await Placement.ConnectAsync(ws, owner, Input("ws_ready", port: port));
        Assert.Equal(OwnDatabaseProbe.CouldNotConnect($"127.0.0.1:{port}"), result.Error);
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

    /// <summary>Was a warning before issue #10: a superuser is not bound by RLS, so it is refused now.</summary>
    [Fact]
    public async Task A_superuser_role_is_refused_and_nothing_changes()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var super = Input("ws_super", user: "postgres", password: SecondPostgresCluster.SuperPassword);
        var check = await Placement.TestAsync(ws, owner, super);
        Assert.False(check.Usable);
        Assert.Contains("User 'postgres' is a superuser", check.Error);
        Assert.Contains("dedicated role", check.Error);
        var result = await Placement.ConnectAsync(ws, owner, super);
        Assert.Equal(check.Error, result.Error);
        await AssertStillOnPlatformAsync(ws, owner);
        Assert.Equal(0, await SecondPostgresCluster.ScalarAsync(cluster.Super("ws_super"), "SELECT count(*) FROM pg_namespace WHERE nspname = 'tenant'"));
    }

    [Fact]
    public async Task A_bypassrls_role_is_refused()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var result = await Placement.ConnectAsync(ws, owner, Input("ws_bypass", user: "ws_bypass"));
        Assert.Contains("User 'ws_bypass' may bypass row-level security (BYPASSRLS)", result.Error);
        await AssertStillOnPlatformAsync(ws, owner);
    }

    [Fact]
    public async Task A_role_that_is_a_member_of_another_role_or_owns_other_databases_is_refused()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var check = await Placement.TestAsync(ws, owner, Input("ws_grouped", user: "ws_grouped"));
        Assert.Contains("is a member of other roles (some_group)", check.Error);
        Assert.Contains("owns other databases (ws_twice)", check.Error);
    }

    /// <summary>The live hole: the platform's own cluster, as host, with a role the platform itself uses. Refused
    /// by host and port (also spelled "localhost") even though this fixture allows private networks, before any
    /// connection is made.</summary>
    [Theory]
    [InlineData(null)]
    [InlineData("localhost")]
    public async Task The_platforms_own_database_server_is_refused_even_when_private_networks_are_allowed(string? hostSpelling)
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var main = new Npgsql.NpgsqlConnectionStringBuilder(TestDatabases.Owner(platform.MainDatabase));
        var input = new OwnDatabaseInput
        {
            Host = hostSpelling ?? main.Host!, Port = main.Port, Database = main.Database!, Username = main.Username!, Password = main.Password!,
        };
        Assert.Equal(OwnDatabaseAddress.Refused, (await Placement.TestAsync(ws, owner, input)).Error);
        Assert.Equal(OwnDatabaseAddress.Refused, (await Placement.ConnectAsync(ws, owner, input)).Error);
        await AssertStillOnPlatformAsync(ws, owner);
    }

    [Theory]
    [InlineData("/var/run/postgresql", OwnDatabaseAddress.SocketRefused)]
    [InlineData("/tmp", OwnDatabaseAddress.SocketRefused)]
    [InlineData("@abstract-socket", OwnDatabaseAddress.SocketRefused)]
    [InlineData("db.example.com,127.0.0.1", OwnDatabaseAddress.SeveralHostsRefused)]
    [InlineData("127.0.0.1:5432", OwnDatabaseAddress.InvalidHost)]
    [InlineData("[::1]:5432", OwnDatabaseAddress.InvalidHost)]
    [InlineData("2130706433", OwnDatabaseAddress.InvalidHost)]
    public async Task Socket_paths_several_hosts_and_odd_host_forms_are_refused(string host, string message)
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var input = Input("ws_ready");
        input.Host = host;
        Assert.Equal(message, (await Placement.TestAsync(ws, owner, input)).Error);
    }

    /// <summary>Port-scan proof: nothing listening, and something that is not PostgreSQL (it answers HTTP), get
    /// the same message; only the port differs, and that is what the person typed.</summary>
    [Fact]
    public async Task A_closed_port_and_a_listener_that_is_not_postgresql_get_the_same_message()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var httpPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var client = await listener.AcceptTcpClientAsync();
                    var stream = client.GetStream();
                    await stream.WriteAsync("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
                    await stream.FlushAsync();
                }
            }
            catch (Exception) { } // stopped
        });
        var closedPort = SecondPostgresCluster.FreePort();
        var closed = (await Placement.TestAsync(ws, owner, Input("ws_ready", port: closedPort))).Error!;
        var notPostgres = (await Placement.TestAsync(ws, owner, Input("ws_ready", port: httpPort))).Error!;
        listener.Stop();
        Assert.Equal(OwnDatabaseProbe.CouldNotConnect($"127.0.0.1:{closedPort}"), closed);
        Assert.Equal(closed.Replace(closedPort.ToString(), "PORT"), notPostgres.Replace(httpPort.ToString(), "PORT"));
    }

    /// <summary>The host is resolved once and the connection string that is opened names the checked address.</summary>
    [Fact]
    public async Task The_connection_goes_to_the_checked_address_not_to_a_new_lookup_of_the_name()
    {
        var address = platform.Get<OwnDatabaseAddress>();
        var typed = new Npgsql.NpgsqlConnectionStringBuilder(cluster.Connection("ws_ready", "ws_owner", SecondPostgresCluster.OwnerPassword)) { Host = "localhost" };
        var target = await address.CheckAsync(typed.ConnectionString, alreadyConnected: false);
        Assert.True(target.Allowed, target.Refusal);
        var pinned = new Npgsql.NpgsqlConnectionStringBuilder(target.ConnectionString);
        Assert.True(System.Net.IPAddress.TryParse(pinned.Host, out var ip) && System.Net.IPAddress.IsLoopback(ip), pinned.Host);
        Assert.Equal(cluster.Port, pinned.Port);
        Assert.Equal("ws_ready", pinned.Database);

        // And the whole test, typed with the name, works through the pinned address.
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var input = Input("ws_ready");
        input.Host = "localhost";
        var check = await Placement.TestAsync(ws, owner, input);
        Assert.True(check.Usable, check.Error);
    }

    /// <summary>An own database connected before today's rules with a role they refuse keeps working, flagged on the
    /// Data tab (and the admin health page) with the fix; a re-check records why but does not cut it off.</summary>
    [Fact]
    public async Task An_existing_database_whose_role_is_now_refused_keeps_working_and_is_flagged()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        Assert.True((await Placement.ConnectAsync(ws, owner, Input("ws_flagged", user: "ws_flagged"))).Ok);
        Assert.Null((await Placement.ReviewAsync(ws, owner))!.Flag);
        await SecondPostgresCluster.ExecAsync(cluster.Super(), "ALTER ROLE ws_flagged BYPASSRLS");
        try
        {
            var review = await Placement.ReviewAsync(ws, owner);
            Assert.False(review!.Refused);
            Assert.Contains("may bypass row-level security", review.Flag);
            var admin = await AdminAsync();
            var slug = (await platform.Get<WorkspaceDirectory>().ForUserAsync(owner)).Single(a => a.WorkspaceId == ws).Slug;
            var row = (await platform.Get<Platform.Web.Features.Admin.AdminConsole>().HealthAsync(admin))
                .Single(r => r.Component == $"Workspace {slug} database");
            Assert.False(row.Healthy);
            Assert.Contains("needs fixing: User 'ws_flagged' may bypass row-level security", row.Detail);

            var recheck = await Placement.RecheckAsync(ws, owner);
            Assert.True(recheck.Ok, recheck.Error);
            Assert.Equal(WorkspaceAppStatus.Ready, recheck.Value!.Status);
            Assert.Contains("may bypass row-level security", recheck.Value.LastError);
            platform.Get<TenantConnectionResolver>().Invalidate(ws);
            await using var tenant = await platform.Tenants.OpenAsync(ws, owner);
            Assert.True(await tenant.AiPersonalities.AnyAsync());
        }
        finally { await SecondPostgresCluster.ExecAsync(cluster.Super(), "ALTER ROLE ws_flagged NOBYPASSRLS"); }
    }

    /// <summary>An own database stored before today's rules that points at the platform's own server is the live
    /// hole: it is not opened any more (not merely flagged).</summary>
    [Fact]
    public async Task An_existing_database_on_the_platforms_own_server_is_no_longer_opened()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var resolver = platform.Get<TenantConnectionResolver>();
        await using (var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws)))
        {
            db.WorkspaceApps.Add(new WorkspaceApp
            {
                WorkspaceId = ws, EncryptedConnectionString = resolver.Protector.Protect(platform.TenantStoreOwner),
                ConnectionHint = "platform", Status = WorkspaceAppStatus.Ready,
            });
            await db.SaveChangesAsync();
            await db.Workspaces.Where(w => w.Id == ws).ExecuteUpdateAsync(s => s.SetProperty(w => w.DataPlacement, DataPlacement.OwnDatabase));
            await db.Database.CommitTransactionAsync();
        }
        resolver.Invalidate(ws);
        var refused = await Assert.ThrowsAsync<WorkspaceDatabaseUnavailableException>(() => resolver.ResolveAsync(ws));
        Assert.Contains(OwnDatabaseAddress.Refused, refused.Message);
        var review = await Placement.ReviewAsync(ws, owner);
        Assert.True(review!.Refused);

        // The attack this closes: deleting the workspace must not delete anyone else's rows on the platform's store.
        var (victim, victimOwner) = await platform.CreateWorkspaceAsync();
        var slug = (await platform.Get<WorkspaceDirectory>().ForUserAsync(owner)).Single(a => a.WorkspaceId == ws).Slug;
        Assert.False((await platform.Get<WorkspaceLifecycle>().DeleteAsync(ws, owner, slug)).Ok);
        await using var tenant = await platform.Tenants.OpenAsync(victim, victimOwner);
        Assert.True(await tenant.AiPersonalities.AnyAsync());
    }

    private async Task<Guid> AdminAsync()
    {
        var id = await platform.CreateUserAsync();
        await using var db = platform.Main.Create(DbSession.None);
        await db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsPlatformAdmin, true));
        return id;
    }

    /// <summary>Startup migrations of own databases: one that does not answer costs its timeout and is noted, the
    /// others are still migrated, and its workspace is not switched off for it.</summary>
    [Fact]
    public async Task An_own_database_that_does_not_answer_is_given_up_after_its_timeout_without_failing_the_others()
    {
        var (silentWs, silentOwner) = await platform.CreateWorkspaceAsync();
        var (okWs, okOwner) = await platform.CreateWorkspaceAsync();
        Assert.True((await Placement.ConnectAsync(okWs, okOwner, Input("ws_ready2", user: "ws_owner2"))).Ok);
        // A server that accepts connections and never says a word.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var accepted = new List<System.Net.Sockets.Socket>();
        _ = Task.Run(async () => { try { while (true) accepted.Add(await listener.AcceptSocketAsync()); } catch (Exception) { } });
        var silent = new Npgsql.NpgsqlConnectionStringBuilder(cluster.Connection("ws_ready", "ws_owner", SecondPostgresCluster.OwnerPassword))
            { Port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port, Timeout = 60 }.ConnectionString;
        var resolver = platform.Get<TenantConnectionResolver>();
        await using (var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(silentWs)))
        {
            db.WorkspaceApps.Add(new WorkspaceApp
            {
                WorkspaceId = silentWs, EncryptedConnectionString = resolver.Protector.Protect(silent), ConnectionHint = "silent",
                Status = WorkspaceAppStatus.Ready,
            });
            await db.SaveChangesAsync();
            await db.Database.CommitTransactionAsync();
        }
        var options = platform.Get<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value.OwnDatabases;
        var before = options.MigrationTimeoutSeconds;
        options.MigrationTimeoutSeconds = 2;
        try { await platform.Get<DatabaseMigrator>().MigrateOwnDatabasesAsync(); }
        finally
        {
            options.MigrationTimeoutSeconds = before;
            listener.Stop();
            foreach (var s in accepted) s.Dispose();
        }
        await using var check = await platform.Main.OpenAsync(DbSession.ForPlatformAdmin(Guid.Empty));
        var silentApp = await check.WorkspaceApps.SingleAsync(a => a.WorkspaceId == silentWs);
        Assert.Equal(WorkspaceAppStatus.Ready, silentApp.Status);
        Assert.Contains("no answer within 2 s", silentApp.LastError);
        var okApp = await check.WorkspaceApps.SingleAsync(a => a.WorkspaceId == okWs);
        Assert.Equal(WorkspaceAppStatus.Ready, okApp.Status);
        Assert.Null(okApp.LastError);
        Assert.NotNull(okApp.LastCheckedAt);
        _ = silentOwner;
    }

    [Fact]
    public async Task Only_settings_managers_may_connect_or_test_a_database()
    {
        var (ws, _) = await platform.CreateWorkspaceAsync();
        var member = await platform.CreateUserAsync();
        await platform.AddMemberAsync(ws, member, BuiltInRoles.Member);
        var result = await Placement.ConnectAsync(ws, member, Input("ws_ready"));
        Assert.Contains("permission", result.Error);
        Assert.Contains("permission", (await Placement.TestAsync(ws, member, Input("ws_ready"))).Error);
    }

    [Fact]
    public async Task Deleting_a_workspace_removes_its_data_in_its_own_database()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        Assert.True((await Placement.ConnectAsync(ws, owner, Input("ws_delete", user: "ws_delete_owner"))).Ok);
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

/// <summary>The production default (Database:OwnDatabases:AllowPrivateNetworks false): a database on loopback is
/// refused before any connection, with the one fixed message, however the host is spelled.</summary>
public class OwnDatabaseStrictTests(WorkspacesStrictPlatform platform, SecondPostgresCluster cluster)
    : IClassFixture<WorkspacesStrictPlatform>, IClassFixture<SecondPostgresCluster>
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("::1")]
    [InlineData("127.0.0.2")]
    public async Task A_database_on_a_private_network_is_refused_with_one_fixed_message(string host)
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var input = new OwnDatabaseInput
        {
            Host = host, Port = cluster.Port, Database = "ws_ready", Username = "ws_owner", Password = SecondPostgresCluster.OwnerPassword,
        };
        var placement = platform.Get<WorkspaceDataPlacement>();
        Assert.Equal(OwnDatabaseAddress.Refused, (await placement.TestAsync(ws, owner, input)).Error);
        Assert.Equal(OwnDatabaseAddress.Refused, (await placement.ConnectAsync(ws, owner, input)).Error);
        // A closed port gets exactly the same answer: nothing was tried.
        input.Port = SecondPostgresCluster.FreePort();
        Assert.Equal(OwnDatabaseAddress.Refused, (await placement.TestAsync(ws, owner, input)).Error);
        Assert.Equal(0, await SecondPostgresCluster.ScalarAsync(cluster.Super("ws_ready"),
            "SELECT count(*) FROM pg_namespace WHERE nspname = 'tenant'"));
    }
}
