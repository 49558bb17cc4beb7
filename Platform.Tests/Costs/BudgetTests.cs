using Microsoft.EntityFrameworkCore;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Web.Ai;
using Platform.Web.Features.Costs;
using Platform.Web.Features.Workspaces;
using Platform.Web.Features.Costs.Budgets;
using Platform.Web.Features.Costs.Dashboard;

namespace Platform.Tests.Costs;

public class BudgetTests(CostsPlatform platform) : IClassFixture<CostsPlatform>
{
    [Fact]
    public async Task Fifty_concurrent_requests_at_the_edge_overshoot_by_at_most_one_request()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        await platform.SetBudgetAsync(ws, monthly: 1.00m);
        // Spend $0.50 through the guard first.
        var first = await platform.Guard.ReserveAsync(ws, owner, AiService.Llm, 0.50m);
        Assert.True(first.Allowed);
        await first.SettleAsync(0.50m);

        const decimal max = 0.10m;
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await platform.Guard.ReserveAsync(ws, owner, AiService.Llm, max);
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(tasks);

        var allowed = results.Where(r => r.Allowed).ToList();
        Assert.Equal(5, allowed.Count); // 0.50, 0.60, 0.70, 0.80, 0.90 are under $1.00: exactly five fit
        Assert.All(results.Where(r => !r.Allowed), r => Assert.Contains("monthly AI budget", r.Refusal));
        foreach (var r in allowed) await r.SettleAsync(max); // every call used its maximum

