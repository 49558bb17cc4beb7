using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Platform.Data.Tenancy;
using Platform.Web.Features.Workspaces;

namespace Platform.Web.Features.Account.Sso;

/// <summary>A workspace's "members sign in with single sign-on" setting. Enforced where the workspace is entered
/// (<see cref="CurrentWorkspace"/>): a member whose session did not sign in through the provider is shown how to.</summary>
public sealed class WorkspaceSignInRequirement(MainDbFactory main, WorkspacePermissions permissions, SsoProviders providers)
{
    public async Task<string?> GetAsync(Guid workspaceId, Guid userId, CancellationToken ct = default)
    {
        if (await permissions.GetAsync(workspaceId, userId, ct) is null) return null;
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, userId), ct);
        return await db.Workspaces.Where(w => w.Id == workspaceId).Select(w => w.RequiredSignInProvider).SingleOrDefaultAsync(ct);
    }

    /// <param name="provider">A configured provider's name, or null to allow any way of signing in.</param>
    /// <param name="actor">The session making the change: it must itself be signed in through the provider, so
    /// the person switching it on does not shut themselves out (and has seen the provider work).</param>
    public async Task<Result> SetAsync(Guid workspaceId, Guid actorId, ClaimsPrincipal actor, string? provider, CancellationToken ct = default)
    {
        if (await permissions.CheckAsync(workspaceId, actorId, WorkspacePermission.ManageSettings, ct) is { } refusal)
            return refusal;
        if (provider is not null)
        {
            if (providers.Find(provider) is not { } known)
                return Result.Fail("That single sign-on provider is not configured on this platform.");
            if (!SignInMethod.IsThrough(actor, known.Name))
                return Result.Fail($"Sign in with {known.DisplayName} yourself first, so you don't lock yourself out of this workspace.");
        }
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct);
        var workspace = await db.Workspaces.SingleAsync(w => w.Id == workspaceId, ct);
        if (workspace.RequiredSignInProvider == provider) return Result.Success;
        var before = workspace.RequiredSignInProvider;
        workspace.RequiredSignInProvider = provider;
        await db.CommitAsync(AuditTrail.Entry(workspaceId, actorId, "workspace.sign_in_requirement", "workspace", workspaceId, new { from = before, to = provider }), ct);
        return Result.Success;
    }
}
