using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Data.Main;
using Platform.Data.Tenancy;

namespace Platform.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>Main and tenant stores, tenancy plumbing and the migrator.</summary>
    public static IServiceCollection AddPlatformData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section))
            .Validate(o => !o.Validate().Any(), "Invalid Database configuration")
            .ValidateOnStart();
        services.AddSingleton<DataSourceRegistry>();
        services.AddSingleton<MainDbFactory>();
        services.AddSingleton<TenantConnectionResolver>();
        services.AddSingleton<TenantDbFactory>();
        services.AddSingleton<DatabaseMigrator>();
        // Identity's stores and the Data Protection key ring resolve a scoped MainDbContext: no session, no RLS rows.
        services.AddScoped(sp => sp.GetRequiredService<MainDbFactory>().Create(DbSession.None));
        return services;
    }
}
