using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Data.Tenancy;
using Platform.Tests.Infrastructure;
using Platform.Web.Features.Workspaces;

namespace Platform.Tests.Workspaces;

/// <summary>The platform with the Workspaces feature's services and a clock the tests can move.</summary>
public abstract class WorkspacesPlatformBase(PlatformMode mode) : PlatformFixture(mode)
{
    public TestClock Clock { get; } = new();

    protected override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<TimeProvider>(Clock);
        // The models the AI keys tests save: priced, as a paid provider's model must be (PriceTable.CanBill).
        services.Configure<Platform.Web.Ai.Pricing.PricingOptions>(o =>
        {
            foreach (var model in new[] { "gpt-test", "gpt-4o-mini" })
                o.Models[model] = new() { InputPerMillion = 0.15m, OutputPerMillion = 0.60m };
        });
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

/// <summary>A clock tests move forward (invite expiry, membership re-check interval).</summary>
public sealed class TestClock : TimeProvider
{
    private TimeSpan _offset;
    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow + _offset;
    public void Advance(TimeSpan by) => _offset += by;
}
