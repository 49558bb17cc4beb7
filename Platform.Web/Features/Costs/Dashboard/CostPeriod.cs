namespace Platform.Web.Features.Costs.Dashboard;

/// <summary>The period picker's choices, as UTC day-aligned ranges (rollups are per hour and per day).</summary>
public static class CostPeriod
{
    public const string Today = "today";
    public const string Week = "7d";
    public const string Month = "30d";
    public const string Year = "12m";
    public const string Custom = "custom";

    public static CostRange Resolve(string period, DateTimeOffset now, DateTime? customFrom = null, DateTime? customTo = null)
    {
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var tomorrow = today.AddDays(1);
        return period switch
        {
            Week => CostRange.Of(today.AddDays(-6), tomorrow),
            Month => CostRange.Of(today.AddDays(-29), tomorrow),
            Year => CostRange.Of(new DateTimeOffset(today.Year, today.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-11), tomorrow),
            Custom when customFrom is { } f && customTo is { } t && t >= f =>
                CostRange.Of(new DateTimeOffset(f.Date, TimeSpan.Zero), new DateTimeOffset(t.Date, TimeSpan.Zero).AddDays(1)),
            _ => CostRange.Of(today, tomorrow),
        };
    }
}
