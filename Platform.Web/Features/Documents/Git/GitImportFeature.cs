using Platform.Web.Infrastructure;


namespace Platform.Web.Features.Documents.Git;

public static class GitImportFeature
{
    /// <summary>Git import of Markdown into the knowledge base (called by AddDocumentsFeature).</summary>
    public static IServiceCollection AddGitImport(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddWorkerHeartbeats();
        services.AddOptions<GitImportOptions>().Bind(configuration.GetSection(GitImportOptions.Section));
        services.AddSingleton<GitCli>();
        services.AddSingleton<GitRepository>();
        services.AddSingleton<GitSyncSignals>();
        services.AddSingleton<GitSyncer>();
        services.AddSingleton<GitSourceService>();
        services.AddScoped<GitImportLibrary>();
        services.AddHostedService<GitSyncWorker>();
        return services;
    }
}
