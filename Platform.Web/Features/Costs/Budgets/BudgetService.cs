using Microsoft.EntityFrameworkCore;
using Platform.Data.Main;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Web.Features.Workspaces;
using Platform.Web.Features.Costs.Recording;

namespace Platform.Web.Features.Costs.Budgets;

/// <summary>What an owner edits: empty limit = no limit for that period.</summary>
public sealed class BudgetInput
{
    public decimal? MonthlyLimitUsd { get; set; }
    public decimal? WeeklyLimitUsd { get; set; }
    public decimal? DailyLimitUsd { get; set; }
    public string Thresholds { get; set; } = "50, 80, 100";
    public bool WarnOnly { get; set; }
}

/// <summary><see cref="Confirmation"/> is set when nothing was saved because the change needs the user's "yes" first.</summary>
public sealed record CostsResult(bool Ok, string? Error = null, string? Confirmation = null)
{
    public static readonly CostsResult Success = new(true);
    public static CostsResult Fail(string error) => new(false, error);
    public static CostsResult Confirm(string question) => new(false, Confirmation: question);
}

/// <summary>Budgets and alerts of the current workspace; permission checked here, not only in the page.</summary>
public sealed class BudgetService(MainDbFactory main, CostEventStore store, CostNotifications notifications, CostPermissions permissions,
    TimeProvider clock)
{
    /// <summary>Decimal places a limit keeps: the scale of budgets.*_limit_usd (numeric(18,6)), the same as cost amounts,
    /// so a limit of $0.0012 is stored as typed instead of being rounded to $0.00 (which blocks every AI call).</summary>
    public const int LimitScale = 6;

    public async Task<BudgetInput> GetAsync(WorkspaceAccess access, Guid userId, CancellationToken ct = default)
    {
        await permissions.RequireViewAsync(access.WorkspaceId, userId, ct);
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(access.WorkspaceId, userId), ct);
        var b = await db.Budgets.AsNoTracking().FirstOrDefaultAsync(x => x.WorkspaceId == access.WorkspaceId, ct);
        return b is null
            ? new BudgetInput()
            : new BudgetInput
            {
                MonthlyLimitUsd = Trim(b.MonthlyLimitUsd), WeeklyLimitUsd = Trim(b.WeeklyLimitUsd), DailyLimitUsd = Trim(b.DailyLimitUsd),
                Thresholds = string.Join(", ", b.ThresholdsPercent), WarnOnly = b.WarnOnly,
            };
    }

    /// <summary>Saves the budget. A limit below what its period has already spent blocks AI calls at once, so unless
    /// <paramref name="belowSpendConfirmed"/> it is not saved and the result asks for a confirmation instead.</summary>
    public async Task<CostsResult> SaveAsync(WorkspaceAccess access, Guid userId, BudgetInput input, bool belowSpendConfirmed = false,
        CancellationToken ct = default)
    {
        if (await permissions.CheckManageAsync(access.WorkspaceId, userId, ct) is { } refusal) return CostsResult.Fail(refusal.Message);
        var limits = new[] { (BudgetPeriod.Month, input.MonthlyLimitUsd), (BudgetPeriod.Week, input.WeeklyLimitUsd), (BudgetPeriod.Day, input.DailyLimitUsd) };
        foreach (var (period, value) in limits)
        {
            var name = Capitalized(Money.PeriodAdjective(period));
            if (value is < 0 or > 10_000_000m) return CostsResult.Fail($"{name} limit must be between $0 and $10,000,000 (or empty for no limit).");
            if (value is { } v && v != Math.Round(v, LimitScale))
                return CostsResult.Fail($"{name} limit can have at most {LimitScale} decimal places (the smallest step is $0.000001).");
        }
        if (!TryParseThresholds(input.Thresholds, out var thresholds, out var error)) return CostsResult.Fail(error);

        await using var db = await main.OpenAsync(DbSession.ForWorkspace(access.WorkspaceId, userId), ct);
        var budget = await db.Budgets.FirstOrDefaultAsync(x => x.WorkspaceId == access.WorkspaceId, ct);
        if (!belowSpendConfirmed)
        {
            var now = clock.GetUtcNow();
            foreach (var (period, value) in limits)
            {
                // Only a changed limit asks: re-saving other settings next to an exceeded limit needs no new "yes".
                if (value is not { } limit || (budget is not null && BudgetPeriods.Limit(budget, period) == limit)) continue;
                var spent = await SpentSinceAsync(db, access.WorkspaceId, BudgetPeriods.Start(period, now), ct);
                if (limit < spent)
                    return CostsResult.Confirm($"This {Money.PeriodAdjective(period)} period has already spent {Money.Usd(spent)}, more than the " +
                        $"{Money.Usd(limit)} limit: AI calls will be blocked{(input.WarnOnly ? " (warn only is on, so they will only be flagged)" : "")} until the period resets. Save anyway?");
            }
        }
        var before = budget is null ? null : AuditView(budget);
        if (budget is null) db.Budgets.Add(budget = new Budget { WorkspaceId = access.WorkspaceId });
        budget.MonthlyLimitUsd = Trim(input.MonthlyLimitUsd);
        budget.WeeklyLimitUsd = Trim(input.WeeklyLimitUsd);
        budget.DailyLimitUsd = Trim(input.DailyLimitUsd);
        budget.ThresholdsPercent = thresholds;
        budget.WarnOnly = input.WarnOnly;
        budget.UpdatedByUserId = userId;
        budget.UpdatedAt = DateTimeOffset.UtcNow;
        await db.CommitAsync(AuditTrail.Entry(access.WorkspaceId, userId, "costs.budget_changed", "budget", budget.Id,
            new { from = before, to = AuditView(budget) }), ct);
        if ((await store.EvaluateAlertsAsync(access.WorkspaceId, ct)).Count > 0) notifications.RaiseAlerts(access.WorkspaceId);
        return CostsResult.Success;
    }

    public async Task<CostsResult> ResolveAlertAsync(WorkspaceAccess access, Guid userId, Guid alertId, CancellationToken ct = default)
    {
        if (await permissions.CheckManageAsync(access.WorkspaceId, userId, ct) is { } refusal) return CostsResult.Fail(refusal.Message);
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(access.WorkspaceId, userId), ct);
        var alert = await db.BudgetAlerts.FirstOrDefaultAsync(a => a.WorkspaceId == access.WorkspaceId && a.Id == alertId, ct);
        if (alert is null) return CostsResult.Fail("That alert no longer exists.");
        alert.Resolved = true;
        alert.ResolvedAt = DateTimeOffset.UtcNow;
        alert.ResolvedByUserId = userId;
        await db.CommitAsync(ct);
        return CostsResult.Success;
    }

    /// <summary>What the audit log records of a budget, before and after a change (the admin view shows the difference).</summary>
    private static object AuditView(Budget b) =>
        new
        {
            MonthlyLimitUsd = Trim(b.MonthlyLimitUsd), WeeklyLimitUsd = Trim(b.WeeklyLimitUsd), DailyLimitUsd = Trim(b.DailyLimitUsd),
            Thresholds = b.ThresholdsPercent, b.WarnOnly,
        };

    /// <summary>Spend of the workspace since a period's start, from the same daily rollups the dashboard's gauges read.</summary>
    private static Task<decimal> SpentSinceAsync(MainDbContext db, Guid workspaceId, DateTimeOffset start, CancellationToken ct) =>
        db.CostWorkspaceDayRollups.Where(s => s.WorkspaceId == workspaceId && s.PeriodStart >= start).SumAsync(s => s.CostUsd, ct);

    /// <summary>Drops trailing zeros (numeric(18,6) reads back as 0.001200): the field shows 0.0012, as typed.</summary>
    private static decimal? Trim(decimal? v) => v / 1.000000000000000000000000000000000m;

    private static string Capitalized(string s) => char.ToUpperInvariant(s[0]) + s[1..];

    internal static bool TryParseThresholds(string? text, out int[] thresholds, out string error)
    {
        thresholds = [];
        error = "";
        var parts = (text ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = new SortedSet<int>();
        foreach (var p in parts)
        {
            if (!int.TryParse(p.TrimEnd('%'), out var v) || v is < 1 or > 1000)
            {
                error = $"\"{p}\" is not a threshold: use whole percentages from 1 to 1000, e.g. 50, 80, 100.";
                return false;
            }
            values.Add(v);
        }
        if (values.Count > 10) { error = "At most 10 thresholds."; return false; }
        thresholds = values.ToArray();
        return true;
    }
}
