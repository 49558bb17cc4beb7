namespace Platform.Bench.Quality;

/// <summary>recall@k, MRR@k and nDCG@k with binary relevance, averaged over questions.</summary>
public sealed class RankingMetrics(int k)
{
    private double _recall, _mrr, _ndcg;
    public int Count { get; private set; }

    /// <param name="relevant">Per returned rank: does that passage contain the answer.</param>
    /// <param name="relevantInCorpus">How many passages of the corpus contain it (the ideal ranking's hits).</param>
    public void Add(IReadOnlyList<bool> relevant, int relevantInCorpus)
    {
        Count++;
        var top = relevant.Take(k).ToList();
        var first = top.IndexOf(true);
        if (first >= 0) { _recall++; _mrr += 1.0 / (first + 1); }
        double dcg = 0, ideal = 0;
        for (var i = 0; i < top.Count; i++) if (top[i]) dcg += 1 / Math.Log2(i + 2);
        for (var i = 0; i < Math.Min(k, relevantInCorpus); i++) ideal += 1 / Math.Log2(i + 2);
        if (ideal > 0) _ndcg += dcg / ideal;
    }

    public double Recall => Count == 0 ? 0 : _recall / Count;
    public double Mrr => Count == 0 ? 0 : _mrr / Count;
    public double Ndcg => Count == 0 ? 0 : _ndcg / Count;
}
