using Microsoft.Extensions.AI;

namespace Platform.Web.Ai.Embeddings;

/// <summary>
/// The built-in offline embedder by default: arctic-embed-xs on ONNX Runtime (<see cref="ArcticXsModel"/>), its
/// 384-d vectors zero-padded to the stored 1024 (<see cref="StoredVector"/>). A single text (a search query, a
/// sentence to score) is embedded on the calling thread: it takes milliseconds. Batches (ingestion) run on the
/// thread pool, one at a time per process, so two workers never split the two cores between them and a query
/// never waits behind more than the batch in flight.
/// Pass <see cref="QueryInput"/> in the options' AdditionalProperties to embed search queries with the model's
/// query prefix.
/// </summary>
public sealed class LocalModelEmbeddingGenerator(LocalModelSettings settings) : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string ModelId = ArcticXsModel.ModelId;
    public const string DisplayName = "Built-in model arctic-embed-xs (offline)";
    /// <summary>AdditionalProperties key/value marking the inputs as search queries.</summary>
    public const string InputTypeKey = "input_type";
    public const string QueryInput = "query";

    private static readonly SemaphoreSlim OneBatchAtATime = new(1, 1);
    private static readonly EmbeddingGeneratorMetadata Metadata = new("builtin", null, ModelId, StoredVector.Dimensions);

    private ArcticXsModel Model => ArcticXsModel.Shared(settings);

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values.ToList();
        if (options?.AdditionalProperties?.TryGetValue(InputTypeKey, out var type) == true && Equals(type, QueryInput))
            texts = texts.Select(t => ArcticXsModel.QueryPrefix + t).ToList();

        float[][] vectors;
        if (texts.Count <= 1) vectors = Model.Embed(texts, cancellationToken);
        else
        {
            await OneBatchAtATime.WaitAsync(cancellationToken);
            try { vectors = await Task.Run(() => Model.Embed(texts, cancellationToken), cancellationToken); }
            finally { OneBatchAtATime.Release(); }
        }

        var now = DateTimeOffset.UtcNow;
        var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v =>
            new Embedding<float>(StoredVector.Pad(v)) { ModelId = ModelId, CreatedAt = now }));
        long tokens = texts.Sum(t => (long)ArcticXsModel.CountTokens(t));
        result.Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens };
        return result;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() { }

    public override string ToString() => DisplayName;
}
