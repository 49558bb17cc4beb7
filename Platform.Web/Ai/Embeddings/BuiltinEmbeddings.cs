using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Platform.Web.Ai.Embeddings;

public static class BuiltinEmbeddings
{
    /// <summary>Registers the offline embedder as the app's <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/>:
    /// the local model unless Documents:Embeddings:Builtin says Hashing. The model loads on first use.</summary>
    public static IServiceCollection AddBuiltinEmbeddings(this IServiceCollection services)
    {
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value;
            return options.Builtin == BuiltinEmbedder.Hashing
                ? new HashingEmbeddingGenerator()
                : new LocalModelEmbeddingGenerator(options.ModelSettings);
        });
        return services;
    }
}
