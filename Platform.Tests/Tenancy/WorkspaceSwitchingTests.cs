using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Tests.Infrastructure;
using Platform.Web.Features.Workspaces;

namespace Platform.Tests.Tenancy;

/// <summary>One circuit (one DI scope) moving between the user's workspaces: each unit of work sees only the
/// workspace entered at the time; a workspace the user doesn't belong to can't be entered.</summary>
public class WorkspaceSwitchingTests(HostedPlatform platform) : IClassFixture<HostedPlatform>
{
    private sealed class SignedIn(Guid userId) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() =>
            Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim(ClaimTypes.NameIdentifier, userId.ToString())], "test"))));
    }

    [Fact]
    public async Task Switching_workspace_inside_one_circuit_rebinds_every_later_unit_of_work()
    {
        var user = await platform.CreateUserAsync();
        var a = await platform.Provisioning.CreateAsync("Alpha", "alpha-" + Guid.NewGuid().ToString("N")[..6], user);
        var b = await platform.Provisioning.CreateAsync("Beta", "beta-" + Guid.NewGuid().ToString("N")[..6], user);
        var (foreign, foreignOwner) = await platform.CreateWorkspaceAsync("Foreign");
        await WorkspaceRows.SeedAsync(platform, a.Id, user);
        await WorkspaceRows.SeedAsync(platform, foreign, foreignOwner);

        var services = new ServiceCollection();
        services.AddLogging().AddSingleton(platform.Main).AddSingleton(platform.Tenants)
            .AddSingleton(platform.Services.GetRequiredService<WorkspaceDirectory>())
            .AddScoped<AuthenticationStateProvider>(_ => new SignedIn(user))
            .AddScoped<CurrentWorkspace>();
        await using var root = services.BuildServiceProvider();
        await using var circuit = root.CreateAsyncScope();
        var current = circuit.ServiceProvider.GetRequiredService<CurrentWorkspace>();

        Assert.NotNull(await current.EnterAsync(a.Slug));
        await using (var db = await current.Scope().OpenTenantAsync())
            Assert.Equal(1, await db.Chats.CountAsync());

        Assert.NotNull(await current.EnterAsync(b.Slug));
        await using (var db = await current.Scope().OpenTenantAsync())
        {
            Assert.Equal(0, await db.Chats.CountAsync());
            Assert.Equal(b.Id, db.WorkspaceId);
        }

        var foreignSlug = (await platform.Services.GetRequiredService<WorkspaceDirectory>().ForUserAsync(foreignOwner)).Single().Slug;
        Assert.Null(await current.EnterAsync(foreignSlug));
        await Assert.ThrowsAsync<InvalidOperationException>(() => current.Scope().OpenTenantAsync());
    }
}
