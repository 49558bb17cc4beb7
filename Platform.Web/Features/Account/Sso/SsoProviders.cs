using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;

namespace Platform.Web.Features.Account.Sso;

/// <param name="AuthorityOrigin">scheme://host[:port] of the provider (the login redirect goes there).</param>
public sealed record SsoProvider(string Name, string DisplayName, string AuthorityOrigin = "");

/// <summary>The single sign-on providers this instance offers: every <c>Authentication:Oidc:&lt;name&gt;</c> section
/// with a client id, each registered as an OpenID Connect scheme of that name that signs into Identity's external
/// cookie (ExternalLogin then links or creates the account).</summary>
public sealed partial class SsoProviders(IReadOnlyList<SsoProvider> all)
{
    public IReadOnlyList<SsoProvider> All { get; } = all;

    /// <summary>Where a "Sign in with …" form post ends up (the response's Content-Security-Policy form-action).</summary>
    public IEnumerable<string> AuthorityOrigins => All.Select(p => p.AuthorityOrigin).Where(o => o != "").Distinct();

    public SsoProvider? Find(string? name) =>
        name is null ? null : All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));

    public string DisplayName(string name) => Find(name)?.DisplayName ?? name;

    public static IReadOnlyList<SsoProviderOptions> Read(IConfiguration configuration)
    {
        var list = new List<SsoProviderOptions>();
        foreach (var section in configuration.GetSection(SsoProviderOptions.Section).GetChildren())
        {
            var options = section.Get<SsoProviderOptions>() ?? new();
            if (string.IsNullOrWhiteSpace(options.ClientId)) continue; // an empty placeholder (appsettings.json)
            options.Name = section.Key;
            ApplyPreset(options);
            if (string.IsNullOrWhiteSpace(options.DisplayName)) options.DisplayName = section.Key;
            if (!SchemeName().IsMatch(options.Name))
                throw new InvalidOperationException($"{SsoProviderOptions.Section}:{options.Name}: a provider name has letters, digits, '-' and '_' only.");
            if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out _))
                throw new InvalidOperationException($"{SsoProviderOptions.Section}:{options.Name}:Authority must be an absolute address.");
            list.Add(options);
        }
        return list;
    }

    /// <summary>Google and Microsoft only need a client id and secret.</summary>
    private static void ApplyPreset(SsoProviderOptions o)
    {
        if (o.Name.Equals("Google", StringComparison.OrdinalIgnoreCase))
        {
            if (o.Authority == "") o.Authority = "https://accounts.google.com";
            if (o.DisplayName == "") o.DisplayName = "Google";
        }
        else if (o.Name.Equals("Microsoft", StringComparison.OrdinalIgnoreCase))
        {
            if (o.Authority == "") o.Authority = $"https://login.microsoftonline.com/{(o.TenantId == "" ? "common" : o.TenantId)}/v2.0";
            if (o.DisplayName == "") o.DisplayName = "Microsoft";
        }
    }

    public static void AddSchemes(Microsoft.AspNetCore.Authentication.AuthenticationBuilder builder, IReadOnlyList<SsoProviderOptions> providers)
    {
        foreach (var p in providers)
        {
            builder.AddOpenIdConnect(p.Name, p.DisplayName, o =>
            {
                o.SignInScheme = IdentityConstants.ExternalScheme;
                o.Authority = p.Authority;
                o.ClientId = p.ClientId;
                o.ClientSecret = p.ClientSecret;
                o.RequireHttpsMetadata = p.RequireHttpsMetadata;
                o.CallbackPath = $"/signin-{p.Name.ToLowerInvariant()}";
                o.SignedOutCallbackPath = $"/signout-callback-{p.Name.ToLowerInvariant()}";
                o.ResponseType = "code";
                o.UsePkce = true;
                o.SaveTokens = false; // the platform calls no provider API: nothing to keep
                o.GetClaimsFromUserInfoEndpoint = true;
                o.Scope.Clear();
                o.Scope.Add("openid");
                foreach (var scope in p.Scopes) o.Scope.Add(scope);
                // Linking an existing account needs to know whether the provider vouches for the address.
                o.ClaimActions.MapUniqueJsonKey(ExternalAccounts.EmailVerifiedClaim, ExternalAccounts.EmailVerifiedClaim);
                if (p.Name.Equals("Microsoft", StringComparison.OrdinalIgnoreCase) && p.Authority.Contains("/common/", StringComparison.Ordinal))
                    o.TokenValidationParameters.IssuerValidator = MicrosoftCommonIssuer;
                o.Events.OnRemoteFailure = context =>
                {
                    // A refused state or nonce, a denied consent, an unreachable provider: back to the login page
                    // with a message (never the exception's text), and the reason in the log.
                    context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Platform.Sso")
                        .LogWarning(context.Failure, "Single sign-on with {Provider} failed", p.Name);
                    context.Response.Redirect(context.Request.PathBase +
                        $"/Account/Login?ssoError={Uri.EscapeDataString(p.Name)}");
                    context.HandleResponse();
                    return Task.CompletedTask;
                };
            });
        }
    }

    /// <summary>The "common" endpoint's metadata names a template issuer ({tenantid}); tokens carry the real tenant.</summary>
    private static string MicrosoftCommonIssuer(string issuer, SecurityToken token, TokenValidationParameters parameters) =>
        MicrosoftIssuer().IsMatch(issuer) ? issuer : throw new SecurityTokenInvalidIssuerException($"Unexpected issuer {issuer}");

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex SchemeName();

    [GeneratedRegex("^https://login\\.microsoftonline\\.com/[0-9a-fA-F-]{36}/v2\\.0$")]
    private static partial Regex MicrosoftIssuer();
}
