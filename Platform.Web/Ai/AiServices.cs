using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Web.Ai.Pricing;

namespace Platform.Web.Ai;

public static class AiServices
{
    /// <summary>Contracts between areas, with platform defaults. Areas replace them with their own
    /// implementations (Replace / TryAdd order in FeatureServices).</summary>
    public static IServiceCollection AddPlatformAi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PlatformAiOptions>().Bind(configuration.GetSection(PlatformAiOptions.Section));
        services.TryAddSingleton<IWorkspaceAiSettingsProvider, PlatformAiSettingsProvider>();
        services.TryAddSingleton<WorkspaceAiHttp>();
        // Without the Costs area: usage is only logged and no budget binds.
        services.TryAddSingleton<IAiUsageRecorder, LoggingUsageRecorder>();
        services.TryAddSingleton<IAiBudgetGuard, NoBudgetGuard>();
        // One price table for reservations, messages and billing (the Costs area registers the same when present).
        if (!services.Any(d => d.ServiceType == typeof(PriceTable)))
        {
            services.AddOptions<PricingOptions>().Bind(configuration.GetSection(PricingOptions.Section));
            services.AddSingleton<PriceTable>();
        }
        services.TryAddSingleton<TokenCounter>();
        return services;
    }
}

/// <summary>Every workspace uses the platform-wide providers (until a workspace stores its own keys).</summary>
public sealed class PlatformAiSettingsProvider(IOptions<PlatformAiOptions> options) : IWorkspaceAiSettingsProvider
{
    public Task<WorkspaceAiSettings> GetAsync(Guid workspaceId, CancellationToken ct = default) =>
        Task.FromResult(new WorkspaceAiSettings(options.Value.Chat, options.Value.Embeddings));
}

public sealed class LoggingUsageRecorder(ILogger<LoggingUsageRecorder> logger) : IAiUsageRecorder
{
    public void Record(AiUsage usage) =>
        logger.LogInformation("AI usage {Service} {Provider}/{Model} in={In} out={Out} workspace={Workspace}",
            usage.Service, usage.Provider, usage.Model, usage.InputTokens, usage.OutputTokens, usage.WorkspaceId);
}

public sealed class NoBudgetGuard : IAiBudgetGuard
{
    public Task<BudgetReservation> ReserveAsync(Guid workspaceId, Guid? userId, string service, decimal maxCostUsd, CancellationToken ct = default) =>
        Task.FromResult(BudgetReservation.Allow());
}
