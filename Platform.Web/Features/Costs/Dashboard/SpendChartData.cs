namespace Platform.Web.Features.Costs.Dashboard;

/// <summary>The time series as a chart wants it: one label per bucket of the range (empty buckets are zeros,
/// so gaps show as gaps) and one value array per service. Labels thin out to ~10 to stay readable.</summary>
public sealed record SpendChartData(string[] Labels, IReadOnlyList<(string Service, double[] Values)> Series)
{
    public static SpendChartData Build(CostRange range, IReadOnlyList<SeriesPoint> points)
    {
        var buckets = Buckets(range).ToList();
        var index = buckets.Select((b, i) => (b, i)).ToDictionary(x => x.b, x => x.i);
        var series = points.GroupBy(p => p.Key).OrderByDescending(g => g.Sum(p => p.CostUsd)).Select(g =>
        {
            var values = new double[buckets.Count];
            foreach (var p in g)
                if (index.TryGetValue(p.Bucket.ToUniversalTime(), out var i)) values[i] += (double)p.CostUsd;
            return (g.Key, values);
        }).ToList();
        var step = Math.Max(1, (int)Math.Ceiling(buckets.Count / 10.0));
        var labels = buckets.Select((b, i) => i % step == 0 ? Label(range.Bucket, b) : "").ToArray();
        return new SpendChartData(labels, series);
    }

    /// <summary>10^k so that <paramref name="max"/> × 10^k is at least 5 (whole-number ticks stay meaningful).</summary>
    public static double PlotScale(double max)
    {
        var scale = 1.0;
        while (max > 0 && max * scale < 5 && scale < 1e8) scale *= 10;
        return scale;
    }

    /// <summary>1, 2 or 5 × a power of ten, about a fifth of <paramref name="max"/>.</summary>
    public static double NiceStep(double max)
    {
        if (max <= 0) return 1;
        var raw = max / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var norm = raw / magnitude;
        return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * magnitude;
    }

    public static IEnumerable<DateTimeOffset> Buckets(CostRange range)
    {
        var t = Floor(range.Bucket, range.From.ToUniversalTime());
        for (var n = 0; t < range.To && n < 2000; n++)
        {
            yield return t;
            t = range.Bucket switch { "hour" => t.AddHours(1), "day" => t.AddDays(1), _ => t.AddMonths(1) };
        }
    }

    private static DateTimeOffset Floor(string bucket, DateTimeOffset t) => bucket switch
    {
        "hour" => new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero),
        "day" => new DateTimeOffset(t.Year, t.Month, t.Day, 0, 0, 0, TimeSpan.Zero),
        _ => new DateTimeOffset(t.Year, t.Month, 1, 0, 0, 0, TimeSpan.Zero),
    };

    private static string Label(string bucket, DateTimeOffset t) => bucket switch
    {
        "hour" => t.ToString("HH:00", System.Globalization.CultureInfo.InvariantCulture),
        "day" => t.ToString("MMM d", System.Globalization.CultureInfo.InvariantCulture),
        _ => t.ToString("MMM yyyy", System.Globalization.CultureInfo.InvariantCulture),
    };
}
