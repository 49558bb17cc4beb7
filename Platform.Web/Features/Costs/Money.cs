using System.Globalization;

namespace Platform.Web.Features.Costs;

/// <summary>How money and periods read in the UI and in emails (always US dollars, invariant culture).</summary>
public static class Money
{
    private static readonly CultureInfo Us = CultureInfo.GetCultureInfo("en-US");

    /// <summary>$12.34 for amounts from a cent; small amounts keep their significant digits ($0.000125).</summary>
    public static string Usd(decimal value) =>
        Math.Abs(value) >= 0.01m || value == 0 ? value.ToString("$#,##0.00", Us) : value.ToString("$0.######", Us);

    /// <summary>Token counts at a glance: 4,800 · 373k · 1.6M.</summary>
    public static string Compact(long n) => n switch
    {
        >= 10_000_000 => (n / 1_000_000d).ToString("0M", Us),
        >= 1_000_000 => (n / 1_000_000d).ToString("0.#M", Us),
        >= 100_000 => (n / 1_000d).ToString("0k", Us),
        _ => n.ToString("N0", Us),
    };

    public static string PeriodAdjective(string period) => period switch
    {
        "day" => "daily",
        "week" => "weekly",
        _ => "monthly",
    };

    /// <summary>"3 h", "25 min", "2 d" — how long until a reset.</summary>
    public static string Duration(TimeSpan span)
    {
        if (span <= TimeSpan.Zero) return "now";
        if (span.TotalDays >= 2) return $"{(int)Math.Round(span.TotalDays)} d";
        if (span.TotalHours >= 1) return $"{(int)Math.Round(span.TotalHours)} h";
        return $"{Math.Max(1, (int)Math.Ceiling(span.TotalMinutes))} min";
    }
}
