using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Web.Features.Api.Keys;
using Platform.Web.Features.Workspaces;

namespace Platform.Tests.Api;

/// <summary>API keys: who may make them, what they may do, and when they stop working — each checked through
/// real HTTP requests, so the key's WorkspaceScope re-check is what is proven.</summary>
public class ApiKeyTests(LocalApiPlatform platform) : IClassFixture<LocalApiPlatform>
{
    [Fact]
    public async Task A_key_is_shown_once_stored_as_a_keyed_hash_counted_and_its_create_and_revoke_are_audited()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var scope = platform.MemberScope(ws, owner);
        var created = (await platform.Keys.CreateAsync(scope, new ApiKeyInput { Name = "CI", Scopes = [ApiScopes.DocumentsRead] })).Value!;
        Assert.StartsWith("plk_", created.Key);
        Assert.StartsWith(created.Prefix, created.Key[..4] + created.Key[(4 + 33)..]);

        await using (var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws)))
        {
            var row = await db.ApiKeys.SingleAsync(k => k.Id == created.Id);
            Assert.DoesNotContain(created.Key[^20..], row.KeyHash + row.Prefix);
            Assert.NotEqual(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(created.Key))), row.KeyHash); // keyed, not a bare hash
            Assert.Equal(64, row.KeyHash.Length);
        }
        Assert.Null((await platform.Keys.ListAsync(scope)).Single().LastUsedAt);

        await using var server = await platform.StartAsync();
        using var client = server.Client(created.Key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/documents")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/documents")).StatusCode);
        var listed = (await platform.Keys.ListAsync(scope)).Single();
        Assert.Equal(2, listed.RequestCount);
        Assert.NotNull(listed.LastUsedAt);

        Assert.True((await platform.Keys.RevokeAsync(scope, created.Id)).Ok);
        await ApiDocumentsTests.AssertProblemAsync(await client.GetAsync("/api/v1/documents"), HttpStatusCode.Unauthorized);

        await using var audit = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws));
        var actions = await audit.AuditLog.Where(e => e.WorkspaceId == ws && e.TargetId == created.Id.ToString())
            .OrderBy(e => e.Id).Select(e => new { e.Action, e.UserId, e.Details }).ToListAsync();
        Assert.Equal(["api_key.created", "api_key.revoked"], actions.Select(a => a.Action));
        Assert.All(actions, a => Assert.Equal(owner, a.UserId));
        Assert.All(actions, a => Assert.DoesNotContain(created.Key[8..], a.Details));
    }

    [Fact]
    public async Task Only_members_with_manage_api_keys_create_or_revoke_keys()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var member = await platform.AddMemberAsync(ws);
        var integrator = await platform.AddMemberAsync(ws, WorkspacePermission.ManageApiKeys);
        var input = new ApiKeyInput { Name = "sync", Scopes = [ApiScopes.Search] };

        var refused = await platform.Keys.CreateAsync(platform.MemberScope(ws, member), input);
        Assert.False(refused.Ok);
        Assert.Contains("api keys", refused.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await platform.Keys.ListAsync(platform.MemberScope(ws, member)));
        var made = await platform.Keys.CreateAsync(platform.MemberScope(ws, integrator), input);
        Assert.True(made.Ok, made.Error);
        Assert.False((await platform.Keys.RevokeAsync(platform.MemberScope(ws, member), made.Value!.Id)).Ok);

        Assert.False((await platform.Keys.CreateAsync(platform.MemberScope(ws, owner), new ApiKeyInput { Name = "x", Scopes = ["admin"] })).Ok);
        Assert.False((await platform.Keys.CreateAsync(platform.MemberScope(ws, owner), new ApiKeyInput { Name = "x", Scopes = [] })).Ok);
        Assert.False((await platform.Keys.CreateAsync(platform.MemberScope(ws, owner),
            new ApiKeyInput { Name = "x", Scopes = [ApiScopes.Search], ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) })).Ok);
    }

    [Fact]
    public async Task A_key_never_does_more_than_its_creator_and_stops_when_the_creator_loses_the_permission_or_leaves()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var integrator = await platform.AddMemberAsync(ws, WorkspacePermission.ManageApiKeys, WorkspacePermission.ManageDocuments);
        var plain = await platform.AddMemberAsync(ws, WorkspacePermission.ManageApiKeys);
        var ownersDoc = await platform.AddTextAsync(ws, "Owner's", "Written by the owner.");
        await using var server = await platform.StartAsync();
        using var plainKey = server.Client(await platform.CreateKeyAsync(ws, plain, ApiScopes.DocumentsWrite, ApiScopes.DocumentsRead));
        using var integratorKey = server.Client(await platform.CreateKeyAsync(ws, integrator, ApiScopes.DocumentsWrite, ApiScopes.DocumentsRead));

        // A plain member may not delete others' documents or re-embed in the UI; neither may their key.
        await ApiDocumentsTests.AssertProblemAsync(await plainKey.DeleteAsync($"/api/v1/documents/{ownersDoc}"), HttpStatusCode.Forbidden);
        await ApiDocumentsTests.AssertProblemAsync(await plainKey.PostAsync("/api/v1/documents/reembed", null), HttpStatusCode.Forbidden);

        // The integrator's role loses manage_documents: their key loses it on the next request.
        await using (var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws)))
        {
            var roleId = await db.WorkspaceMembers.Where(m => m.UserId == integrator).Select(m => m.WorkspaceRoleId).SingleAsync();
            var role = await db.WorkspaceRoles.SingleAsync(r => r.Id == roleId);
            role.Permissions = [WorkspacePermission.ManageApiKeys];
            await db.CommitAsync();
        }
        await ApiDocumentsTests.AssertProblemAsync(await integratorKey.DeleteAsync($"/api/v1/documents/{ownersDoc}"), HttpStatusCode.Forbidden);

        // The creator leaves: every request with the key is refused.
        Assert.Equal(HttpStatusCode.OK, (await integratorKey.GetAsync("/api/v1/documents")).StatusCode);
        await platform.RemoveMemberAsync(ws, integrator);
        Assert.Contains("no longer in the workspace",
            await ApiDocumentsTests.AssertProblemAsync(await integratorKey.GetAsync("/api/v1/documents"), HttpStatusCode.Forbidden));

        // A suspended workspace answers no key.
        await platform.SuspendAsync(ws);
        await ApiDocumentsTests.AssertProblemAsync(await plainKey.GetAsync("/api/v1/documents"), HttpStatusCode.Forbidden);
        await using var tenant = await platform.Tenants.OpenAsync(ws, null);
        Assert.True(await tenant.Documents.AnyAsync(d => d.Id == ownersDoc));
    }

    [Fact]
    public async Task An_expired_key_stops_working()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var created = (await platform.Keys.CreateAsync(platform.MemberScope(ws, owner),
            new ApiKeyInput { Name = "temp", Scopes = [ApiScopes.DocumentsRead], ExpiresAt = DateTimeOffset.UtcNow.AddDays(1) })).Value!;
        await using var server = await platform.StartAsync();
        using var client = server.Client(created.Key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/documents")).StatusCode);

        await using (var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws)))
        {
            await db.ApiKeys.Where(k => k.Id == created.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1)));
            await db.CommitAsync();
        }
        await ApiDocumentsTests.AssertProblemAsync(await client.GetAsync("/api/v1/documents"), HttpStatusCode.Unauthorized);
    }
}
