using Microsoft.EntityFrameworkCore;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Web.Features.Workspaces;

namespace Platform.Web.Features.Costs;

/// <summary>What an owner edits: empty limit = no limit for that period.</summary>
public sealed class BudgetInput
{
    public decimal? MonthlyLimitUsd { get; set; }
    public decimal? WeeklyLimitUsd { get; set; }
    public decimal? DailyLimitUsd { get; set; }
    public string Thresholds { get; set; } = "50, 80, 100";
    public bool WarnOnly { get; set; }
}

public sealed record CostsResult(bool Ok, string? Error = null)
{
    public static readonly CostsResult Success = new(true);
    public static CostsResult Fail(string error) => new(false, error);
}

/// <summary>Budgets and alerts of the current workspace; permission checked here, not only in the page.</summary>
public sealed class BudgetService(MainDbFactory main, CostEventStore store, CostNotifications notifications, CostPermissions permissions)
{
    public async Task<BudgetInput> GetAsync(WorkspaceAccess access, Guid userId, CancellationToken ct = default)
    {
        await permissions.RequireViewAsync(access.WorkspaceId, userId, ct);
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(access.WorkspaceId, userId), ct);
        var b = await db.Budgets.AsNoTracking().FirstOrDefaultAsync(x => x.WorkspaceId == access.WorkspaceId, ct);
        return b is null
            ? new BudgetInput()
            : new BudgetInput
            {
                MonthlyLimitUsd = b.MonthlyLimitUsd, WeeklyLimitUsd = b.WeeklyLimitUsd, DailyLimitUsd = b.DailyLimitUsd,
                Thresholds = string.Join(", ", b.ThresholdsPercent), WarnOnly = b.WarnOnly,
            };
    }

    public async Task<CostsResult> SaveAsync(WorkspaceAccess access, Guid userId, BudgetInput input, CancellationToken ct = default)
    {
        if (await permissions.CheckManageAsync(access.WorkspaceId, userId, ct) is { } refusal) return CostsResult.Fail(refusal);
        foreach (var (name, value) in new[] { ("Monthly", input.MonthlyLimitUsd), ("Weekly", input.WeeklyLimitUsd), ("Daily", input.DailyLimitUsd) })
            if (value is < 0 or > 10_000_000m) return CostsResult.Fail($"{name} limit must be between $0 and $10,000,000 (or empty for no limit).");
        if (!TryParseThresholds(input.Thresholds, out var thresholds, out var error)) return CostsResult.Fail(error);

        await using var db = await main.OpenAsync(DbSession.ForWorkspace(access.WorkspaceId, userId), ct);
        var budget = await db.Budgets.FirstOrDefaultAsync(x => x.WorkspaceId == access.WorkspaceId, ct);
        if (budget is null) db.Budgets.Add(budget = new Budget { WorkspaceId = access.WorkspaceId });
        budget.MonthlyLimitUsd = Round(input.MonthlyLimitUsd);
        budget.WeeklyLimitUsd = Round(input.WeeklyLimitUsd);
        budget.DailyLimitUsd = Round(input.DailyLimitUsd);
        budget.ThresholdsPercent = thresholds;
        budget.WarnOnly = input.WarnOnly;
        budget.UpdatedByUserId = userId;
        budget.UpdatedAt = DateTimeOffset.UtcNow;
        db.AuditLog.Add(new AuditLogEntry
        {
            WorkspaceId = access.WorkspaceId, UserId = userId, Action = "costs.budget_changed", TargetType = "budget",
            TargetId = budget.Id.ToString(),
            Details = System.Text.Json.JsonSerializer.Serialize(new { budget.MonthlyLimitUsd, budget.WeeklyLimitUsd, budget.DailyLimitUsd, thresholds, budget.WarnOnly }),
        });
        await db.SaveChangesAsync(ct);
        await db.Database.CommitTransactionAsync(ct);
        if ((await store.EvaluateAlertsAsync(access.WorkspaceId, ct)).Count > 0) notifications.RaiseAlerts(access.WorkspaceId);
        return CostsResult.Success;
    }

    public async Task<CostsResult> ResolveAlertAsync(WorkspaceAccess access, Guid userId, Guid alertId, CancellationToken ct = default)
    {
        if (await permissions.CheckManageAsync(access.WorkspaceId, userId, ct) is { } refusal) return CostsResult.Fail(refusal);
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(access.WorkspaceId, userId), ct);
        var alert = await db.BudgetAlerts.FirstOrDefaultAsync(a => a.WorkspaceId == access.WorkspaceId && a.Id == alertId, ct);
        if (alert is null) return CostsResult.Fail("That alert no longer exists.");
        alert.Resolved = true;
        alert.ResolvedAt = DateTimeOffset.UtcNow;
        alert.ResolvedByUserId = userId;
        await db.SaveChangesAsync(ct);
        await db.Database.CommitTransactionAsync(ct);
        return CostsResult.Success;
    }

    private static decimal? Round(decimal? v) => v is null ? null : Math.Round(v.Value, 2);

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
