using System.Security.Claims;
using Microsoft.AspNetCore.Identity;

namespace Platform.Web.Features.Account.Sso;

/// <summary>How the current session was signed in. Identity records the external provider's scheme as an
/// authentication-method claim when it signs in through it; a workspace that requires single sign-on checks it.</summary>
public static class SignInMethod
{
    public static bool IsThrough(ClaimsPrincipal user, string provider) =>
        user.FindAll(ClaimTypes.AuthenticationMethod).Any(c => string.Equals(c.Value, provider, StringComparison.Ordinal));

    /// <summary>The cookie's principal is rebuilt from the database every validation interval, and Identity's
    /// validator drops the authentication method on the way ("note we lost login authentication method"): without
    /// this a member who signed in with SSO would be shut out of an SSO-only workspace a minute later.</summary>
    public static Task KeepOnRefresh(SecurityStampRefreshingPrincipalContext context)
    {
        if (context.NewPrincipal?.Identity is ClaimsIdentity identity && context.CurrentPrincipal is not null)
        {
            foreach (var claim in context.CurrentPrincipal.FindAll(ClaimTypes.AuthenticationMethod))
                if (!identity.HasClaim(ClaimTypes.AuthenticationMethod, claim.Value))
                    identity.AddClaim(new Claim(ClaimTypes.AuthenticationMethod, claim.Value));
        }
        return Task.CompletedTask;
    }
}
