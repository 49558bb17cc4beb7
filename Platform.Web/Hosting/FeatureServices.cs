using Platform.Web.Ai;
using Platform.Web.Features.Api;
using Platform.Web.Features.Documents;
using Platform.Web.Features.Costs;
using Platform.Web.Features.Chat;
using Platform.Web.Features.Workspaces;
using Platform.Web.Features.Mail;

namespace Platform.Web.Hosting;

public static class FeatureServices
{
    /// <summary>Each product area registers its services here, one line per area.</summary>
    public static IServiceCollection AddPlatformFeatures(this IServiceCollection services, IConfiguration configuration)
    {
        // Areas first (they register their implementations of the Ai contracts), then the platform defaults.
        services.AddCostsFeature(configuration);
        services.AddWorkspaceFeature();
        services.AddDocumentsFeature(configuration);
        services.AddChatFeature(configuration);
        services.AddPlatformAi(configuration);
        services.AddMailFeature(configuration);
        services.AddApiFeature(configuration);
        services.AddScoped<DemoSeeder>();
        return services;
    }
}
