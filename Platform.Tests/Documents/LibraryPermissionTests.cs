using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Platform.Data.Tenancy;
using Platform.Web.Ai;
using Platform.Web.Features.Documents;
using Platform.Web.Features.Documents.Ingestion;
using Platform.Web.Features.Workspaces;

namespace Platform.Tests.Documents;

public sealed class LibraryPermissionPlatform() : DocumentsPlatform(PlatformMode.Local)
{
    protected override void ConfigureServices(IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        base.ConfigureServices(services, configuration);
        services.AddSingleton<WorkspacePermissions>();
    }
}

/// <summary>The Documents pages' service decides by the workspace's permissions, custom roles included, not by
/// built-in role names: members add and delete their own; manage_documents deletes anyone's and re-embeds.</summary>
public class LibraryPermissionTests(LibraryPermissionPlatform platform) : IClassFixture<LibraryPermissionPlatform>
{
    private sealed class SignedIn(Guid userId) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId.ToString())], "test"))));
    }

    private async Task<DocumentLibrary> LibraryForAsync(Guid workspaceId, Guid userId)
    {
        string slug;
        await using (var db = platform.Main.Create(DbSession.None))
            slug = await db.Workspaces.Where(w => w.Id == workspaceId).Select(w => w.Slug).SingleAsync();
        var current = new CurrentWorkspace(new SignedIn(userId), platform.Services.GetRequiredService<WorkspaceDirectory>(), Microsoft.Extensions.Logging.Abstractions.NullLogger<CurrentWorkspace>.Instance);
        Assert.NotNull(await current.EnterAsync(slug));
        var s = platform.Services;
        return new DocumentLibrary(current, platform.Intake, platform.Queries, platform.Search, s.GetRequiredService<EmbeddingFreshness>(),
            s.GetRequiredService<IAiBudgetGuard>(), s.GetRequiredService<WorkspacePermissions>());
    }

    private static async Task<DocumentRow> AddAsync(DocumentLibrary library, string title)
    {
        var added = await library.AddTextAsync(title, $"# {title}\n\nSome text about {title}.");
        Assert.Equal(IntakeOutcome.Queued, added.Outcome);
        return (await library.ListAsync()).Single(d => d.Id == added.DocumentId);
    }

    [Fact]
    public async Task Members_delete_their_own_documents_and_manage_documents_deletes_anyones()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var member = await LibraryForAsync(ws, await platform.AddMemberAsync(ws));
        var librarian = await LibraryForAsync(ws, await platform.AddMemberAsync(ws, WorkspacePermission.ManageDocuments));
        var ownerLibrary = await LibraryForAsync(ws, owner);

        var ownersDoc = await AddAsync(ownerLibrary, "Owner's handbook");
        var membersDoc = await AddAsync(member, "Member's notes");
        Assert.False(await member.CanManageAsync());
        Assert.True(await librarian.CanManageAsync());
        Assert.True(await ownerLibrary.CanManageAsync());

        var refusedDelete = await member.DeleteAsync(ownersDoc);
        Assert.Contains("manage documents", refusedDelete.Error);
        Assert.Equal(FailureKind.Forbidden, refusedDelete.Failure!.Kind);
        Assert.True((await member.DeleteAsync(membersDoc)).Ok);
        Assert.True((await librarian.DeleteAsync(ownersDoc)).Ok); // a custom role granting manage_documents is enough
        Assert.Empty(await ownerLibrary.ListAsync());

        Assert.Contains("manage documents", (await member.ReembedAsync()).Error);
        Assert.DoesNotContain("permission", (await librarian.ReembedAsync()).Error ?? "");
    }

    [Fact]
    public async Task A_member_removed_while_their_documents_page_is_open_is_refused_on_the_very_next_call()
    {
        var (ws, _) = await platform.CreateWorkspaceAsync();
        var memberId = await platform.AddMemberAsync(ws);
        var member = await LibraryForAsync(ws, memberId);
        var notes = await AddAsync(member, "Member's notes");

        await platform.RemoveMemberAsync(ws, memberId);

        // No waiting for the gate's timer: the circuit's services refuse on the next call, with a message to show.
        var added = await member.AddTextAsync("After removal", "# After removal\n\nWritten by a former member.");
        Assert.Equal(IntakeOutcome.Rejected, added.Outcome);
        Assert.Equal(WorkspaceDirectory.NoLongerMemberMessage, added.Message);
        Assert.Equal(WorkspaceDirectory.NoLongerMemberMessage, (await member.DeleteAsync(notes)).Error);
        Assert.Equal(WorkspaceDirectory.NoLongerMemberMessage, (await member.RetryAsync(notes.Id)).Error);
        Assert.Equal(WorkspaceDirectory.NoLongerMemberMessage, (await member.ConsumeSearchCreditAsync()).Error);
        Assert.Equal(WorkspaceDirectory.NoLongerMemberMessage, (await member.ReembedAsync()).Error);
        // Calls whose result has no room for a refusal throw the same message (as the tenant store's door does).
        var denied = await Assert.ThrowsAsync<WorkspaceAccessDeniedException>(() => member.ListAsync());
        Assert.Equal(WorkspaceDirectory.NoLongerMemberMessage, denied.Message);
        await Assert.ThrowsAsync<WorkspaceAccessDeniedException>(() => member.SearchAsync("notes", 5));
        Assert.Null(await member.GetAsync(notes.Id));
        Assert.Empty((await member.FacetsAsync()).Categories);

        await using var db = await platform.Tenants.OpenAsync(ws);
        Assert.Equal(["Member's notes"], await db.Documents.Select(d => d.Title).ToListAsync());
    }

    [Fact]
    public async Task In_a_workspace_suspended_while_the_documents_page_is_open_nothing_more_is_added()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var library = await LibraryForAsync(ws, owner);
        await AddAsync(library, "Owner's handbook");

        await platform.SuspendAsync(ws);

        var added = await library.AddTextAsync("After suspension", "# After suspension\n\nMore text.");
        Assert.Equal(IntakeOutcome.Rejected, added.Outcome);
        Assert.Equal(WorkspaceDirectory.SuspendedMessage, added.Message);
        Assert.Equal(WorkspaceDirectory.SuspendedMessage, (await Assert.ThrowsAsync<WorkspaceAccessDeniedException>(() => library.ListAsync())).Message);
    }
}
