using Platform.Web.Ai;
using Platform.Web.Ai.Embeddings;
using Platform.Web.Features.Documents.Git;
using Platform.Web.Features.Documents.Ingestion;
using Platform.Web.Features.Documents.Search;
using Platform.Web.Infrastructure;

namespace Platform.Web.Features.Documents;

public static class DocumentsFeature
{
    /// <summary>Knowledge base: intake, the ingestion worker, embeddings and hybrid search (IKnowledgeSearch).</summary>
    public static IServiceCollection AddDocumentsFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DocumentsOptions>().Bind(configuration.GetSection(DocumentsOptions.Section));
        services.AddOptions<EmbeddingOptions>().Bind(configuration.GetSection(EmbeddingOptions.Section));
        services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<DocumentsOptions>>().Value);
        services.AddBuiltinEmbeddings();
        services.AddSingleton<WorkspaceEmbedder>();
        services.AddSingleton<IngestionSignals>();
        services.AddSingleton<DocumentIntake>();
        services.AddSingleton<DocumentProcessor>();
        services.AddSingleton<DocumentQueries>();
        services.AddSingleton<EmbeddingFreshness>();
        services.AddSingleton<IKnowledgeSearch, HybridKnowledgeSearch>();
        services.AddScoped<DocumentLibrary>();
        services.AddWorkerHeartbeats();
        services.AddHostedService<IngestionWorker>();
        services.AddGitImport(configuration);
        return services;
    }
}
