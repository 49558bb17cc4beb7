using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Data;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Web.Features.Workspaces;

namespace Platform.Tests.Infrastructure;

/// <summary>
/// A migrated platform on real PostgreSQL in fresh databases: Local mode (one database) or Hosted mode (main
/// database + a separate default tenant database). The services are the app's own (AddPlatformData).
/// Use as an xunit class fixture: <c>IClassFixture&lt;LocalPlatform&gt;</c> / <c>IClassFixture&lt;HostedPlatform&gt;</c>.
/// </summary>
public abstract class PlatformFixture(PlatformMode mode) : IAsyncLifetime
{
    public PlatformMode Mode { get; } = mode;
    public string MainDatabase { get; private set; } = "";
    public string? TenantDatabase { get; private set; }
    public ServiceProvider Services { get; private set; } = null!;

    public MainDbFactory Main => Services.GetRequiredService<MainDbFactory>();
    public TenantDbFactory Tenants => Services.GetRequiredService<TenantDbFactory>();
    public WorkspaceProvisioning Provisioning => Services.GetRequiredService<WorkspaceProvisioning>();

    /// <summary>Runtime-role connection string of the store holding tenant data.</summary>
    public string TenantStoreApp => TestDatabases.App(TenantDatabase ?? MainDatabase);
    public string TenantStoreOwner => TestDatabases.Owner(TenantDatabase ?? MainDatabase);

    public virtual async Task InitializeAsync()
    {
        MainDatabase = await TestDatabases.CreateAsync("main");
        if (Mode == PlatformMode.Hosted) TenantDatabase = await TestDatabases.CreateAsync("tenants");

        var settings = new Dictionary<string, string?>
        {
            ["Database:Mode"] = Mode.ToString(),
            ["Database:Main"] = TestDatabases.App(MainDatabase),
            ["Database:MainOwner"] = TestDatabases.Owner(MainDatabase),
            ["Database:AppRole"] = TestDatabases.AppRole,
        };
        if (TenantDatabase is not null)
        {
            settings["Database:TenantDefault"] = TestDatabases.App(TenantDatabase);
            settings["Database:TenantDefaultOwner"] = TestDatabases.Owner(TenantDatabase);
        }
        AddSettings(settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddPlatformData(configuration);
        services.AddSingleton<WorkspaceDirectory>();
        services.AddSingleton<WorkspaceProvisioning>();
        ConfigureServices(services, configuration);
        Services = services.BuildServiceProvider();
        await Services.GetRequiredService<DatabaseMigrator>().MigrateAllAsync();
    }

    /// <summary>Feature fixtures add configuration here (before the services are built).</summary>
    protected virtual void AddSettings(IDictionary<string, string?> settings) { }

    /// <summary>Feature fixtures add their services here.</summary>
    protected virtual void ConfigureServices(IServiceCollection services, IConfiguration configuration) { }

    /// <summary>A new user row (Identity's table) to own or join workspaces.</summary>
    public async Task<Guid> CreateUserAsync(string? email = null)
    {
        await using var db = Main.Create(DbSession.None);
        var user = new Platform.Data.Main.Entities.AppUser
        {
            Email = email ?? $"{Guid.NewGuid():N}@test.local", EmailConfirmed = true,
        };
        user.UserName = user.Email;
        user.NormalizedEmail = user.NormalizedUserName = user.Email!.ToUpperInvariant();
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user.Id;
    }

    /// <summary>A new user with the platform admin flag set in the database.</summary>
    public async Task<Guid> CreatePlatformAdminAsync()
    {
        var id = await CreateUserAsync();
        await using var db = Main.Create(DbSession.None);
        var user = await db.Users.FindAsync(id);
        user!.IsPlatformAdmin = true;
        await db.SaveChangesAsync();
        return id;
    }

    /// <summary>A workspace with a fresh owner.</summary>
    public async Task<(Guid WorkspaceId, Guid OwnerId)> CreateWorkspaceAsync(string? name = null)
    {
        var owner = await CreateUserAsync();
        var slug = "ws-" + Guid.NewGuid().ToString("N")[..10];
        var workspace = await Provisioning.CreateAsync(name ?? slug, slug, owner);
        return (workspace.Id, owner);
    }

    /// <summary>Adds a plain member, optionally with a custom role granting <paramref name="permissions"/>.</summary>
    public async Task<Guid> AddMemberAsync(Guid workspaceId, params string[] permissions)
    {
        var user = await CreateUserAsync();
        await using var db = await Main.OpenAsync(DbSession.ForWorkspace(workspaceId));
        Guid? roleId = null;
        if (permissions.Length > 0)
        {
            var role = new WorkspaceRole { WorkspaceId = workspaceId, Name = "Role " + Guid.NewGuid().ToString("N")[..6], Permissions = permissions };
            db.WorkspaceRoles.Add(role);
            roleId = role.Id;
        }
        db.WorkspaceMembers.Add(new WorkspaceMember { WorkspaceId = workspaceId, UserId = user, Role = BuiltInRoles.Member, WorkspaceRoleId = roleId });
        await db.SaveChangesAsync();
        await db.Database.CommitTransactionAsync();
        return user;
    }

    /// <summary>Takes a member out of the workspace behind the services' back, as another admin's tab would.</summary>
    public async Task RemoveMemberAsync(Guid workspaceId, Guid userId)
    {
        await using var db = await Main.OpenAsync(DbSession.ForWorkspace(workspaceId));
        var removed = await db.WorkspaceMembers.Where(m => m.UserId == userId).ExecuteDeleteAsync();
        if (removed != 1) throw new InvalidOperationException($"Expected one membership to remove, found {removed}.");
        await db.CommitAsync();
    }

    /// <summary>Suspends the workspace (what the admin console does), behind the services' back.</summary>
    public async Task SuspendAsync(Guid workspaceId)
    {
        await using var db = await Main.OpenAsync(DbSession.ForWorkspace(workspaceId));
        var workspace = await db.Workspaces.SingleAsync(w => w.Id == workspaceId);
        workspace.Status = WorkspaceStatus.Suspended;
        await db.CommitAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        await TestDatabases.DropAsync(MainDatabase);
        if (TenantDatabase is not null) await TestDatabases.DropAsync(TenantDatabase);
    }
}

public sealed class LocalPlatform() : PlatformFixture(PlatformMode.Local);

public sealed class HostedPlatform() : PlatformFixture(PlatformMode.Hosted);
