using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Platform.Web.Features.Admin;

/// <summary>
/// Identity's sign-in manager, plus an audit entry for every failed or refused password / two-factor sign-in
/// (platform-level: no workspace), with the client address. Successful sign-ins are not logged here: the audit
/// log is for security-relevant events, not a session history.
/// </summary>
public sealed class AuditingSignInManager(
    UserManager<AppUser> users, IHttpContextAccessor context, IUserClaimsPrincipalFactory<AppUser> claims,
    IOptions<IdentityOptions> options, ILogger<SignInManager<AppUser>> logger, IAuthenticationSchemeProvider schemes,
    IUserConfirmation<AppUser> confirmation, MainDbFactory main)
    : SignInManager<AppUser>(users, context, claims, options, logger, schemes, confirmation)
{
    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var result = await base.PasswordSignInAsync(userName, password, isPersistent, lockoutOnFailure);
        if (!result.Succeeded && !result.RequiresTwoFactor)
        {
            var user = await UserManager.FindByNameAsync(userName);
            await AuditAsync(user?.Id, result, new { userName, knownUser = user is not null });
        }
        return result;
    }

    public override async Task<SignInResult> TwoFactorAuthenticatorSignInAsync(string code, bool isPersistent, bool rememberClient)
    {
        var result = await base.TwoFactorAuthenticatorSignInAsync(code, isPersistent, rememberClient);
        if (!result.Succeeded) await AuditAsync((await GetTwoFactorAuthenticationUserAsync())?.Id, result, new { method = "authenticator" });
        return result;
    }

    public override async Task<SignInResult> TwoFactorRecoveryCodeSignInAsync(string recoveryCode)
    {
        var result = await base.TwoFactorRecoveryCodeSignInAsync(recoveryCode);
        if (!result.Succeeded) await AuditAsync((await GetTwoFactorAuthenticationUserAsync())?.Id, result, new { method = "recovery_code" });
        return result;
    }

    private async Task AuditAsync(Guid? userId, SignInResult result, object details)
    {
        var action = result.IsLockedOut ? "auth.sign_in_locked_out" : result.IsNotAllowed ? "auth.sign_in_not_allowed" : "auth.sign_in_failed";
        // Platform-level entries (no workspace) may be written by anyone, but only admins may read them back, so
        // the insert must not use RETURNING (which RLS checks against the SELECT policy): plain parameterised SQL.
        await using var db = main.Create(DbSession.None);
        var json = System.Text.Json.JsonSerializer.Serialize(details);
        var ip = Context.Connection.RemoteIpAddress?.ToString();
        var target = userId?.ToString();
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO main.audit_log (workspace_id, user_id, action, target_type, target_id, details, ip_address, created_at)
            VALUES (NULL, {userId}, {action}, 'user', {target}, CAST({json} AS jsonb), {ip}, now())
            """);
    }
}
