using System.ClientModel;
using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Platform.Web.Ai.Embeddings;

public sealed class EmbeddingOptions
{
    public const string Section = "Documents:Embeddings";

    /// <summary>How long one call to a remote embedding endpoint may take.</summary>
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>Texts per embedding request.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>Upper bound reserved against the workspace budget for one remote batch (USD).</summary>
    public decimal MaxBatchCostUsd { get; set; } = 0.05m;

    /// <summary>The offline embedder used when a workspace names no provider: <see cref="BuiltinEmbedder.Model"/>
    /// (arctic-embed-xs, ADR-004) or <see cref="BuiltinEmbedder.Hashing"/> (lexical, fast, no meaning).</summary>
    public BuiltinEmbedder Builtin { get; set; } = BuiltinEmbedder.Model;

    /// <summary>ONNX Runtime threads per inference of the local model; 0 = one per core the process may use
    /// (ONNX Runtime's own default counts physical cores: one on a 2-vCPU machine, half the throughput; ADR-004).</summary>
    public int ModelThreads { get; set; }

    /// <summary>Padded tokens per inference call of the local model (texts are batched by length).</summary>
    public int ModelBatchTokens { get; set; } = 4096;

    public LocalModelSettings ModelSettings => new(ModelThreads > 0 ? ModelThreads : Environment.ProcessorCount, FullGraphOptimization: true, Math.Max(ArcticXsModel.MaxInputTokens, ModelBatchTokens));
}

public enum BuiltinEmbedder { Model, Hashing }

/// <summary>Vectors for a list of texts, and the model that made them (chunks and queries of different models are
/// never compared).</summary>
public sealed record EmbeddingBatch(string Model, IReadOnlyList<float[]> Vectors);

/// <summary>An embedding call failed. <see cref="Transient"/>: worth retrying later (timeout, 429, 5xx).</summary>
public sealed class EmbeddingFailedException(string message, bool transient, Exception? inner = null)
    : Exception(message, inner)
{
    public bool Transient { get; } = transient;
}

