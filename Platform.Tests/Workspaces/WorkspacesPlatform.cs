using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Data.Tenancy;
using Platform.Tests.Infrastructure;
using Platform.Web.Ai;
using Platform.Web.Features.Workspaces;

namespace Platform.Tests.Workspaces;

/// <summary>The platform with the Workspaces feature's services and a clock the tests can move.
/// <paramref name="allowPrivateNetworks"/>: own databases and workspace AI endpoints may be on 127.0.0.1 (the
/// tests' second cluster and protocol servers live there); <see cref="WorkspacesStrictPlatform"/> keeps the
/// production default (refused).</summary>
public abstract class WorkspacesPlatformBase(PlatformMode mode, bool allowPrivateNetworks = true) : PlatformFixture(mode)
{
    public TestClock Clock { get; } = new();

    protected override void AddSettings(IDictionary<string, string?> settings)
    {
        settings["Database:OwnDatabases:AllowPrivateNetworks"] = allowPrivateNetworks.ToString();
        settings["Ai:AllowPrivateNetworks"] = allowPrivateNetworks.ToString();
    }

    protected override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<TimeProvider>(Clock);
        // The models the AI keys tests save: priced, as a paid provider's model must be (PriceTable.CanBill).
        services.Configure<Platform.Web.Ai.Pricing.PricingOptions>(o =>
        {
            foreach (var model in new[] { "gpt-test", "gpt-4o-mini" })
                o.Models[model] = new() { InputPerMillion = 0.15m, OutputPerMillion = 0.60m };
        });
        services.AddOptions<PlatformAiOptions>().Bind(configuration.GetSection(PlatformAiOptions.Section));
        services.AddWorkspaceFeature();
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Adds an existing user to a workspace with a role, as the owner would through an invite.</summary>
    public async Task AddMemberAsync(Guid workspaceId, Guid userId, string role)
    {
        await using var db = await Main.OpenAsync(DbSession.ForWorkspace(workspaceId));
        db.WorkspaceMembers.Add(new() { WorkspaceId = workspaceId, UserId = userId, Role = role });
        await db.SaveChangesAsync();
        await db.Database.CommitTransactionAsync();
    }
}

public sealed class WorkspacesLocalPlatform() : WorkspacesPlatformBase(PlatformMode.Local);

public sealed class WorkspacesHostedPlatform() : WorkspacesPlatformBase(PlatformMode.Hosted);

/// <summary>Hosted mode with the production defaults: private networks refused for own databases and AI endpoints.</summary>
public sealed class WorkspacesStrictPlatform() : WorkspacesPlatformBase(PlatformMode.Hosted, allowPrivateNetworks: false);

/// <summary>A clock tests move forward (invite expiry, membership re-check interval).</summary>
public sealed class TestClock : TimeProvider
{
    private TimeSpan _offset;
    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow + _offset;
    public void Advance(TimeSpan by) => _offset += by;
}
