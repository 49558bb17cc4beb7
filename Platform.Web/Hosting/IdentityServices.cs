using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Data.Main;
using Platform.Data.Main.Entities;
using Platform.Web.Components.Account;
using Platform.Web.Features.Account;
using Platform.Web.Features.Account.Sso;

namespace Platform.Web.Hosting;

public static class IdentityServices
{
    /// <summary>ASP.NET Core Identity on the main database, cookies, the dev mail outbox, and Data Protection keys
    /// kept in the main database so every app instance shares them.</summary>
    public static IServiceCollection AddPlatformIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCascadingAuthenticationState();
        services.AddAuthorizationBuilder().AddPlatformPolicies();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        var authentication = services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            });
        authentication.AddIdentityCookies();
        // Single sign-on: one OpenID Connect scheme per Authentication:Oidc:<name> section with a client id.
        var ssoProviders = SsoProviders.Read(configuration);
        SsoProviders.AddSchemes(authentication, ssoProviders);
        services.AddSingleton(new SsoProviders(ssoProviders.Select(p => new SsoProvider(p.Name, p.DisplayName, new Uri(p.Authority).GetLeftPart(UriPartial.Authority))).ToList()));
        services.AddScoped<ExternalAccounts>();
        services.AddScoped<WorkspaceSignInRequirement>();

        services.AddIdentityCore<AppUser>(options =>
            {
                options.SignIn.RequireConfirmedAccount = true;
                options.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
                options.User.RequireUniqueEmail = true;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddRoles<AppRole>()
            .AddEntityFrameworkStores<MainDbContext>()
            .AddClaimsPrincipalFactory<PlatformClaimsFactory>()
            .AddSignInManager()
            .AddDefaultTokenProviders();

        // A removed or locked-out user loses access within a minute: cookies are re-checked against the
        // security stamp every minute (HTTP), and open circuits revalidate on the same period.
        // The refresh keeps how the session signed in (an SSO-only workspace checks it).
        services.Configure<SecurityStampValidatorOptions>(o =>
        {
            o.ValidationInterval = TimeSpan.FromMinutes(1);
            o.OnRefreshingPrincipal = SignInMethod.KeepOnRefresh;
        });

        services.AddDataProtection().SetApplicationName("Platform").PersistKeysToDbContext<MainDbContext>();

        services.AddOptions<PlatformOptions>().Bind(configuration.GetSection(PlatformOptions.Section));
        services.TryAddSingleton<PublicLinks>();
        services.AddScoped<IEmailSender<AppUser>, OutboxEmailSender>();
        services.AddScoped<PlatformAdminPolicy>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AdminSetup>();
        services.AddHostedService<AdminSetupAnnouncer>();
        return services;
    }
}
