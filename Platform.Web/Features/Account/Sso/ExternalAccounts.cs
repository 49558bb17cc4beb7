using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Platform.Data.Main.Entities;
using Platform.Web.Features.Mail;

namespace Platform.Web.Features.Account.Sso;

public enum ExternalSignInKind { SignedIn, LockedOut, NeedsEmail, Refused }

/// <param name="SuggestedEmail">For <see cref="ExternalSignInKind.NeedsEmail"/>: the address the provider gave, to prefill.</param>
public sealed record ExternalSignInOutcome(ExternalSignInKind Kind, string? Message = null, string? SuggestedEmail = null);

/// <summary>
/// What signing in through a single sign-on provider does to accounts. A login already linked signs in. Otherwise
/// the provider's email decides, and only when the provider says it verified it (<c>email_verified</c>): it links
/// to the confirmed account with that address, or creates a confirmed account. An unverified address never touches
/// an existing account (anyone can type any address at some providers); it may only start a new account that is
/// confirmed by mail like a password registration. An existing account whose address was never confirmed is not
/// linked either: it may have been registered by someone else to wait for its owner's first SSO sign-in.
/// </summary>
public sealed class ExternalAccounts(
    SignInManager<AppUser> signIn, UserManager<AppUser> users, PlatformAdminPolicy admins, SsoProviders providers,
    ILogger<ExternalAccounts> log)
{
    public const string EmailVerifiedClaim = "email_verified";

    public async Task<ExternalSignInOutcome> SignInAsync(ExternalLoginInfo info)
    {
        var provider = providers.DisplayName(info.LoginProvider);
        var linked = await SignInLinkedAsync(info);
        if (linked is not null) return linked;

        // The id token's claims arrive mapped (ClaimTypes.Email), the userinfo endpoint's by their OIDC names.
        var email = (info.Principal.FindFirstValue(ClaimTypes.Email) ?? info.Principal.FindFirstValue("email"))?.Trim();
        if (!EmailAddresses.IsValid(email)) return new(ExternalSignInKind.NeedsEmail);
        var verified = IsEmailVerified(info.Principal);
        var existing = await users.FindByEmailAsync(email!);

        if (existing is not null)
        {
            if (!verified)
                return Refused($"{provider} did not confirm that {email} is yours, so it cannot sign in to the account with that address. " +
                               $"Sign in with your password, then link {provider} under Manage account → External logins.");
            if (!existing.EmailConfirmed)
                return Refused($"An account with {email} exists but its address was never confirmed. Confirm it from the mail that was sent " +
                               $"(or ask for a new one on the login page), then sign in with {provider} again.");
            var added = await users.AddLoginAsync(existing, info);
            if (!added.Succeeded) return Refused($"Your {provider} login could not be linked to {email}: {Describe(added)}");
            log.LogInformation("Linked a {Provider} login to the existing account {UserId} by its verified email", info.LoginProvider, existing.Id);
            return await SignInLinkedAsync(info) ?? Refused("Signing in failed. Try again.");
        }

        if (!verified) return new(ExternalSignInKind.NeedsEmail, SuggestedEmail: email);

        var user = new AppUser
        {
            UserName = email, Email = email, EmailConfirmed = true, // the provider vouched for it
            DisplayName = info.Principal.FindFirstValue(ClaimTypes.Name) ?? info.Principal.FindFirstValue("name"),
            IsPlatformAdmin = admins.ShouldBeAdmin(email!),
        };
        var created = await users.CreateAsync(user);
        if (created.Succeeded) created = await users.AddLoginAsync(user, info);
        if (!created.Succeeded) return Refused($"Your account could not be created: {Describe(created)}");
        log.LogInformation("Created account {UserId} from a {Provider} sign-in with a verified email", user.Id, info.LoginProvider);
        return await SignInLinkedAsync(info) ?? Refused("Signing in failed. Try again.");
    }

    /// <summary>Null when no account has this login yet.</summary>
    private async Task<ExternalSignInOutcome?> SignInLinkedAsync(ExternalLoginInfo info)
    {
        // The provider did the authentication (and its own second factor, if any): the template bypasses 2FA here too.
        var result = await signIn.ExternalLoginSignInAsync(info.LoginProvider, info.ProviderKey, isPersistent: false, bypassTwoFactor: true);
        if (result.Succeeded) return new(ExternalSignInKind.SignedIn);
        if (result.IsLockedOut) return new(ExternalSignInKind.LockedOut);
        if (result.IsNotAllowed)
            return Refused("Your account's email address is not confirmed yet. Use the link in the confirmation mail, then sign in again.");
        return null;
    }

    /// <summary>OpenID Connect's <c>email_verified</c> is a JSON boolean; some providers send the string "true".</summary>
    public static bool IsEmailVerified(ClaimsPrincipal principal) =>
        principal.FindAll(EmailVerifiedClaim).Any(c => bool.TryParse(c.Value, out var v) && v);

    private static ExternalSignInOutcome Refused(string message) => new(ExternalSignInKind.Refused, message);

    private static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));
}
