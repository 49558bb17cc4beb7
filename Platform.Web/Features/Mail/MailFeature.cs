using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Web.Infrastructure;

namespace Platform.Web.Features.Mail;

public static class MailFeature
{
    /// <summary>The outbox's reader (with its visibility rule), the dev-outbox proof cookie, the SMTP delivery worker
    /// (idle without Mail:Smtp:Host) and the purge worker.</summary>
    public static IServiceCollection AddMailFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<MailOptions>().Bind(configuration.GetSection(MailOptions.Section));
        services.AddWorkerHeartbeats();
        services.AddSingleton<OutboxViewer>();
        services.AddSingleton<OutboxProof>();
        services.AddSingleton<OutboxPurge>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxPurge>());
        services.AddSingleton<OutboxDelivery>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDelivery>());
        return services;
    }
}
