using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Platform.Data.Main.Entities;

namespace Platform.Web.Features.Account;

/// <summary>Adds the platform-admin flag to the sign-in cookie (re-read on each security-stamp check).</summary>
public sealed class PlatformClaimsFactory(UserManager<AppUser> users, RoleManager<AppRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser, AppRole>(users, roles, options)
{
    public const string PlatformAdminClaim = "platform_admin";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.IsPlatformAdmin) identity.AddClaim(new Claim(PlatformAdminClaim, "true"));
        return identity;
    }
}
