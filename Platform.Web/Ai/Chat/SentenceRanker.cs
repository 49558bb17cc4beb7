using Microsoft.Extensions.AI;

namespace Platform.Web.Ai.Chat;

/// <summary>A sentence chosen to answer: which passage (0-based, the citation is <c>Passage + 1</c>), where in it,
/// the text, and how well it matched (<see cref="Coverage"/>: share of the question's words it contains).</summary>
public sealed record QuotedSentence(int Passage, int Order, string Text, double Score, double Coverage, double Similarity);

/// <summary>
/// Picks the few sentences of the retrieved passages that answer the question. Each whole sentence (never a
/// heading, a banner or a piece a chunk boundary cut off) is scored by meaning — cosine similarity under the
/// app's registered embedding generator, so it gets better with a better model — and by the question's words
/// it contains, weighted by how rare they are among the candidates (a word every sentence has decides nothing).
/// </summary>
public sealed class SentenceRanker(IEmbeddingGenerator<string, Embedding<float>>? embedder)
{
    /// <summary>Sentences embedded per question (the best by words first): bounds the work of one answer.</summary>
    public const int MaxCandidates = 48;
    public const int MaxQuotes = 3;
    private const int MaxPassages = 8;
    private const int MinWords = 4;
    private const int MaxChars = 600;

    /// <summary>Below this similarity and with no shared word, a sentence is not about the question.</summary>
    public const double MeaningOnlyThreshold = 0.6;

    public async Task<IReadOnlyList<QuotedSentence>> PickAsync(string question, IReadOnlyList<KnowledgePassage> passages,
        CancellationToken ct = default)
    {
        var candidates = new List<Candidate>();
        for (var p = 0; p < Math.Min(MaxPassages, passages.Count); p++)
        {
            var order = 0;
            foreach (var s in SentenceSplitter.Split(passages[p].Content))
            {
                order++;
                if (s.IsHeading || !s.IsComplete || s.Text.Length > MaxChars || !s.Text.Any(char.IsLetter)) continue;
                if (s.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length < MinWords) continue;
                candidates.Add(new Candidate(p, order, s.Text, OfflineAssistant.Terms(s.Text),
                    s.Heading is null ? [] : OfflineAssistant.Terms(s.Heading)));
            }
        }
        var asked = OfflineAssistant.Terms(question);
        if (candidates.Count == 0) return [];

        // Rare words weigh more: "priority" in one sentence of forty says more than "file" in thirty.
        var weight = asked.ToDictionary(t => t, t =>
            Math.Log(1 + (candidates.Count + 1.0) / (1 + candidates.Count(c => c.Terms.Contains(t)))));
        var total = weight.Values.Sum();
        var titles = passages.Take(MaxPassages).Select(p => OfflineAssistant.Terms(p.DocumentTitle)).ToList();
        foreach (var c in candidates)
        {
            var inSentence = asked.Where(c.Terms.Contains).ToList();
            c.Coverage = asked.Count == 0 ? 0 : (double)inSentence.Count / asked.Count;
            // Words naming the document's subject ("MIME" in the MIME spec) are everywhere in it: they pick the
            // document, not the sentence. Words of the section heading help a little ("The default is 50" under
            // "Priorities").
            var fromSentence = inSentence.Sum(t => titles[c.Passage].Contains(t) ? weight[t] * 0.3 : weight[t]);
            var fromHeading = asked.Where(t => !c.Terms.Contains(t) && c.HeadingTerms.Contains(t)).Sum(t => weight[t]) * 0.3;
            c.Keyword = total == 0 ? 0 : (fromSentence + fromHeading) / total;
        }

        var pool = candidates.OrderByDescending(c => c.Keyword).ThenBy(c => c.Passage).ThenBy(c => c.Order).Take(MaxCandidates).ToList();
        await ScoreMeaningAsync(question, pool, ct);
        var top = passages[0].Score;
        foreach (var c in pool)
        {
            // Retrieval's own order breaks near-ties: the first passage ranked best for the whole question.
            var prior = top > 0 ? Math.Clamp(passages[c.Passage].Score / top, 0, 1) : 0;
            c.Score = 0.55 * c.Keyword + 0.45 * Math.Max(0, c.Similarity) + 0.04 * prior;
        }

        var ranked = pool.OrderByDescending(c => c.Score).ToList();
        var best = ranked[0];
        if (best.Coverage == 0 && best.Similarity < MeaningOnlyThreshold) return [];
        var chosen = new List<Candidate>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in ranked)
        {
            if (chosen.Count == MaxQuotes) break;
            if (c != best && (c.Score < best.Score * 0.8 || (c.Coverage == 0 && c.Similarity < MeaningOnlyThreshold))) break;
            // A runner-up must share most of the answer's keyword weight too: close in overall score on the strength of
            // one common word ("The old magic database had complex escaping rules") is a neighbour, not an answer.
            if (c != best && c.Keyword < best.Keyword * 0.7) continue;
            // Overlapping chunks repeat sentences: quote each once.
            if (!seen.Add(c.Text)) continue;
            chosen.Add(c);
        }
        return chosen.OrderBy(c => c.Passage).ThenBy(c => c.Order)
            .Select(c => new QuotedSentence(c.Passage, c.Order, c.Text, Math.Round(c.Score, 4), c.Coverage, c.Similarity)).ToList();
    }

    private async Task ScoreMeaningAsync(string question, List<Candidate> pool, CancellationToken ct)
    {
        if (embedder is null) return;
        try
        {
            var vectors = await embedder.GenerateAsync([question, .. pool.Select(c => c.Text)], cancellationToken: ct);
            var q = vectors[0].Vector.Span;
            for (var i = 0; i < pool.Count; i++) pool[i].Similarity = Cosine(q, vectors[i + 1].Vector.Span);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Words alone still answer; a failing embedder must not take the offline assistant down with it.
        }
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }

    private sealed class Candidate(int passage, int order, string text, HashSet<string> terms, HashSet<string> headingTerms)
    {
        public int Passage { get; } = passage;
        public int Order { get; } = order;
        public string Text { get; } = text;
        public HashSet<string> Terms { get; } = terms;
        public HashSet<string> HeadingTerms { get; } = headingTerms;
        public double Keyword { get; set; }
        public double Coverage { get; set; }
        public double Similarity { get; set; }
        public double Score { get; set; }
    }
}