/// <summary>
/// Embeds texts for a workspace with the provider its settings name (the built-in embedder when none), checks the
/// budget before remote calls, and records every call through <see cref="IAiUsageRecorder"/> (service "embedding").
/// </summary>
public sealed class WorkspaceEmbedder(
    IWorkspaceAiSettingsProvider settings, IAiUsageRecorder usage, IAiBudgetGuard budget,
    IOptions<EmbeddingOptions> options, ILogger<WorkspaceEmbedder> logger, WorkspaceAiHttp? workspaceHttp = null,
    IEmbeddingGenerator<string, Embedding<float>>? builtin = null)
{
    /// <summary>The offline embedder the app registers (BuiltinEmbeddings); the hashing one when constructed bare.</summary>
    private readonly IEmbeddingGenerator<string, Embedding<float>> _builtin = builtin ?? new HashingEmbeddingGenerator();
    private string BuiltinModel => _builtin.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? HashingEmbeddingGenerator.ModelId;
    private string BuiltinName => _builtin.ToString() ?? HashingEmbeddingGenerator.DisplayName;
    private readonly ConcurrentDictionary<AiEndpoint, IEmbeddingGenerator<string, Embedding<float>>> _remote = new();

    /// <summary>The model new embeddings of this workspace are made with.</summary>
    public async Task<string> CurrentModelAsync(Guid workspaceId, CancellationToken ct = default) =>
        (await settings.GetAsync(workspaceId, ct)).Embeddings?.Model ?? BuiltinModel;

    /// <summary>A human label for the current provider ("Built-in model arctic-embed-xs (offline)" or the model).</summary>
    public async Task<string> DescribeAsync(Guid workspaceId, CancellationToken ct = default) =>
        (await settings.GetAsync(workspaceId, ct)).Embeddings is { } e ? $"{e.Model} at {new Uri(e.BaseUrl).Host}" : BuiltinName;

    /// <summary>The operation name of search queries (as opposed to "document" for chunks).</summary>
    public const string QueryOperation = "search";

    public async Task<EmbeddingBatch> EmbedAsync(Guid workspaceId, Guid? userId, IReadOnlyList<string> texts,
        string operation, CancellationToken ct = default)
    {
        var endpoint = (await settings.GetAsync(workspaceId, ct)).Embeddings;
        var model = endpoint?.Model ?? BuiltinModel;
        var provider = endpoint is null ? "builtin" : new Uri(endpoint.BaseUrl).Host;
        if (texts.Count == 0) return new EmbeddingBatch(model, []);

        BudgetReservation? reservation = null;
        if (endpoint is not null)
        {
            reservation = await budget.ReserveAsync(workspaceId, userId, AiService.Embedding, options.Value.MaxBatchCostUsd, ct);
            if (!reservation.Allowed)
                throw new EmbeddingFailedException(reservation.Refusal ?? "The workspace's AI budget does not allow more embeddings.", transient: false);
        }

        var generator = endpoint is null ? _builtin
            : _remote.GetOrAdd(endpoint, e => OpenAiCompatibleEmbeddings.Create(e, TimeSpan.FromSeconds(options.Value.TimeoutSeconds), workspaceHttp));
        var clock = Stopwatch.StartNew();
        try
        {
            var request = new EmbeddingGenerationOptions { Dimensions = StoredVector.Dimensions };
            // Search queries get the local model's query prefix (remote providers ignore the property).
            if (endpoint is null && operation == QueryOperation)
                request.AdditionalProperties = new() { [LocalModelEmbeddingGenerator.InputTypeKey] = LocalModelEmbeddingGenerator.QueryInput };
            var result = await generator.GenerateAsync(texts, request, ct);
            var vectors = result.Select(e => e.Vector.ToArray()).ToList();
            if (vectors.Count != texts.Count)
                throw new EmbeddingFailedException($"The embedding model returned {vectors.Count} vectors for {texts.Count} texts.", transient: false);
            if (vectors.FirstOrDefault(v => v.Length != StoredVector.Dimensions) is { } wrong)
                throw new EmbeddingFailedException(
                    $"The embedding model '{model}' returned {wrong.Length} dimensions; the knowledge base needs {StoredVector.Dimensions}. " +
                    "Choose a model that supports 1024 dimensions.", transient: false);
            var tokens = result.Usage?.InputTokenCount ?? texts.Sum(t => t.Length / 4L);
            usage.Record(new AiUsage(workspaceId, userId, AiService.Embedding, provider, model, tokens, 0, clock.Elapsed, true, Operation: operation));
            if (reservation is not null) await reservation.SettleAsync(0m);
            return new EmbeddingBatch(model, vectors);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var failure = e as EmbeddingFailedException ?? Describe(e, model);
            usage.Record(new AiUsage(workspaceId, userId, AiService.Embedding, provider, model, 0, 0, clock.Elapsed, false,
                Operation: operation, Error: failure.Message));
            if (reservation is not null) await reservation.SettleAsync(0m);
            logger.LogWarning(e, "Embedding call to {Provider}/{Model} failed", provider, model);
            throw failure;
        }
    }

    private static EmbeddingFailedException Describe(Exception e, string model) => e switch
    {
        _ when WorkspaceAiHttp.IsRefusal(e) => new($"The embedding provider's address is refused. {WorkspaceAiHttp.Refused}", false, e),
        ClientResultException { Status: 401 or 403 } => new($"The embedding provider refused the API key ({((ClientResultException)e).Status}).", false, e),
        ClientResultException { Status: 404 } => new($"The embedding provider does not know the model '{model}' (404).", false, e),
        ClientResultException { Status: 400 } c => new($"The embedding provider rejected the request (400): {Short(c.Message)}", false, e),
        ClientResultException { Status: 429 } => new("The embedding provider is rate limiting (429); will retry.", true, e),
        ClientResultException { Status: >= 500 } c => new($"The embedding provider failed ({c.Status}); will retry.", true, e),
        ClientResultException { Status: 0 } => new("The embedding provider could not be reached; will retry.", true, e),
        OperationCanceledException or TimeoutException => new("The embedding provider did not answer in time; will retry.", true, e),
        HttpRequestException => new("The embedding provider could not be reached; will retry.", true, e),
        ClientResultException c => new($"The embedding provider answered {c.Status}: {Short(c.Message)}", false, e),
        // The exception's own text is for the log (it can carry library internals); the document shows this.
        _ => new("The embedding provider's answer could not be used.", false, e),
    };

    private static string Short(string message) => message.Length > 200 ? message[..200] + "…" : message;
}
