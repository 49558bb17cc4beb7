using Microsoft.AspNetCore.Authorization;

namespace Platform.Web.Features.Account;

public static class AuthorizationPolicies
{
    public const string PlatformAdmin = "PlatformAdmin";

    public static AuthorizationBuilder AddPlatformPolicies(this AuthorizationBuilder builder) =>
        builder.AddPolicy(PlatformAdmin, p => p.RequireAuthenticatedUser().RequireClaim(PlatformClaimsFactory.PlatformAdminClaim, "true"));
}
