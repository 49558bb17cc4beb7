using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Main;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Tests.Infrastructure;
using Platform.Web.Ai.Pricing;
using Platform.Web.Features.Costs;
using Platform.Web.Features.Costs.Dashboard;
using Platform.Web.Features.Costs.Recording;
using Platform.Web.Infrastructure;

namespace Platform.Tests.Costs;

/// <summary>Monthly partitions of the billing tables: created ahead, dropped by retention while the rollups keep
/// every figure, and the dashboard, CSV export and consistency check saying what raw events still cover.</summary>
public class PartitionTests(CostsPlatform platform) : IClassFixture<CostsPlatform>
{
    private static DateTimeOffset Month(DateTimeOffset t) => new(t.UtcDateTime.Year, t.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);

    private CostMaintenance Maintenance(int? retentionMonths) => new(
        platform.Get<DataSourceRegistry>(), platform.Get<IOptions<DatabaseOptions>>(),
        Options.Create(new CostsOptions { RawRetentionMonths = retentionMonths }), platform.Clock,
        platform.Get<WorkerHeartbeats>(), NullLogger<CostMaintenance>.Instance);

    private async Task<List<(string Name, DateTimeOffset Lower, DateTimeOffset Upper)>> PartitionsAsync(string table)
    {
        await using var c = new NpgsqlConnection(TestDatabases.Owner(platform.MainDatabase));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT partition_name, lower_bound, upper_bound FROM main.partition_bounds(@t) ORDER BY 2", c);
        cmd.Parameters.AddWithValue("t", table);
        var result = new List<(string, DateTimeOffset, DateTimeOffset)>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) result.Add((r.GetString(0), r.GetFieldValue<DateTimeOffset>(1), r.GetFieldValue<DateTimeOffset>(2)));
        return result;
    }

    private async Task<string> PartitionOfAsync(Guid ws, Guid id)
    {
        await using var c = new NpgsqlConnection(TestDatabases.App(platform.MainDatabase));
        await c.OpenAsync();
        await using var tx = await TenantSessionInterceptor.BeginAsync(c, DbSession.ForWorkspace(ws));
        await using var cmd = new NpgsqlCommand("SELECT tableoid::regclass::text FROM main.cost_events WHERE workspace_id = @w AND id = @id", c, tx);
        cmd.Parameters.AddWithValue("w", ws);
        cmd.Parameters.AddWithValue("id", id);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task WriteAsync(params Web.Ai.AiUsage[] usages) =>
        await platform.Store.WriteAsync(usages.Select(u => CostEventFactory.Create(u,
            platform.Get<PriceTable>().Quote(u.Provider, u.Model, u.InputTokens, u.OutputTokens).CostUsd)).ToList());

    [Fact]
    public async Task Partitions_exist_months_ahead_and_the_worker_keeps_them_ahead()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var table in new[] { "cost_events", "usage_logs" })
        {
            var months = (await PartitionsAsync(table)).Select(p => p.Lower).ToList();
            for (var m = 0; m <= CostPartitionsSql.MonthsAhead; m++) Assert.Contains(Month(now).AddMonths(m), months);
        }

        // A year on, the worker has created the months that are then ahead; an event dated then lands in its month.
        var later = now.AddMonths(12);
        Assert.True(await Maintenance(null).EnsurePartitionsAsync(later) > 0);
        Assert.Equal(0, await Maintenance(null).EnsurePartitionsAsync(later)); // idempotent
        foreach (var table in new[] { "cost_events", "usage_logs" })
        {
            var months = (await PartitionsAsync(table)).Select(p => p.Lower).ToList();
            for (var m = 0; m <= CostPartitionsSql.MonthsAhead; m++) Assert.Contains(Month(later).AddMonths(m), months);
        }
        // Like every workspace table, a new partition has forced RLS (the security catalog's invariant).
        await using (var c = new NpgsqlConnection(TestDatabases.Owner(platform.MainDatabase)))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE relname = @n", c);
            cmd.Parameters.AddWithValue("n", $"cost_events_p{Month(later):yyyy_MM}");
            Assert.True((bool)(await cmd.ExecuteScalarAsync())!);
        }
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var usage = CostsPlatform.Usage(ws, owner, at: later);
        await WriteAsync(usage);
        Assert.Equal($"main.cost_events_p{Month(later):yyyy_MM}", await PartitionOfAsync(ws, usage.CallId));
    }

    [Fact]
    public async Task Retention_drops_old_raw_months_while_rollups_dashboard_and_export_keep_saying_what_they_show()
    {
        var now = DateTimeOffset.UtcNow;
        // Months in the past need partitions of their own to be dropped whole (a converted install has its legacy one).
        await using (var c = new NpgsqlConnection(TestDatabases.Owner(platform.MainDatabase)))
        {
            await c.OpenAsync();
            foreach (var table in new[] { "cost_events", "usage_logs" })
            {
                await using var cmd = new NpgsqlCommand("SELECT main.ensure_monthly_partitions(@t, @from, @to)", c);
                cmd.Parameters.AddWithValue("t", table);
                cmd.Parameters.AddWithValue("from", now.AddMonths(-6));
                cmd.Parameters.AddWithValue("to", now);
                await cmd.ExecuteNonQueryAsync();
            }
        }
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var chat = Guid.NewGuid();
        var old = CostsPlatform.Usage(ws, owner, at: Month(now).AddMonths(-5).AddDays(3), chatId: chat);
        var older = CostsPlatform.Usage(ws, owner, model: "gpt-4o-mini", at: Month(now).AddMonths(-3).AddDays(10), chatId: chat);
        var recent = CostsPlatform.Usage(ws, owner, at: now.AddMinutes(-5), chatId: chat);
        await WriteAsync(old, older, recent);
        var year = CostPeriod.Resolve(CostPeriod.Year, now);
        var before = await platform.Get<CostQueries>().WorkspaceAsync(ws, owner, year);
        Assert.Equal(3, before.Events);
        Assert.Null(before.RawEventsFrom);

        var dropped = await Maintenance(retentionMonths: 2).ApplyRetentionAsync(now);
        var cutoff = Month(now).AddMonths(-2);
        Assert.Contains($"cost_events_p{Month(now).AddMonths(-5):yyyy_MM}", dropped);
        Assert.Contains($"usage_logs_p{Month(now).AddMonths(-3):yyyy_MM}", dropped);
        Assert.DoesNotContain(await PartitionsAsync("cost_events"), p => p.Upper <= cutoff);

        // Raw: only the recent call is left. Rollups: every figure is still there, chats' totals included.
        await using (var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws)))
        {
            Assert.Equal([recent.CallId], await db.CostEvents.Select(e => e.Id).ToListAsync());
            Assert.Equal(3, (await db.ChatCostTotals.SingleAsync(t => t.ChatId == chat)).EventCount);
        }
        var after = await platform.Get<CostQueries>().WorkspaceAsync(ws, owner, year);
        Assert.Equal(before.TotalUsd, after.TotalUsd);
        Assert.Equal(3, after.Events);
        Assert.Equal(before.ByModel.Sum(m => m.CostUsd), after.ByModel.Sum(m => m.CostUsd));
        Assert.Equal(cutoff, after.RawEventsFrom);
        Assert.Equal(cutoff, await platform.Get<RawEventCoverage>().UsageLogsFromAsync());

        // The export says which part of the range it can still list, then lists it.
        var csv = new StringWriter();
        await platform.Get<CostQueries>().WriteCsvAsync(ws, owner, year, csv);
        var lines = csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"# Raw events are kept from {cutoff:yyyy-MM-dd}", lines[0]);
        Assert.StartsWith("occurred_at,", lines[1]);
        Assert.Equal(3, lines.Length);
        // A range entirely inside the kept months has no such line.
        var month = CostPeriod.Resolve(CostPeriod.Week, now);
        var plain = new StringWriter();
        await platform.Get<CostQueries>().WriteCsvAsync(ws, owner, month, plain);
        Assert.StartsWith("occurred_at,", plain.ToString());

        // The consistency check compares what raw events still cover and stays clean (the chat began before them).
        var mismatches = await platform.Get<RollupConsistency>().CheckAsync(await platform.CreatePlatformAdminAsync(), year.From, year.To);
        Assert.Empty(mismatches);
    }
}

