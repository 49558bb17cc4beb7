using System.Text;
using Microsoft.Extensions.AI;

namespace Platform.Web.Ai.Embeddings;

/// <summary>
/// The lexical offline embedder: no network, no model weights, deterministic and fast. It hashes features of the text
/// into 1024 signed buckets (the "hashing trick"): word stems, word pairs and character trigrams (typos and word
/// forms). It knows no meaning ("vacation" is not near "paid leave"): the built-in default is the local model
/// (<see cref="LocalModelEmbeddingGenerator"/>); this one stays for tests, synthetic benchmark corpora and as a setting
/// (Documents:Embeddings:Builtin = Hashing).
/// </summary>
public sealed class HashingEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string ModelId = "builtin-hashing-1024";
    public const string DisplayName = "Built-in hashing embedder (offline)";
    public const int Dimensions = 1024;

    private static readonly EmbeddingGeneratorMetadata Metadata = new("builtin", null, ModelId, Dimensions);

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = new GeneratedEmbeddings<Embedding<float>>();
        long tokens = 0;
        foreach (var value in values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            result.Add(new Embedding<float>(Embed(value, out var words)) { ModelId = ModelId, CreatedAt = DateTimeOffset.UtcNow });
            tokens += words;
        }
        result.Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens };
        return Task.FromResult(result);
    }

    public static float[] Embed(string text, out int wordCount)
    {
        var vector = new float[Dimensions];
        var words = Words(text);
        wordCount = words.Count;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        void Count(string feature) => counts[feature] = counts.GetValueOrDefault(feature) + 1;

        string? previous = null;
        foreach (var word in words)
        {
            if (StopWords.Contains(word)) { previous = null; continue; }
            var stem = Stem(word);
            Count("w:" + stem);
            if (previous is not null) Count("b:" + previous + " " + stem);
            var padded = "#" + word + "#";
            for (var i = 0; i + 3 <= padded.Length; i++) Count("t:" + padded.Substring(i, 3));
            previous = stem;
        }

        foreach (var (feature, count) in counts)
        {
            var weight = (float)(1 + Math.Log(count)) * feature[0] switch { 'w' => 1.0f, 'b' => 0.6f, _ => 0.25f };
            var hash = Fnv1a(feature);
            var index = (int)(hash % Dimensions);
            vector[index] += (hash >> 63) == 0 ? weight : -weight;
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        if (norm > 0) for (var i = 0; i < vector.Length; i++) vector[i] /= norm;
        else vector[0] = 1; // empty text: a fixed unit vector, so cosine distance stays defined
        return vector;
    }

    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune)) current.Append(rune.ToString().ToLowerInvariant());
            else if (current.Length > 0) { words.Add(current.ToString()); current.Clear(); }
        }
        if (current.Length > 0) words.Add(current.ToString());
        return words;
    }

    /// <summary>A crude English suffix stripper: enough to put "invoices", "invoiced" and "invoice" together.</summary>
    private static string Stem(string word)
    {
        if (word.Length <= 3) return word;
        foreach (var suffix in new[] { "ies", "ing", "ed", "es", "ly", "s" })
            if (word.Length - suffix.Length >= 3 && word.EndsWith(suffix, StringComparison.Ordinal))
                return suffix == "ies" ? word[..^3] + "y" : word[..^suffix.Length];
        return word;
    }

    private static ulong Fnv1a(string s)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return hash;
    }

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "at", "by", "from", "is", "are", "was",
        "were", "be", "been", "it", "its", "this", "that", "as", "do", "does", "did", "how", "what", "which", "who",
        "can", "i", "we", "you", "our", "my", "your", "me", "us", "if", "so", "not", "no", "have", "has", "had",
    };

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() { }

    public override string ToString() => DisplayName;
}
