using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace Platform.Web.Features.Workspaces;

/// <summary>
/// The workspace this circuit (or request) works in. Scoped: one per circuit, so it follows the user's clicks
/// (HTTP middleware and AsyncLocal would not). Entered from the route's slug and the signed-in user's
/// memberships — never from a client-supplied id alone. Holds no DbContext.
/// </summary>
public sealed class CurrentWorkspace(AuthenticationStateProvider auth, WorkspaceDirectory directory)
{
    public WorkspaceAccess? Access { get; private set; }
    public Guid? UserId { get; private set; }

    /// <summary>Raised after the workspace changed (the app bar and navigation re-render).</summary>
    public event Action? Changed;

    public Guid WorkspaceId => Access?.WorkspaceId ?? throw new InvalidOperationException("No workspace has been entered.");

    /// <summary>Enters the workspace with this slug if the signed-in user is a member; null otherwise.</summary>
    public async Task<WorkspaceAccess?> EnterAsync(string slug, CancellationToken ct = default)
    {
        var userId = await GetUserIdAsync();
        var access = userId is null ? null : await directory.FindAsync(userId.Value, slug, ct);
        if (access != Access)
        {
            Access = access;
            Changed?.Invoke();
        }
        return access;
    }

    public async Task<Guid?> GetUserIdAsync()
    {
        var state = await auth.GetAuthenticationStateAsync();
        UserId = Guid.TryParse(state.User.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;
        return UserId;
    }
}
