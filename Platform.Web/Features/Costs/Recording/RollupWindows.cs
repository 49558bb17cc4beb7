namespace Platform.Web.Features.Costs.Recording;

/// <summary>
/// Which detail the rollups keep for which period (all in UTC): hour rows for today and yesterday only; day rows
/// for the current month and <see cref="CostsOptions.DailyDetailMonths"/> before it; one row per month before that.
/// Views of folded periods are widened to whole months, so every figure shown is exact for the range it says.
/// </summary>
public static class RollupWindows
{
    /// <summary>Start of the hourly window: yesterday 00:00 UTC.</summary>
    public static DateTimeOffset HourlyFrom(DateTimeOffset now) => Day(now).AddDays(-1);

    /// <summary>First day still kept per day; everything before it is in month rows.</summary>
    public static DateTimeOffset DailyFrom(DateTimeOffset now, int dailyDetailMonths) =>
        Month(now).AddMonths(-Math.Max(1, dailyDetailMonths));

    /// <summary>The range a dashboard can show exactly: widened to month boundaries where it reaches into folded
    /// months, hour buckets only inside the hourly window. The note says what changed, in the user's terms.</summary>
    public static (CostRange Range, string? Note) Resolve(CostRange asked, DateTimeOffset now, int dailyDetailMonths)
    {
        var dailyFrom = DailyFrom(now, dailyDetailMonths);
        var range = asked;
        string? note = null;
        if (range.From < dailyFrom)
        {
            var from = Month(range.From);
            var to = range.To < dailyFrom && range.To != Month(range.To) ? Month(range.To).AddMonths(1) : range.To;
            range = new CostRange(from, to, "month");
            if (from != asked.From || to != asked.To)
                note = $"Costs before {dailyFrom:d MMM yyyy} are kept per month: showing {from:d MMM yyyy} to {to.AddDays(-1):d MMM yyyy}.";
        }
        if (range.Bucket == "hour" && range.From < HourlyFrom(now)) range = range with { Bucket = "day" };
        return (range, note);
    }

    private static DateTimeOffset Day(DateTimeOffset t) => new(t.UtcDateTime.Date, TimeSpan.Zero);

    private static DateTimeOffset Month(DateTimeOffset t) => new(t.UtcDateTime.Year, t.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);
}
