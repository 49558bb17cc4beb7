using Platform.Data.Main.Entities;

namespace Platform.Web.Features.Costs.Budgets;

/// <summary>Calendar periods in UTC: days from 00:00, weeks from Monday, months from the 1st.</summary>
public static class BudgetPeriods
{
    public static DateTimeOffset Start(string period, DateTimeOffset now)
    {
        var day = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        return period switch
        {
            BudgetPeriod.Day => day,
            BudgetPeriod.Week => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
            BudgetPeriod.Month => new DateTimeOffset(day.Year, day.Month, 1, 0, 0, 0, TimeSpan.Zero),
            _ => throw new ArgumentOutOfRangeException(nameof(period), period, "day, week or month"),
        };
    }

    public static DateTimeOffset End(string period, DateTimeOffset now)
    {
        var start = Start(period, now);
        return period switch
        {
            BudgetPeriod.Day => start.AddDays(1),
            BudgetPeriod.Week => start.AddDays(7),
            _ => start.AddMonths(1),
        };
    }

    public static decimal? Limit(Budget budget, string period) => period switch
    {
        BudgetPeriod.Day => budget.DailyLimitUsd,
        BudgetPeriod.Week => budget.WeeklyLimitUsd,
        _ => budget.MonthlyLimitUsd,
    };
}
