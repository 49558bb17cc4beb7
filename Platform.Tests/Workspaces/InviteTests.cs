using Microsoft.EntityFrameworkCore;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Web.Features.Workspaces;

namespace Platform.Tests.Workspaces;

public class InviteTests(WorkspacesLocalPlatform platform) : IClassFixture<WorkspacesLocalPlatform>
{
    private WorkspaceInvitesService Invites => platform.Get<WorkspaceInvitesService>();

    private static string TokenOf(string link) => link[(link.LastIndexOf('/') + 1)..];

    private async Task<(Guid Ws, Guid Owner, string Email, CreatedInvite Invite)> InviteAsync(string role = BuiltInRoles.Member, TimeSpan? validFor = null)
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var email = $"{Guid.NewGuid():N}@Invitee.test";
        var created = await Invites.CreateAsync(ws, owner, email, role, validFor);
        Assert.True(created.Ok, created.Error);
        return (ws, owner, email, created.Value!);
    }

    [Fact]
    public async Task Accepting_joins_the_workspace_once_and_the_token_is_stored_only_as_a_hash()
    {
        var (ws, owner, email, invite) = await InviteAsync(BuiltInRoles.Admin);
        Assert.Contains($"/invite/{ws}/", invite.Link);
        var token = TokenOf(invite.Link);

        await using (var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws, owner)))
        {
            var stored = await db.WorkspaceInvites.SingleAsync(i => i.Id == invite.Id);
            Assert.NotEqual(token, stored.TokenHash);
            Assert.Equal(WorkspaceInvitesService.Hash(token), stored.TokenHash);
            Assert.True(await db.OutboxEmails.AnyAsync(m => m.To == email && m.HtmlBody.Contains(token)));
        }

        var user = await platform.CreateUserAsync(email.ToLowerInvariant());
        var preview = await Invites.PreviewAsync(ws, token);
        Assert.True(preview.Ok, preview.Error);
        var accepted = await Invites.AcceptAsync(ws, token, user);
        Assert.True(accepted.Ok, accepted.Error);
        Assert.Equal(BuiltInRoles.Admin, (await platform.Get<WorkspacePermissions>().GetAsync(ws, user))!.Role);
        Assert.Contains((await platform.Get<WorkspaceDirectory>().ForUserAsync(user)), a => a.WorkspaceId == ws);

        // Single use: the same link no longer works, for anyone.
        var again = await Invites.AcceptAsync(ws, token, await platform.CreateUserAsync());
        Assert.False(again.Ok);
        Assert.Contains("already been used", again.Error);
    }

    [Fact]
    public async Task Someone_who_registered_from_the_invite_joins_directly_an_older_or_unconfirmed_account_is_asked()
    {
        // An account that existed before the invite: one click ("Join"), not an automatic join.
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var olderEmail = $"{Guid.NewGuid():N}@invitee.test";
        var older = await platform.CreateUserAsync(olderEmail);
        var olderInvite = await Invites.CreateAsync(ws, owner, olderEmail, BuiltInRoles.Member);
        Assert.False(await Invites.JoinsDirectlyAsync(ws, TokenOf(olderInvite.Value!.Link), older));

        // Registered after the invite with its address, confirmed: joins directly.
        var (ws2, _, email, invite) = await InviteAsync();
        var newcomer = await platform.CreateUserAsync(email.ToLowerInvariant());
        Assert.True(await Invites.JoinsDirectlyAsync(ws2, TokenOf(invite.Link), newcomer));

        // Not for another address, and not before the address is confirmed.
        Assert.False(await Invites.JoinsDirectlyAsync(ws2, TokenOf(invite.Link), await platform.CreateUserAsync()));
        await using (var db = platform.Main.Create(DbSession.None))
            await db.Users.Where(u => u.Id == newcomer).ExecuteUpdateAsync(u => u.SetProperty(x => x.EmailConfirmed, false));
        Assert.False(await Invites.JoinsDirectlyAsync(ws2, TokenOf(invite.Link), newcomer));
    }

    [Fact]
    public async Task Resending_mails_a_new_link_and_the_old_one_stops_working()
    {
        var (ws, owner, email, invite) = await InviteAsync(BuiltInRoles.Admin);
        var resent = await Invites.ResendAsync(ws, owner, invite.Id);
        Assert.True(resent.Ok, resent.Error);
        Assert.NotEqual(invite.Link, resent.Value!.Link);

        Assert.Contains("revoked", (await Invites.PreviewAsync(ws, TokenOf(invite.Link))).Error);
        Assert.True((await Invites.PreviewAsync(ws, TokenOf(resent.Value.Link))).Ok);
        var rows = await Invites.ListAsync(ws, owner);
        Assert.Equal(["pending", "revoked"], rows.Select(r => r.State(DateTimeOffset.UtcNow)).Order().ToArray());
        Assert.All(rows, r => Assert.Equal(BuiltInRoles.Admin, r.Role));
        await using var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws, owner));
        Assert.Equal(2, await db.OutboxEmails.CountAsync(m => m.To == email));
    }

    [Theory]
    [InlineData("also@bad")]
    [InlineData("two@at@example.com")]
    [InlineData("Name <name@example.com>")]
    public async Task An_invite_to_something_that_is_not_an_address_is_refused(string email)
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var created = await Invites.CreateAsync(ws, owner, email, BuiltInRoles.Member);
        Assert.False(created.Ok);
        Assert.Contains("is not an email address", created.Error);
    }

    [Fact]
    public async Task An_expired_invite_is_refused()
    {
        var (ws, _, email, invite) = await InviteAsync(validFor: TimeSpan.FromHours(1));
        var user = await platform.CreateUserAsync(email);
        platform.Clock.Advance(TimeSpan.FromHours(2));
        try
        {
            var result = await Invites.AcceptAsync(ws, TokenOf(invite.Link), user);
            Assert.Contains("expired", result.Error);
            Assert.Null(await platform.Get<WorkspacePermissions>().GetAsync(ws, user));
        }
        finally
        {
            platform.Clock.Advance(-TimeSpan.FromHours(2));
        }
    }

    [Fact]
    public async Task The_wrong_account_cannot_use_a_forwarded_link()
    {
        var (ws, _, _, invite) = await InviteAsync();
        var stranger = await platform.CreateUserAsync();
        var result = await Invites.AcceptAsync(ws, TokenOf(invite.Link), stranger);
        Assert.False(result.Ok);
        Assert.Contains("This invite is for", result.Error);
        Assert.Null(await platform.Get<WorkspacePermissions>().GetAsync(ws, stranger));
    }

    [Fact]
    public async Task A_revoked_invite_or_a_token_for_another_workspace_is_refused()
    {
        var (ws, owner, email, invite) = await InviteAsync();
        var (otherWs, _) = await platform.CreateWorkspaceAsync();
        var user = await platform.CreateUserAsync(email);
        Assert.False((await Invites.AcceptAsync(otherWs, TokenOf(invite.Link), user)).Ok);

        Assert.True((await Invites.RevokeAsync(ws, owner, invite.Id)).Ok);
        var result = await Invites.AcceptAsync(ws, TokenOf(invite.Link), user);
        Assert.Contains("revoked", result.Error);
        var rows = await Invites.ListAsync(ws, owner);
        Assert.Equal("revoked", rows.Single().State(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_reason()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        Assert.Contains("not an email", (await Invites.CreateAsync(ws, owner, "not-an-email", BuiltInRoles.Member)).Error);
        Assert.Contains("Unknown role", (await Invites.CreateAsync(ws, owner, "a@b.test", "superuser")).Error);
    }
}
