using Platform.Web.Ai.Embeddings;
using Platform.Web.Features.Documents.Ingestion;

namespace Platform.Bench.Documents;

/// <summary>Deterministic synthetic passages: Zipf-distributed vocabulary with topic words, embedded with the
/// built-in embedder, so both the vector and the keyword side have realistic, uneven distributions.</summary>
internal sealed class Corpus(int seed)
{
    private readonly Random _random = new(seed);
    private static readonly string[] Vocabulary = BuildVocabulary();
    private int _position;

    private static string[] BuildVocabulary()
    {
        string[] roots = ["budget", "invoice", "leave", "laptop", "server", "policy", "travel", "contract", "customer", "refund",
            "release", "meeting", "security", "password", "office", "holiday", "payroll", "deadline", "report", "project",
            "network", "backup", "printer", "parking", "kitchen", "training", "salary", "expense", "manager", "team"];
        string[] suffixes = ["", "s", "ing", "ed", "al", "ment", "er", "ly"];
        var words = new List<string>();
        foreach (var r in roots) foreach (var s in suffixes) words.Add(r + s);
        for (var i = 0; i < 3000; i++) words.Add("term" + i.ToString("x"));
        return [.. words];
    }

    private string Word()
    {
        // Zipf-ish: small indexes much more frequent.
        var u = _random.NextDouble();
        var index = (int)(Math.Pow(u, 3) * Vocabulary.Length);
        return Vocabulary[Math.Min(index, Vocabulary.Length - 1)];
    }

    private const int Topics = 300;

    /// <summary>A topic is a fixed set of 12 words; passages and queries draw 60% of their words from one topic, so
    /// the corpus has neighbourhoods like real embeddings do (uniform noise would make every ANN index look bad).</summary>
    private static string TopicWord(int topic, Random random) => Vocabulary[(topic * 7919 + random.Next(12) * 104729) % Vocabulary.Length];

    private string Passage(int words)
    {
        var topic = _random.Next(Topics);
        return string.Join(' ', Enumerable.Range(0, words)
            .Select(i => (_random.NextDouble() < 0.6 ? TopicWord(topic, _random) : Word()) + (i % 12 == 11 ? "." : "")));
    }

    public IEnumerable<NewChunk> Chunks(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var text = Passage(120);
            var vector = HashingEmbeddingGenerator.Embed(text, out _);
            yield return new NewChunk(Guid.CreateVersion7(), _position++, text, TokenEstimator.Count(text), "Generated", 0, text.Length, vector);
        }
    }

    public string Query()
    {
        var topic = _random.Next(Topics);
        return string.Join(' ', Enumerable.Range(0, 4).Select(i => i < 3 ? TopicWord(topic, _random) : Word()));
    }
}
