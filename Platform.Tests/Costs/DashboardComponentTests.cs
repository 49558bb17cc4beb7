using Bunit;
using Platform.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Platform.Web.Features.Costs;
using Platform.Web.Features.Costs.Budgets;
using Platform.Web.Features.Costs.Dashboard;

namespace Platform.Tests.Costs;

/// <summary>The dashboard's presentation components with the data shapes users meet: nothing yet, one day,
/// many months.</summary>
public class DashboardComponentTests : MudTestContext
{
    private static readonly DateTimeOffset Today = new(DateTime.UtcNow.Date, TimeSpan.Zero);

    public DashboardComponentTests()
    {
    }

    private static CostDashboard Dashboard(CostRange range, IReadOnlyList<SeriesPoint> points, long events) =>
        new(range, points.Sum(p => p.CostUsd), events, 1, points,
            [new Breakdown("gpt-4o", "openai", events, 1000, 500, points.Sum(p => p.CostUsd))],
            [new Breakdown(Guid.NewGuid().ToString(), "Ada Owner", events, 1000, 500, points.Sum(p => p.CostUsd))],
            [new Breakdown("01930000-0000-7000-8000-000000abcdef", null, events, 1000, 500, points.Sum(p => p.CostUsd))],
            []);

    [Fact]
    public void Empty_period_explains_itself_and_draws_no_chart()
    {
        var range = CostPeriod.Resolve(CostPeriod.Today, DateTimeOffset.UtcNow);
        var cut = Render<CostDashboardView>(p => p.Add(x => x.Dashboard, Dashboard(range, [], 0)).Add(x => x.Slug, "acme"));
        Assert.Contains("No AI calls were recorded", cut.Find("[data-testid=costs-empty]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=spend-chart]"));
        Assert.Equal("$0.00", cut.Find("[data-testid=costs-total]").TextContent);
    }

    [Fact]
    public void One_day_shows_hourly_bars_totals_and_links_to_the_chat()
    {
        var range = CostPeriod.Resolve(CostPeriod.Today, DateTimeOffset.UtcNow);
        Assert.Equal("hour", range.Bucket);
        SeriesPoint[] points = [new(Today.AddHours(9), "llm", 0.012m), new(Today.AddHours(9), "embedding", 0.0004m), new(Today.AddHours(14), "llm", 0.03m)];
        var cut = Render<CostDashboardView>(p => p.Add(x => x.Dashboard, Dashboard(range, points, 3)).Add(x => x.Slug, "acme"));

        Assert.Equal("$0.04", cut.Find("[data-testid=costs-total]").TextContent); // 0.0424 to the cent
        Assert.NotNull(cut.Find("[data-testid=spend-chart] svg"));
        Assert.Contains("gpt-4o", cut.Find("[data-testid=costs-by-model]").TextContent);
        Assert.Contains("Ada Owner", cut.Find("[data-testid=costs-by-user]").TextContent);
        var chatLink = cut.Find("[data-testid=costs-top-chats] a");
        Assert.Equal("/w/acme/chat/01930000-0000-7000-8000-000000abcdef", chatLink.GetAttribute("href"));
        Assert.Contains("abcdef", chatLink.TextContent);

        var data = SpendChartData.Build(range, points);
        Assert.Equal(24, data.Labels.Length);
        Assert.Equal(0.012, data.Series.Single(s => s.Service == "llm").Values[9], 6);
        Assert.Equal(0.03, data.Series.Single(s => s.Service == "llm").Values[14], 6);
        Assert.Equal(0, data.Series.Single(s => s.Service == "llm").Values[10]);
    }

    [Fact]
    public void Many_months_roll_days_up_into_month_bars()
    {
        var range = CostPeriod.Resolve(CostPeriod.Year, DateTimeOffset.UtcNow);
        Assert.Equal("month", range.Bucket);
        var firstMonth = range.From;
        // The query layer has already bucketed by month; two services in every month.
        var points = Enumerable.Range(0, 12).SelectMany(m => new[]
        {
            new SeriesPoint(firstMonth.AddMonths(m), "llm", 10m + m),
            new SeriesPoint(firstMonth.AddMonths(m), "embedding", 1m),
        }).ToList();
        var cut = Render<CostDashboardView>(p => p.Add(x => x.Dashboard, Dashboard(range, points, 5000)).Add(x => x.Slug, "acme"));

        Assert.Equal("$198.00", cut.Find("[data-testid=costs-total]").TextContent); // Σ(10..21) + 12
        Assert.Equal("5,000", cut.Find("[data-testid=costs-calls]").TextContent);
        var data = SpendChartData.Build(range, points);
        Assert.Equal(12, data.Labels.Length);
        Assert.Equal(firstMonth.ToString("MMM yyyy", System.Globalization.CultureInfo.InvariantCulture), data.Labels[0]);
        Assert.Equal(21, data.Series.Single(s => s.Service == "llm").Values[11]);
        Assert.Contains(firstMonth.ToString("MMM yyyy", System.Globalization.CultureInfo.InvariantCulture), cut.Find("[data-testid=spend-chart]").TextContent);
    }

