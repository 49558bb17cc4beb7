using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace Platform.Tests.Workspaces;

/// <summary>An authentication state for a signed-in user id (what Identity's provider gives a circuit).</summary>
public sealed class SignedIn(Guid? userId, bool platformAdmin = false) : AuthenticationStateProvider
{
    public override Task<AuthenticationState> GetAuthenticationStateAsync()
    {
        var claims = userId is null ? [] : new List<Claim> { new(ClaimTypes.NameIdentifier, userId.Value.ToString()) };
        if (platformAdmin) claims.Add(new("platform_admin", "true"));
        var identity = userId is null ? new ClaimsIdentity() : new ClaimsIdentity(claims, "test");
        return Task.FromResult(new AuthenticationState(new ClaimsPrincipal(identity)));
    }
}
