using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Data.Main;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Web.Features.Admin;
using Platform.Web.Features.Workspaces;
using Platform.Web.Features.Costs.Budgets;
using Platform.Web.Features.Costs.Recording;

namespace Platform.Web.Features.Costs.Dashboard;

/// <summary>
/// Dashboard reads. Every aggregate comes from the rollup grain that matches it (hour rows for today's and
/// yesterday's series, day rows for totals, series and breakdowns, user × day rows by user, per-chat running totals
/// for top chats, workspace × day and platform × day rows for the admin view); raw events are read only as lists
/// (recent events, CSV export). Every workspace read checks "view_costs" itself (<see cref="CostPermissions"/>);
/// the admin view is for platform admins.
/// </summary>
public sealed class CostQueries(MainDbFactory main, TenantDbFactory tenants, CostPermissions permissions, PlatformAdmins admins,
    RawEventCoverage coverage, IOptions<CostsOptions> options, TimeProvider clock, ILogger<CostQueries> logger)
{
    public async Task<CostDashboard> WorkspaceAsync(Guid workspaceId, Guid userId, CostRange asked, CancellationToken ct = default,
        string groupBy = CostGrouping.Service)
    {
        await permissions.RequireViewAsync(workspaceId, userId, ct);
        var (range, note) = RollupWindows.Resolve(asked, clock.GetUtcNow(), options.Value.DailyDetailMonths);
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, userId), ct);
        var days = db.CostDayRollups.AsNoTracking()
            .Where(s => s.WorkspaceId == workspaceId && s.PeriodStart >= range.From && s.PeriodStart < range.To);

        var series = await SeriesAsync(db, range, workspaceId, groupBy, ct);
        var byService = await days.GroupBy(s => s.Service)
            .Select(g => new Breakdown(g.Key, null, g.Sum(s => s.EventCount), g.Sum(s => s.InputTokens), g.Sum(s => s.OutputTokens), g.Sum(s => s.CostUsd)))
            .ToListAsync(ct);
        var byModel = await days.GroupBy(s => new { s.Provider, s.Model })
            .OrderByDescending(g => g.Sum(s => s.CostUsd))
            .Select(g => new Breakdown(g.Key.Model, g.Key.Provider, g.Sum(s => s.EventCount), g.Sum(s => s.InputTokens), g.Sum(s => s.OutputTokens), g.Sum(s => s.CostUsd)))
            .ToListAsync(ct);
        var byUserRaw = await db.CostUserDayRollups.Where(s => s.WorkspaceId == workspaceId && s.PeriodStart >= range.From && s.PeriodStart < range.To)
            .GroupBy(s => s.UserId)
            .Select(g => new { g.Key, Events = g.Sum(s => s.EventCount), In = g.Sum(s => s.InputTokens), Out = g.Sum(s => s.OutputTokens), Cost = g.Sum(s => s.CostUsd) })
            .OrderByDescending(b => b.Cost).Take(20).ToListAsync(ct);
        var userIds = byUserRaw.Where(u => u.Key != Guid.Empty).Select(u => u.Key).ToList();
        var names = await db.Users.Where(u => userIds.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => u.DisplayName ?? u.Email ?? u.Id.ToString(), ct);
        var byUser = byUserRaw.Select(u => new Breakdown(u.Key == Guid.Empty ? "" : u.Key.ToString(),
            u.Key == Guid.Empty ? "Visitors (no account)" : names.GetValueOrDefault(u.Key, "Former member"),
            u.Events, u.In, u.Out, u.Cost)).ToList();
        // Running totals of the chats active in the range (their whole cost, not only the range's share).
        var chats = await db.ChatCostTotals.AsNoTracking()
            .Where(c => c.WorkspaceId == workspaceId && c.LastAt >= range.From && c.FirstAt < range.To)
            .OrderByDescending(c => c.CostUsd).Take(10).ToListAsync(ct);
        var titles = await ChatTitlesAsync(workspaceId, userId, chats.Select(c => c.ChatId).ToList(), ct);
        var topChats = chats.Select(c => new Breakdown(c.ChatId.ToString(), titles.GetValueOrDefault(c.ChatId), c.EventCount, c.InputTokens, c.OutputTokens, c.CostUsd)).ToList();

        return new CostDashboard(range, byService.Sum(s => s.CostUsd), byService.Sum(s => s.Events),
            await days.SumAsync(s => s.FailedCount, ct), series, byModel, byUser, topChats, byService)
        {
            GroupBy = groupBy, RangeNote = note, RawEventsFrom = await coverage.CostEventsFromAsync(ct),
        };
    }

    /// <summary>Throws <see cref="WorkspaceAccessDeniedException"/> unless the caller is a platform admin in the database.</summary>
    public async Task<AdminCostOverview> AdminAsync(Guid adminUserId, CostRange asked, CancellationToken ct = default)
    {
        await admins.RequireAsync(adminUserId, ct);
        var (range, _) = RollupWindows.Resolve(asked, clock.GetUtcNow(), options.Value.DailyDetailMonths);
        await using var db = await main.OpenAsync(DbSession.ForPlatformAdmin(adminUserId), ct);
        var platform = db.CostPlatformDayRollups.AsNoTracking().Where(s => s.PeriodStart >= range.From && s.PeriodStart < range.To);
        var series = Bucketed(range, await platform.GroupBy(s => new { s.PeriodStart, s.Service })
            .Select(g => new SeriesPoint(g.Key.PeriodStart, g.Key.Service, g.Sum(s => s.CostUsd))).ToListAsync(ct));
        var top = await (from g in db.CostWorkspaceDayRollups.Where(s => s.PeriodStart >= range.From && s.PeriodStart < range.To)
                                 .GroupBy(s => s.WorkspaceId)
                                 .Select(g => new { g.Key, Events = g.Sum(s => s.EventCount), In = g.Sum(s => s.InputTokens), Out = g.Sum(s => s.OutputTokens), Cost = g.Sum(s => s.CostUsd) })
                         join w in db.Workspaces on g.Key equals w.Id into ws
                         from w in ws.DefaultIfEmpty()
                         orderby g.Cost descending
                         select new Breakdown(g.Key.ToString(), w != null ? w.Name : "(deleted workspace)", g.Events, g.In, g.Out, g.Cost))
            .Take(20).ToListAsync(ct);
        var byModel = await platform.GroupBy(s => new { s.Provider, s.Model })
            .OrderByDescending(g => g.Sum(s => s.CostUsd))
            .Select(g => new Breakdown(g.Key.Model, g.Key.Provider, g.Sum(s => s.EventCount), g.Sum(s => s.InputTokens), g.Sum(s => s.OutputTokens), g.Sum(s => s.CostUsd)))
            .Take(30).ToListAsync(ct);
        var alerts = await AlertsQuery(db, a => !a.Resolved).Take(100).ToListAsync(ct);
        return new AdminCostOverview(await platform.SumAsync(s => s.CostUsd, ct), series, top, byModel, alerts);
    }

    public async Task<IReadOnlyList<AlertView>> AlertsAsync(Guid workspaceId, Guid userId, bool unresolvedOnly, CancellationToken ct = default)
    {
        await permissions.RequireViewAsync(workspaceId, userId, ct);
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, userId), ct);
        return await AlertsQuery(db, a => a.WorkspaceId == workspaceId && (!unresolvedOnly || !a.Resolved)).Take(50).ToListAsync(ct);
    }

    public async Task<int> UnresolvedAlertCountAsync(Guid workspaceId, Guid userId, CancellationToken ct = default)
    {
        await permissions.RequireViewAsync(workspaceId, userId, ct);
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, userId), ct);
        return await db.BudgetAlerts.CountAsync(a => a.WorkspaceId == workspaceId && !a.Resolved, ct);
    }

    /// <summary>The workspace's budget for each configured period: limit, spend so far, linear forecast to the end.</summary>
    public async Task<IReadOnlyList<BudgetGauge>> GaugesAsync(Guid workspaceId, Guid userId, DateTimeOffset now, CancellationToken ct = default)
    {
        await permissions.RequireViewAsync(workspaceId, userId, ct);
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, userId), ct);
        var budget = await db.Budgets.AsNoTracking().FirstOrDefaultAsync(b => b.WorkspaceId == workspaceId, ct);
        if (budget is null) return [];
        var gauges = new List<BudgetGauge>();
        foreach (var period in BudgetPeriod.All.Reverse())
        {
            if (BudgetPeriods.Limit(budget, period) is not { } limit) continue;
            var start = BudgetPeriods.Start(period, now);
            var end = BudgetPeriods.End(period, now);
            var spent = await db.CostWorkspaceDayRollups.Where(s => s.WorkspaceId == workspaceId && s.PeriodStart >= start)
                .SumAsync(s => s.CostUsd, ct);
            gauges.Add(new BudgetGauge(period, limit, spent, Forecast(spent, start, end, now), end, budget.WarnOnly));
        }
        return gauges;
    }

    /// <summary>Spend so far extrapolated linearly over the whole period (at least one hour elapsed, to avoid wild
    /// forecasts just after a reset).</summary>
    public static decimal Forecast(decimal spent, DateTimeOffset start, DateTimeOffset end, DateTimeOffset now)
    {
        var elapsed = Math.Max((now - start).TotalHours, 1);
        var total = (end - start).TotalHours;
        if (elapsed >= total) return spent;
        // Kept to the money scale (6 places), not cents: a workspace spending fractions of a cent must not read "$0.00".
        return Math.Round(spent * (decimal)(total / elapsed), 6);
    }

    public async Task<IReadOnlyList<RecentEvent>> RecentEventsAsync(Guid workspaceId, Guid userId, CostRange range, int take, CancellationToken ct = default)
    {
        await permissions.RequireViewAsync(workspaceId, userId, ct);
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, userId), ct);
        return await Events(db, workspaceId, range).Take(take).ToListAsync(ct);
    }

    /// <summary>The filtered raw events as CSV (a list, not an aggregate), streamed row by row. When the range reaches
    /// back before the raw events still kept (retention), a first "#" line says which part the file covers.</summary>
    public async Task WriteCsvAsync(Guid workspaceId, Guid userId, CostRange range, TextWriter output, CancellationToken ct = default)
    {
        await permissions.RequireViewAsync(workspaceId, userId, ct);
        if (await coverage.CostEventsFromAsync(ct) is { } rawFrom && range.From < rawFrom)
            await output.WriteLineAsync(RawEventCoverage.CsvNote(range, rawFrom));
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, userId), ct);
        await output.WriteLineAsync("occurred_at,service,provider,model,operation,user_id,chat_id,message_id,input_tokens,output_tokens,cost_usd,latency_ms,success");
        await foreach (var e in Events(db, workspaceId, range).AsAsyncEnumerable().WithCancellation(ct))
            await output.WriteLineAsync(string.Join(',', e.OccurredAt.UtcDateTime.ToString("O"), Csv(e.Service), Csv(e.Provider), Csv(e.Model),
                Csv(e.Operation), e.UserId, e.ChatId, e.MessageId, e.InputTokens, e.OutputTokens,
                e.CostUsd.ToString(System.Globalization.CultureInfo.InvariantCulture), e.LatencyMs, e.Success ? "true" : "false"));
    }

    private static IQueryable<RecentEvent> Events(MainDbContext db, Guid workspaceId, CostRange range) =>
        db.CostEvents.AsNoTracking()
            .Where(e => e.WorkspaceId == workspaceId && e.OccurredAt >= range.From && e.OccurredAt < range.To)
            .OrderByDescending(e => e.OccurredAt)
            .Select(e => new RecentEvent(e.Id, e.OccurredAt, e.Service, e.Provider, e.Model, e.Operation, e.UserId, e.ChatId, e.MessageId,
                e.InputTokens, e.OutputTokens, e.CostUsd, e.LatencyMs, e.Success));

    /// <summary>CSV field: quoted when needed; a leading = + - @ is neutralised so a spreadsheet never runs it.</summary>
    internal static string Csv(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '-' or '@') value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    /// <summary>The workspace's spend over time: hour rows inside the hourly window, day (and folded month) rows otherwise.</summary>
    private static async Task<IReadOnlyList<SeriesPoint>> SeriesAsync(MainDbContext db, CostRange range, Guid workspaceId, string groupBy,
        CancellationToken ct)
    {
        if (range.Bucket == "hour")
        {
            var hours = db.CostHourRollups.AsNoTracking()
                .Where(s => s.WorkspaceId == workspaceId && s.PeriodStart >= range.From && s.PeriodStart < range.To);
            var hourGroups = groupBy switch
            {
                CostGrouping.Model => hours.GroupBy(s => new { s.PeriodStart, Key = s.Model }),
                CostGrouping.Provider => hours.GroupBy(s => new { s.PeriodStart, Key = s.Provider }),
                _ => hours.GroupBy(s => new { s.PeriodStart, Key = s.Service }),
            };
            return Bucketed(range, await hourGroups.Select(g => new SeriesPoint(g.Key.PeriodStart, g.Key.Key, g.Sum(s => s.CostUsd))).ToListAsync(ct));
        }
        var days = db.CostDayRollups.AsNoTracking()
            .Where(s => s.WorkspaceId == workspaceId && s.PeriodStart >= range.From && s.PeriodStart < range.To);
        var grouped = groupBy switch
        {
            CostGrouping.Model => days.GroupBy(s => new { s.PeriodStart, Key = s.Model }),
            CostGrouping.Provider => days.GroupBy(s => new { s.PeriodStart, Key = s.Provider }),
            _ => days.GroupBy(s => new { s.PeriodStart, Key = s.Service }),
        };
        return Bucketed(range, await grouped.Select(g => new SeriesPoint(g.Key.PeriodStart, g.Key.Key, g.Sum(s => s.CostUsd))).ToListAsync(ct));
    }

    /// <summary>Points in time order; month buckets sum the day (and folded month) rows of each month.</summary>
    private static IReadOnlyList<SeriesPoint> Bucketed(CostRange range, List<SeriesPoint> points)
    {
        if (range.Bucket != "month") return points.OrderBy(p => p.Bucket).ToList();
        return points.GroupBy(p => (Month: new DateTimeOffset(p.Bucket.UtcDateTime.Year, p.Bucket.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero), p.Key))
            .Select(g => new SeriesPoint(g.Key.Month, g.Key.Key, g.Sum(p => p.CostUsd))).OrderBy(p => p.Bucket).ToList();
    }

    private static IQueryable<AlertView> AlertsQuery(MainDbContext db, System.Linq.Expressions.Expression<Func<BudgetAlert, bool>> filter) =>
        from a in db.BudgetAlerts.AsNoTracking().Where(filter)
        join w in db.Workspaces on a.WorkspaceId equals w.Id
        orderby a.Resolved, a.TriggeredAt descending
        select new AlertView(a.Id, a.WorkspaceId, w.Name, a.Period, a.PeriodStart, a.ThresholdPercent, a.LimitUsd, a.SpendUsd,
            a.Severity, a.TriggeredAt, a.Resolved);

    private async Task<Dictionary<Guid, string>> ChatTitlesAsync(Guid workspaceId, Guid userId, List<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        try
        {
            await using var tenant = await tenants.OpenAsync(workspaceId, userId, ct);
            return await tenant.Chats.Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Title, ct);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException)
        {
            // Titles are decoration: a workspace database that is down must not hide its costs.
            logger.LogWarning(e, "Chat titles unavailable for workspace {Workspace}", workspaceId);
            return [];
        }
    }
}