    [Fact]
    public void Budget_gauge_warns_when_the_forecast_passes_the_limit_and_blocks_at_the_limit()
    {
        var end = Today.AddDays(10);
        var cut = Render<BudgetGaugeView>(p => p.Add(x => x.Gauge, new BudgetGauge("month", 10m, 6m, 14m, end, WarnOnly: false)));
        Assert.Contains("$6.00 of $10.00", cut.Markup);
        Assert.Contains("Forecast $14.00", cut.Markup);
        Assert.DoesNotContain("Budget reached", cut.Markup);

        cut = Render<BudgetGaugeView>(p => p.Add(x => x.Gauge, new BudgetGauge("month", 10m, 10.02m, 12m, end, WarnOnly: false)));
        Assert.Contains("Budget reached", cut.Markup);
        cut = Render<BudgetGaugeView>(p => p.Add(x => x.Gauge, new BudgetGauge("day", 1m, 2m, 3m, end, WarnOnly: true)));
        Assert.Contains("warn only is on", cut.Markup);
    }

    [Fact]
    public void Forecast_extrapolates_the_pace_to_the_end_of_the_period()
    {
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var end = start.AddMonths(1);
        Assert.Equal(30m, CostQueries.Forecast(10m, start, end, start.AddDays(10)));   // a third of November
        Assert.Equal(10m * 720, CostQueries.Forecast(10m, start, end, start.AddMinutes(5))); // at least one hour elapsed
        Assert.Equal(10m, CostQueries.Forecast(10m, start, end, end.AddHours(1)));
    }

    [Fact]
    public void Fractions_of_a_cent_stay_visible_in_the_forecast_and_the_gauge()
    {
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var end = start.AddMonths(1);
        // $0.0016 spent with 1 of 30 days left: the pace ends near $0.00166, not "$0.00".
        var forecast = CostQueries.Forecast(0.0016m, start, end, end.AddDays(-1));
        Assert.Equal(0.001655m, forecast);
        var cut = Render<BudgetGaugeView>(p => p.Add(x => x.Gauge, new BudgetGauge("month", 0.0012m, 0.0016m, forecast, end, WarnOnly: false)));
        Assert.Contains("$0.0016 of $0.0012", cut.Markup);
        Assert.Contains("Forecast $0.001655", cut.Markup);
        Assert.Equal("$0.0012", Money.Usd(0.001200m));
    }

    [Fact]
    public void Csv_fields_are_quoted_and_formulas_neutralised()
    {
        Assert.Equal("gpt-4o", CostQueries.Csv("gpt-4o"));
        Assert.Equal("\"a,b\"", CostQueries.Csv("a,b"));
        Assert.Equal("'=HYPERLINK(1)", CostQueries.Csv("=HYPERLINK(1)"));
        Assert.Equal("", CostQueries.Csv(null));
    }

    [Fact]
    public void Credits_panel_shows_usage_vs_credits_from_the_usage_logs()
    {
        var now = DateTimeOffset.UtcNow;
        var empty = new CreditStatus("free", "day", 0, 3, 0, 0, 0, 0, now.AddHours(3));
        var cut = Render<CreditsPanel>(p => p.Add(x => x.Status, empty).Add(x => x.Now, now));
        Assert.Contains("No requests yet", cut.Find("[data-testid=usage-empty]").TextContent);

        var used = empty with { MessagesUsed = 2 };
        // One row per kind and model: two models' messages are not all labelled with the last one.
        used = used with { Usage = [new UsageSummary("message", 1, 1, 1500, 1500, 0, "gpt-4o-mini"), new UsageSummary("message", 1, 1, 940, 700, 1, "gpt-4o")] };
        cut = Render<CreditsPanel>(p => p.Add(x => x.Status, used).Add(x => x.Now, now));
        Assert.Contains("Messages: 2 of 3", cut.Markup);
        var rows = cut.FindAll("[data-testid=usage-table] tbody tr").Select(r => r.TextContent).ToList();
        Assert.Equal(2, rows.Count);
        foreach (var expected in new[] { "Messages", "1,500", "1.5 s", "gpt-4o-mini" }) Assert.Contains(expected, rows[0]);
        foreach (var expected in new[] { "Messages", "940", "0.7 s", "gpt-4o" }) Assert.Contains(expected, rows[1]);
        Assert.DoesNotContain("gpt-4o-mini", rows[1]);
    }
}
