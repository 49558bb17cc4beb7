using Platform.Data.Main.Entities;
using Platform.Web.Features.Workspaces;

namespace Platform.Tests.Workspaces;

/// <summary>
/// The prerendering request's membership check is handed to the circuit that follows (CurrentWorkspace.HandOff), so
/// the page keeps showing what was just prerendered instead of blanking while the circuit asks again. These pin down
/// who may adopt it: the same user, the same slug, a check younger than RecheckEvery — and a re-check still sees a
/// removal.
/// </summary>
public class WorkspaceHandOffTests(WorkspacesLocalPlatform platform) : IClassFixture<WorkspacesLocalPlatform>
{
    private WorkspaceMembersService Members => platform.Get<WorkspaceMembersService>();

    private async Task<(Guid Workspace, Guid Owner, Guid Member, string Slug, CurrentWorkspace.WorkspaceHandOff HandOff)> PrerenderedAsync()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var member = await platform.CreateUserAsync();
        await platform.AddMemberAsync(ws, member, BuiltInRoles.Member);
        var slug = (await platform.Get<WorkspaceDirectory>().ForUserAsync(member)).Single().Slug;
        var prerender = new CurrentWorkspace(new SignedIn(member), platform.Get<WorkspaceDirectory>(), Microsoft.Extensions.Logging.Abstractions.NullLogger<CurrentWorkspace>.Instance, platform.Clock);
        Assert.NotNull(await prerender.EnterAsync(slug));
        return (ws, owner, member, slug, Assert.IsType<CurrentWorkspace.WorkspaceHandOff>(prerender.HandOff));
    }

    private CurrentWorkspace Circuit(Guid userId, CurrentWorkspace.WorkspaceHandOff handOff) =>
        new(new SignedIn(userId), platform.Get<WorkspaceDirectory>(), Microsoft.Extensions.Logging.Abstractions.NullLogger<CurrentWorkspace>.Instance, platform.Clock) { HandOff = handOff };

    [Fact]
    public async Task The_circuit_of_the_same_user_adopts_the_prerendering_check()
    {
        var (ws, _, member, slug, handOff) = await PrerenderedAsync();
        var circuit = Circuit(member, handOff);

        var access = await circuit.EnterAsync(slug);

        Assert.Equal(ws, access?.WorkspaceId);
        Assert.True(circuit.AccessWasHandedOver);
        Assert.Equal(ws, circuit.Scope().WorkspaceId);
    }

    [Fact]
    public async Task Another_user_cannot_adopt_it()
    {
        var (_, _, _, slug, handOff) = await PrerenderedAsync();
        var stranger = await platform.CreateUserAsync();
        var circuit = Circuit(stranger, handOff);

        Assert.Null(await circuit.EnterAsync(slug));
        Assert.False(circuit.AccessWasHandedOver);
        Assert.Throws<InvalidOperationException>(() => circuit.Scope());
    }

    [Fact]
    public async Task It_serves_only_the_slug_it_was_checked_for()
    {
        var (_, _, member, _, handOff) = await PrerenderedAsync();
        var circuit = Circuit(member, handOff);

        Assert.Null(await circuit.EnterAsync("someone-elses-workspace"));
        Assert.False(circuit.AccessWasHandedOver);
    }

    [Fact]
    public async Task A_stale_check_is_not_adopted_and_a_removal_meanwhile_shows()
    {
        var (ws, owner, member, slug, handOff) = await PrerenderedAsync();
        Assert.True((await Members.RemoveAsync(ws, owner, member)).Ok);
        platform.Clock.Advance(CurrentWorkspace.RecheckEvery + TimeSpan.FromSeconds(1));
        var circuit = Circuit(member, handOff);

        Assert.Null(await circuit.EnterAsync(slug));
        Assert.False(circuit.AccessWasHandedOver);
    }

    [Fact]
    public async Task The_gates_immediate_recheck_sees_a_removal_made_after_prerendering()
    {
        var (ws, owner, member, slug, handOff) = await PrerenderedAsync();
        var circuit = Circuit(member, handOff);
        Assert.NotNull(await circuit.EnterAsync(slug));
        Assert.True((await Members.RemoveAsync(ws, owner, member)).Ok);

        Assert.Null(await circuit.RecheckAsync());
        Assert.Null(circuit.Access);
        Assert.False(circuit.AccessWasHandedOver);
        await Assert.ThrowsAsync<InvalidOperationException>(() => circuit.RequireAccessAsync()); // nothing entered any more
    }

    [Fact]
    public async Task It_is_adopted_once_only_a_later_entry_checks_the_database()
    {
        var (ws, owner, member, slug, handOff) = await PrerenderedAsync();
        var circuit = Circuit(member, handOff);
        Assert.NotNull(await circuit.EnterAsync(slug));
        Assert.True((await Members.RemoveAsync(ws, owner, member)).Ok);
        platform.Clock.Advance(CurrentWorkspace.RecheckEvery + TimeSpan.FromSeconds(1));

        Assert.Null(await circuit.EnterAsync(slug));
    }
}
