using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Web.Ai;
using Microsoft.Extensions.AI;
using Platform.Web.Ai.Chat;
using Platform.Web.Ai.Embeddings;
using Platform.Web.Features.Chat.Engine;
using Platform.Web.Features.Chat.Retrieval;
using Platform.Web.Features.Chat.Settings;
using Platform.Web.Features.Chat.Threads;
using Platform.Web.Infrastructure;

namespace Platform.Web.Features.Chat;

public static class ChatFeature
{
    /// <summary>Chat: the generation engine (worker, hubs, recovery), conversations, threads, personalities,
    /// preferences, and a keyword knowledge search for when the Documents area's search is not registered.</summary>
    public static IServiceCollection AddChatFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ChatEngineOptions>().Bind(configuration.GetSection(ChatEngineOptions.Section));
        // The offline assistant scores sentences with the app's local embedder (the built-in one when none is registered).
        services.AddSingleton(sp =>
            new OfflineAssistant(sp.GetService<IEmbeddingGenerator<string, Embedding<float>>>() ?? new HashingEmbeddingGenerator())
            {
                ChunkDelay = sp.GetRequiredService<IOptions<ChatEngineOptions>>().Value.OfflineChunkDelay,
            });
        services.AddSingleton(sp => new ChatProviderFactory(sp.GetRequiredService<OfflineAssistant>())
            {
                Timeout = sp.GetRequiredService<IOptions<ChatEngineOptions>>().Value.ProviderTimeout,
                WorkspaceHttp = sp.GetRequiredService<WorkspaceAiHttp>(),
            });
        services.AddWorkerHeartbeats();
        services.AddSingleton<GenerationRegistry>();
        services.AddSingleton<WorkspaceGenerationSlots>();
        services.AddSingleton<GenerationRunner>();
        services.AddSingleton<FollowUpWriter>();
        services.AddSingleton<GenerationWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<GenerationWorker>());
        services.AddSingleton<GenerationRecovery>();
        services.AddHostedService(sp => sp.GetRequiredService<GenerationRecovery>());
        services.AddSingleton<ChatModelCatalog>();
        services.AddSingleton<ChatAttachments>();
        services.AddSingleton<ChatConversation>();
        services.AddSingleton<ChatThreads>();
        services.AddSingleton<ChatRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<ChatRetention>());
        services.AddSingleton<PreferencesStore>();
        services.AddScoped<ShellPreferences>();
        services.AddSingleton<PersonalityStore>();
        services.TryAddSingleton<IKnowledgeSearch, KeywordKnowledgeSearch>();
        return services;
    }
}