        var ledger = await LedgerAsync(ws);
        Assert.Equal(0m, ledger.ReservedUsd);
        Assert.True(ledger.SpentUsd <= 1.00m + max, $"spent {ledger.SpentUsd}");
        Assert.False((await platform.Guard.ReserveAsync(ws, owner, AiService.Llm, 0.01m)).Allowed);
    }

    [Fact]
    public async Task Settling_releases_the_unused_part_and_counts_once()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        await platform.SetBudgetAsync(ws, monthly: 1.00m);
        var r = await platform.Guard.ReserveAsync(ws, owner, AiService.Llm, 0.80m);
        Assert.True(r.Allowed);
        Assert.Equal(0.80m, (await LedgerAsync(ws)).ReservedUsd);
        await r.SettleAsync(0.05m);
        await r.SettleAsync(0.05m); // a second settle (finally after catch) must not count twice
        var ledger = await LedgerAsync(ws);
        Assert.Equal(0m, ledger.ReservedUsd);
        Assert.Equal(0.05m, ledger.SpentUsd);
    }

    [Fact]
    public async Task Spend_recorded_without_the_guard_counts_against_the_budget()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        await platform.SetBudgetAsync(ws, monthly: 0.01m);
        platform.Recorder.Record(CostsPlatform.Usage(ws, owner, "gpt-4o", 10_000, 1_000)); // $0.035
        await platform.FlushAsync();
        var refused = await platform.Guard.ReserveAsync(ws, owner, AiService.Llm, 0.001m);
        Assert.False(refused.Allowed);
        Assert.Contains("$0.04 of $0.01", refused.Refusal); // $0.035 shown to the cent
        Assert.Contains("resets in", refused.Refusal);
    }

    [Fact]
    public async Task Warn_only_lets_calls_through_with_a_warning()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        await platform.SetBudgetAsync(ws, monthly: 0.10m, warnOnly: true);
        var a = await platform.Guard.ReserveAsync(ws, owner, AiService.Llm, 0.10m);
        await a.SettleAsync(0.10m);
        var b = await platform.Guard.ReserveAsync(ws, owner, AiService.Llm, 0.10m);
        Assert.True(b.Allowed);
        Assert.Contains("warn only", b.Warning);
    }

    [Fact]
    public async Task No_budget_means_no_limit_and_a_daily_limit_binds_on_its_own()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        Assert.True((await platform.Guard.ReserveAsync(ws, owner, AiService.Llm, 1000m)).Allowed);
        await platform.SetBudgetAsync(ws, monthly: null, daily: 0.05m);
        var r = await platform.Guard.ReserveAsync(ws, owner, AiService.Llm, 0.05m);
        Assert.True(r.Allowed);
        await r.SettleAsync(0.05m);
        var refused = await platform.Guard.ReserveAsync(ws, owner, AiService.Llm, 0.01m);
        Assert.False(refused.Allowed);
        Assert.Contains("daily AI budget", refused.Refusal);
    }

    [Fact]
    public async Task Thresholds_raise_alerts_once_per_period_and_email_the_owners()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        await platform.SetBudgetAsync(ws, monthly: 0.10m, thresholds: [50, 100]);
        // $0.06 → crosses 50 %.
        platform.Recorder.Record(CostsPlatform.Usage(ws, owner, "gpt-4o", 4_000, 5_000)); // 0.01 + 0.05 = $0.06
        await platform.FlushAsync();
        Assert.Equal([50], (await AlertsAsync(ws)).Select(a => a.ThresholdPercent));
        // More spend under 100 %: still one alert.
        platform.Recorder.Record(CostsPlatform.Usage(ws, owner, "gpt-4o", 4_000, 0)); // $0.01
        await platform.FlushAsync();
        Assert.Single(await AlertsAsync(ws));
        // Past 100 %: a critical alert, once, however many events follow.
        for (var i = 0; i < 3; i++)
        {
            platform.Recorder.Record(CostsPlatform.Usage(ws, owner, "gpt-4o", 4_000, 2_000)); // $0.03 each
            await platform.FlushAsync();
        }
        var alerts = await AlertsAsync(ws);
        Assert.Equal([50, 100], alerts.Select(a => a.ThresholdPercent).Order());
        Assert.Equal("critical", alerts.Single(a => a.ThresholdPercent == 100).Severity);
        Assert.All(alerts, a => Assert.Equal(1, a.NotificationsSent));

        await using var db = await platform.Main.OpenAsync(DbSession.None);
        var ownerEmail = (await db.Users.SingleAsync(u => u.Id == owner)).Email;
        var mails = await db.OutboxEmails.Where(m => m.To == ownerEmail).ToListAsync();
        Assert.Equal(2, mails.Count);
        Assert.Contains(mails, m => m.Subject.Contains("100 % of the monthly AI budget"));

        // What the dashboard, the badge and the admin console read.
        var queries = platform.Get<CostQueries>();
        var views = await queries.AlertsAsync(ws, owner, unresolvedOnly: true);
        Assert.Equal(2, views.Count);
        Assert.Equal(2, await queries.UnresolvedAlertCountAsync(ws, owner));
        var now = DateTimeOffset.UtcNow;
        var admin = await queries.AdminAsync(await platform.CreatePlatformAdminAsync(), CostPeriod.Resolve(CostPeriod.Month, now));
        Assert.Equal(2, admin.FiringAlerts.Count(a => a.WorkspaceId == ws));
        Assert.Contains(admin.TopWorkspaces, w => w.Key == ws.ToString() && w.CostUsd == 0.16m);
        var gauge = Assert.Single(await queries.GaugesAsync(ws, owner, now));
        Assert.Equal((0.10m, 0.16m), (gauge.LimitUsd, gauge.SpentUsd));

        var csv = new StringWriter();
        await queries.WriteCsvAsync(ws, owner, CostPeriod.Resolve(CostPeriod.Today, now), csv);
        var lines = csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, lines.Length); // header + 5 events
        Assert.StartsWith("occurred_at,service,provider,model", lines[0]);
    }

    [Fact]
    public async Task Budgets_change_only_with_manage_budgets_checked_in_the_service()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var access = new WorkspaceAccess(ws, "W", "w", BuiltInRoles.Owner, WorkspaceStatus.Active);
        var member = await platform.AddMemberAsync(ws);
        var viewer = await platform.AddMemberAsync(ws, WorkspacePermission.ViewCosts);
        var manager = await platform.AddMemberAsync(ws, WorkspacePermission.ViewCosts, WorkspacePermission.ManageBudgets);
        var permissions = platform.Get<CostPermissions>();
        Assert.True(await permissions.CanViewCostsAsync(ws, owner));
        Assert.False(await permissions.CanViewCostsAsync(ws, member));
        Assert.True(await permissions.CanViewCostsAsync(ws, viewer));
        Assert.False(await permissions.CanViewCostsAsync(ws, Guid.NewGuid()));

        var budgets = platform.Get<BudgetService>();
        // The access record a page passes is not trusted: the service reads the grant of the user itself.
        foreach (var refusedUser in new[] { member, viewer, Guid.NewGuid() })
        {
            var refused = await budgets.SaveAsync(access, refusedUser, new BudgetInput { MonthlyLimitUsd = 1 });
            Assert.False(refused.Ok);
            Assert.False(string.IsNullOrEmpty(refused.Error));
        }
        await Assert.ThrowsAsync<WorkspaceAccessDeniedException>(() => budgets.GetAsync(access, member));
        Assert.Null((await budgets.GetAsync(access, owner)).MonthlyLimitUsd);

        Assert.False((await budgets.SaveAsync(access, owner, new BudgetInput { MonthlyLimitUsd = -1 })).Ok);
        Assert.False((await budgets.SaveAsync(access, owner, new BudgetInput { Thresholds = "50, lots" })).Ok);
        Assert.True((await budgets.SaveAsync(access, manager, new BudgetInput { MonthlyLimitUsd = 25, Thresholds = "80 50 100%", WarnOnly = true })).Ok);
        var saved = await budgets.GetAsync(access, viewer);
        Assert.Equal(25m, saved.MonthlyLimitUsd);
        Assert.Equal("50, 80, 100", saved.Thresholds);
        Assert.True(saved.WarnOnly);
    }

    [Fact]
    public async Task Dashboard_reads_refuse_members_without_view_costs_and_serve_a_custom_role_that_has_it()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var member = await platform.AddMemberAsync(ws);
        var viewer = await platform.AddMemberAsync(ws, WorkspacePermission.ViewCosts);
        platform.Recorder.Record(CostsPlatform.Usage(ws, owner, input: 1_000_000, output: 0)); // gpt-4o: $2.50
        await platform.FlushAsync();

        var queries = platform.Get<CostQueries>();
        var range = CostPeriod.Resolve(CostPeriod.Today, DateTimeOffset.UtcNow);
        await Assert.ThrowsAsync<WorkspaceAccessDeniedException>(() => queries.WorkspaceAsync(ws, member, range));
        await Assert.ThrowsAsync<WorkspaceAccessDeniedException>(() => queries.GaugesAsync(ws, member, DateTimeOffset.UtcNow));
        await Assert.ThrowsAsync<WorkspaceAccessDeniedException>(() => queries.RecentEventsAsync(ws, member, range, 10));
        await Assert.ThrowsAsync<WorkspaceAccessDeniedException>(() => queries.UnresolvedAlertCountAsync(ws, member));
        await Assert.ThrowsAsync<WorkspaceAccessDeniedException>(() => queries.WriteCsvAsync(ws, member, range, new StringWriter()));

        var dashboard = await queries.WorkspaceAsync(ws, viewer, range);
        Assert.Equal(2.50m, dashboard.TotalUsd);
        Assert.Single(await queries.RecentEventsAsync(ws, viewer, range, 10));
    }

    [Fact]
    public async Task Resolving_an_alert_needs_the_permission()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        await platform.SetBudgetAsync(ws, monthly: 0.01m, thresholds: [100]);
        platform.Recorder.Record(CostsPlatform.Usage(ws, owner, "gpt-4o", 10_000, 0));
        await platform.FlushAsync();
        var alert = Assert.Single(await AlertsAsync(ws));
        var access = new WorkspaceAccess(ws, "W", "w", BuiltInRoles.Owner, WorkspaceStatus.Active);
        var budgets = platform.Get<BudgetService>();
        var member = await platform.AddMemberAsync(ws);
        var viewer = await platform.AddMemberAsync(ws, WorkspacePermission.ViewCosts);
        Assert.False((await budgets.ResolveAlertAsync(access, member, alert.Id)).Ok);
        Assert.False((await budgets.ResolveAlertAsync(access, viewer, alert.Id)).Ok); // seeing money is not managing it
        Assert.Equal(1, await platform.Get<CostQueries>().UnresolvedAlertCountAsync(ws, owner));
        Assert.True((await budgets.ResolveAlertAsync(access, owner, alert.Id)).Ok);
        Assert.Equal(0, await platform.Get<CostQueries>().UnresolvedAlertCountAsync(ws, owner));
    }

    [Fact]
    public async Task Lowering_the_budget_below_the_spend_raises_the_alerts_at_once()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        platform.Recorder.Record(CostsPlatform.Usage(ws, owner, "gpt-4o", 10_000, 0)); // $0.025
        await platform.FlushAsync();
        Assert.Empty(await AlertsAsync(ws));
        var access = new WorkspaceAccess(ws, "W", "w", BuiltInRoles.Owner, WorkspaceStatus.Active);
        var budgets = platform.Get<BudgetService>();
        // Below what is already spent: nothing is saved until the user confirms, since it blocks AI at once.
        var asked = await budgets.SaveAsync(access, owner, new BudgetInput { MonthlyLimitUsd = 0.01m });
        Assert.False(asked.Ok);
        Assert.Contains("already spent $0.03", asked.Confirmation); // $0.025 to the cent
        Assert.Null((await budgets.GetAsync(access, owner)).MonthlyLimitUsd);
        Assert.True((await platform.Guard.ReserveAsync(ws, owner, AiService.Llm, 0.01m)).Allowed);
        Assert.True((await budgets.SaveAsync(access, owner, new BudgetInput { MonthlyLimitUsd = 0.01m }, belowSpendConfirmed: true)).Ok);
        Assert.Equal([50, 80, 100], (await AlertsAsync(ws)).Select(a => a.ThresholdPercent).Order());
        var refused = await platform.Guard.ReserveAsync(ws, owner, AiService.Llm, 0.01m);
        Assert.False(refused.Allowed);
        Assert.Contains("reached its monthly AI budget", refused.Refusal);
    }

    [Fact]
    public async Task A_limit_keeps_its_fractions_of_a_cent_and_refuses_what_it_cannot_store()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var access = new WorkspaceAccess(ws, "W", "w", BuiltInRoles.Owner, WorkspaceStatus.Active);
        var budgets = platform.Get<BudgetService>();

        // $0.0012 is stored as typed (it was rounded to $0.00, which blocked every AI call) and reads back as 0.0012.
        Assert.True((await budgets.SaveAsync(access, owner, new BudgetInput { MonthlyLimitUsd = 0.0012m, DailyLimitUsd = 0.5m })).Ok);
        var saved = await budgets.GetAsync(access, owner);
        Assert.Equal("0.0012", saved.MonthlyLimitUsd?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("0.5", saved.DailyLimitUsd?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True((await platform.Guard.ReserveAsync(ws, owner, AiService.Llm, 0.001m)).Allowed);
        await using (var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws)))
        {
            var audit = await db.AuditLog.Where(a => a.WorkspaceId == ws && a.Action == "costs.budget_changed").SingleAsync();
            Assert.Contains("0.0012", audit.Details);
        }

        // More places than numeric(18,6) holds: refused with a message, the saved limit unchanged.
        var refused = await budgets.SaveAsync(access, owner, new BudgetInput { MonthlyLimitUsd = 0.0000001m });
        Assert.False(refused.Ok);
        Assert.Contains("at most 6 decimal places", refused.Error);
        Assert.Equal(0.0012m, (await budgets.GetAsync(access, owner)).MonthlyLimitUsd);
    }

    private async Task<List<BudgetAlert>> AlertsAsync(Guid ws)
    {
        await using var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws));
        return await db.BudgetAlerts.Where(a => a.WorkspaceId == ws).ToListAsync();
    }

    private async Task<BudgetLedger> LedgerAsync(Guid ws)
    {
        await using var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws));
        return await db.BudgetLedgers.SingleAsync(l => l.WorkspaceId == ws && l.Period == BudgetPeriod.Month);
    }
}
