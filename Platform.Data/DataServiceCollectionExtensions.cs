using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Data.Main;
using Platform.Data.Tenancy;

namespace Platform.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>Main and tenant stores, tenancy plumbing and the migrator.</summary>
    public static IServiceCollection AddPlatformData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();
        services.AddSingleton<DataSourceRegistry>();
        services.AddSingleton<MainDbFactory>();
        services.TryAddSingleton<IOwnDatabaseGate, NoOwnDatabases>();
        services.AddSingleton<TenantConnectionResolver>();
        services.AddSingleton<TenantDbFactory>();
        services.AddSingleton<DatabaseMigrator>();
        // Identity's stores and the Data Protection key ring resolve a scoped MainDbContext: no session, no RLS rows.
        services.AddScoped(sp => sp.GetRequiredService<MainDbFactory>().Create(DbSession.None));
        return services;
    }
}

/// <summary>Startup validation whose messages name the configuration key at fault.</summary>
internal sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        var errors = options.Validate().ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