/// <summary>Day rollups older than the daily-detail window fold into month rows (its own database: its events
/// land in months the partition tests create partitions for).</summary>
public class RollupFoldingTests(CostsPlatform platform) : IClassFixture<CostsPlatform>
{
    private static DateTimeOffset Month(DateTimeOffset t) => new(t.UtcDateTime.Year, t.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);

    private CostMaintenance Maintenance() => new(
        platform.Get<DataSourceRegistry>(), platform.Get<IOptions<DatabaseOptions>>(), Options.Create(new CostsOptions()), platform.Clock,
        platform.Get<WorkerHeartbeats>(), NullLogger<CostMaintenance>.Instance);

    private async Task WriteAsync(params Web.Ai.AiUsage[] usages) =>
        await platform.Store.WriteAsync(usages.Select(u => CostEventFactory.Create(u,
            platform.Get<PriceTable>().Quote(u.Provider, u.Model, u.InputTokens, u.OutputTokens).CostUsd)).ToList());

    private async Task<List<CostEvent>> RawAsync(Guid ws)
    {
        await using var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws));
        return await db.CostEvents.AsNoTracking().Where(e => e.WorkspaceId == ws).ToListAsync();
    }

    [Fact]
    public async Task Old_days_fold_into_month_rows_and_views_of_them_widen_to_whole_months_with_exact_totals()
    {
        var now = DateTimeOffset.UtcNow;
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var random = new Random(7);
        var usages = Enumerable.Range(0, 300).Select(i => CostsPlatform.Usage(ws, random.Next(3) == 0 ? null : owner,
            model: random.Next(2) == 0 ? "gpt-4o" : "gpt-4o-mini", input: random.Next(10, 5000), output: random.Next(0, 900),
            at: now.AddHours(-random.Next(0, 24 * 120)))).ToArray();
        await WriteAsync(usages);
        var events = await RawAsync(ws);

        Assert.True(await Maintenance().FoldOldRollupsAsync(now) > 0);
        var dailyFrom = RollupWindows.DailyFrom(now, 1);
        await using (var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws)))
        {
            var old = await db.CostDayRollups.Where(r => r.WorkspaceId == ws && r.PeriodStart < dailyFrom).ToListAsync();
            Assert.NotEmpty(old);
            Assert.All(old, r => Assert.Equal(1, r.PeriodStart.Day));
            Assert.Equal(old.Count, old.Select(r => (r.PeriodStart, r.Model)).Distinct().Count());
            Assert.True(await db.CostDayRollups.CountAsync(r => r.WorkspaceId == ws && r.PeriodStart >= dailyFrom) > 2);
        }

        // A custom range starting mid-month inside the folded period is shown from that month's first day, and says so.
        var askedFrom = Month(now).AddMonths(-3).AddDays(14);
        var asked = CostPeriod.Resolve(CostPeriod.Custom, now, askedFrom.UtcDateTime, now.UtcDateTime);
        var view = await platform.Get<CostQueries>().WorkspaceAsync(ws, owner, asked);
        Assert.Equal(Month(askedFrom), view.Range.From);
        Assert.Contains("kept per month", view.RangeNote);
        var inRange = events.Where(e => e.OccurredAt >= view.Range.From && e.OccurredAt < view.Range.To).ToList();
        Assert.Equal(inRange.Sum(e => e.CostUsd), view.TotalUsd);
        Assert.Equal(inRange.Count, view.Events);
        Assert.Equal(inRange.Sum(e => e.CostUsd), view.ByUser.Sum(u => u.CostUsd));
        Assert.Equal(inRange.Sum(e => e.CostUsd), view.SpendOverTime.Sum(p => p.CostUsd));

        // The 30-day view is never widened, and stays exact to the day.
        var month = await platform.Get<CostQueries>().WorkspaceAsync(ws, owner, CostPeriod.Resolve(CostPeriod.Month, now));
        Assert.Null(month.RangeNote);
        Assert.Equal(events.Where(e => e.OccurredAt >= month.Range.From).Sum(e => e.CostUsd), month.TotalUsd);

        var mismatches = await platform.Get<RollupConsistency>().CheckAsync(await platform.CreatePlatformAdminAsync(), now.AddDays(-130), now.AddDays(1));
        Assert.Empty(mismatches);
    }

}
