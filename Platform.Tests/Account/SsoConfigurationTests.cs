using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Platform.Web.Features.Account.Sso;

namespace Platform.Tests.Account;

public class SsoConfigurationTests
{
    private static IConfiguration Config(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    [Fact]
    public void Providers_come_from_Authentication_Oidc_with_Google_and_Microsoft_as_presets_and_empty_placeholders_skipped()
    {
        var providers = SsoProviders.Read(Config(
            ("Authentication:Oidc:Google:ClientId", "g-id"), ("Authentication:Oidc:Google:ClientSecret", "g-secret"),
            ("Authentication:Oidc:Microsoft:ClientId", "m-id"), ("Authentication:Oidc:Microsoft:TenantId", "contoso.onmicrosoft.com"),
            ("Authentication:Oidc:acme:Authority", "https://login.acme.test"), ("Authentication:Oidc:acme:ClientId", "a-id"),
            ("Authentication:Oidc:acme:DisplayName", "Acme SSO"), ("Authentication:Oidc:acme:Scopes:0", "email"),
            ("Authentication:Oidc:Unused:ClientId", "")));

        Assert.Equal(["Google", "Microsoft", "acme"], providers.Select(p => p.Name).Order(StringComparer.Ordinal).ToArray());
        var google = providers.Single(p => p.Name == "Google");
        Assert.Equal("https://accounts.google.com", google.Authority);
        Assert.Equal("Google", google.DisplayName);
        Assert.Equal("https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0", providers.Single(p => p.Name == "Microsoft").Authority);
        var acme = providers.Single(p => p.Name == "acme");
        Assert.Equal("Acme SSO", acme.DisplayName);
        Assert.True(acme.RequireHttpsMetadata);
    }

    [Fact]
    public void A_provider_without_an_authority_is_a_configuration_error_naming_the_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SsoProviders.Read(Config(("Authentication:Oidc:corp:ClientId", "x"))));
        Assert.Contains("Authentication:Oidc:corp:Authority", error.Message);
    }

    [Fact]
    public void The_provider_a_session_signed_in_with_survives_the_cookie_refresh()
    {
        // Identity's security-stamp validator rebuilds the principal from the database and drops the
        // authentication method; without KeepOnRefresh an SSO-only workspace would shut its members out a minute later.
        var current = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "u1"), new Claim(ClaimTypes.AuthenticationMethod, "acme")], "Identity.Application"));
        var rebuilt = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "u1")], "Identity.Application"));
        Assert.False(SignInMethod.IsThrough(rebuilt, "acme"));

        SignInMethod.KeepOnRefresh(new SecurityStampRefreshingPrincipalContext { CurrentPrincipal = current, NewPrincipal = rebuilt });

        Assert.True(SignInMethod.IsThrough(rebuilt, "acme"));
        Assert.False(SignInMethod.IsThrough(rebuilt, "Google"));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("false", false)]
    [InlineData(null, false)]
    public void Only_an_email_the_provider_says_it_verified_counts_as_verified(string? claim, bool verified)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Email, "a@b.test")], "oidc");
        if (claim is not null) identity.AddClaim(new Claim(ExternalAccounts.EmailVerifiedClaim, claim));
        Assert.Equal(verified, ExternalAccounts.IsEmailVerified(new ClaimsPrincipal(identity)));
    }
}
