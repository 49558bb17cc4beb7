namespace Platform.Web.Features.Account.Sso;

/// <summary>One OpenID Connect provider from <c>Authentication:Oidc:&lt;name&gt;</c>. The name is the provider's
/// scheme (and what linked logins and a workspace's "sign in with" requirement store); <c>Google</c> and
/// <c>Microsoft</c> are presets that only need a client id and secret.</summary>
public sealed class SsoProviderOptions
{
    public const string Section = "Authentication:Oidc";

    /// <summary>Issuer address; its <c>/.well-known/openid-configuration</c> is read at first use.</summary>
    public string Authority { get; set; } = "";
    public string ClientId { get; set; } = "";
    public string ClientSecret { get; set; } = "";

    /// <summary>Scopes asked for besides <c>openid</c>; <c>email</c> and <c>profile</c> by default.</summary>
    public string[] Scopes { get; set; } = ["email", "profile"];

    /// <summary>The button says "Sign in with {DisplayName}"; defaults to the name.</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>Microsoft preset: the Entra tenant (id or domain); <c>common</c> by default (any work or personal account).</summary>
    public string TenantId { get; set; } = "";

    /// <summary>Refuse an authority that is not https (default true; tests use a provider on http://127.0.0.1).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Filled in for the presets and defaulted for the rest (see <see cref="SsoProviders"/>).</summary>
    internal string Name { get; set; } = "";
}
