using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Web.Ai;
using Platform.Web.Ai.Pricing;
using Platform.Web.Features.Costs.Budgets;
using Platform.Web.Features.Costs.Dashboard;
using Platform.Web.Features.Costs.Recording;
using Platform.Web.Infrastructure;

namespace Platform.Web.Features.Costs;

public static class CostsFeature
{
    /// <summary>Cost recording, budgets, credits and the dashboards' queries. Registered before AddPlatformAi so
    /// these replace its logging/no-op defaults. Call it FIRST among the areas: hosted services stop in reverse
    /// order, so the cost writer then stops last and flushes what the other areas recorded while stopping.</summary>
    public static IServiceCollection AddCostsFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CostsOptions>().Bind(configuration.GetSection(CostsOptions.Section));
        services.AddOptions<PricingOptions>().Bind(configuration.GetSection(PricingOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PriceTable>();
        services.AddSingleton<TokenCounter>();
        services.AddSingleton<CostNotifications>();
        services.AddSingleton<CostRecorder>();
        services.AddSingleton<IAiUsageRecorder>(sp => sp.GetRequiredService<CostRecorder>());
        services.AddSingleton<CostEventStore>();
        services.AddSingleton<CostEventWriter>();
        services.AddWorkerHeartbeats();
        services.AddHostedService(sp => sp.GetRequiredService<CostEventWriter>());
        services.AddSingleton<CreditLimiter>();
        services.AddSingleton<BudgetGuard>();
        services.AddSingleton<IAiBudgetGuard>(sp => sp.GetRequiredService<BudgetGuard>());
        services.TryAddSingleton<Platform.Web.Features.Workspaces.WorkspacePermissions>();
        services.AddSingleton<CostPermissions>();
        services.TryAddSingleton<Admin.PlatformAdmins>();
        services.AddSingleton<CostQueries>();
        services.AddSingleton<RollupConsistency>();
        services.AddSingleton<RawEventCoverage>();
        services.AddSingleton<CostMaintenance>();
        services.AddHostedService(sp => sp.GetRequiredService<CostMaintenance>());
        services.AddSingleton<BudgetService>();
        return services;
    }
}
