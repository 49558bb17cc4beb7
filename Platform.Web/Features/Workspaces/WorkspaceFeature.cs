using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Web.Ai;
using Platform.Web.Infrastructure;

namespace Platform.Web.Features.Workspaces;

public static class WorkspaceFeature
{
    /// <summary>Workspaces, members, invites, roles, data placement, AI keys vault, onboarding and admin services.</summary>
    public static IServiceCollection AddWorkspaceFeature(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WorkspaceAiHttp>();
        services.AddSingleton<WorkspaceDirectory>();
        services.AddSingleton<WorkspaceProvisioning>();
        services.AddSingleton<WorkspacePermissions>();
        services.AddSingleton<WorkspaceMembersService>();
        services.TryAddSingleton<Account.PublicLinks>();
        services.AddSingleton<WorkspaceInvitesService>();
        services.AddSingleton<WorkspaceRolesService>();
        services.AddSingleton<WorkspaceLifecycle>();
        services.AddSingleton<OwnDatabaseAddress>();
        services.Replace(ServiceDescriptor.Singleton<Platform.Data.Tenancy.IOwnDatabaseGate>(sp => sp.GetRequiredService<OwnDatabaseAddress>()));
        services.AddSingleton<WorkspaceDataPlacement>();
        services.AddSingleton<AiEndpointTester>();
        // The AI keys vault refuses unpriced paid models; the price table is the Costs area's (registered first).
        services.AddOptions<Platform.Web.Ai.Pricing.PricingOptions>();
        services.TryAddSingleton<Platform.Web.Ai.Pricing.PriceTable>();
        services.AddSingleton<WorkspaceAiKeys>();
        services.AddSingleton<IWorkspaceAiSettingsProvider>(sp => sp.GetRequiredService<WorkspaceAiKeys>());
        services.AddSingleton<Onboarding.OnboardingService>();
        services.AddWorkerHeartbeats();
        services.AddSingleton<Admin.AdminConsole>();
        services.TryAddSingleton<Admin.PlatformAdmins>();
        // Failed sign-ins are security events: audit them (replaces Identity's SignInManager registration).
        services.AddHttpContextAccessor();
        services.Replace(ServiceDescriptor.Scoped<Microsoft.AspNetCore.Identity.SignInManager<Platform.Data.Main.Entities.AppUser>, Admin.AuditingSignInManager>());
        services.AddScoped<CurrentWorkspace>();
        return services;
    }
}
