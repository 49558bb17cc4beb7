using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Web.Ai;

namespace Platform.Web.Features.Costs.Budgets;

/// <summary>
/// Reserve-before / settle-after budget enforcement. Each configured period (day, week, month) has a ledger row
/// per workspace; a reservation is ONE conditional upsert on it: "add my maximum cost to reserved, if spent plus
/// reserved is still under the limit". PostgreSQL serialises concurrent updates of that row and re-checks the
/// condition against the committed values, so at the edge of the budget exactly the requests that still fit
/// get through, and the total can exceed the limit by at most one request's maximum cost.
/// Spent = max(money settled through the guard, the rollups' sum) so calls that bypass the guard count too
/// (within the writer's flush interval).
/// </summary>
public sealed class BudgetGuard(
    DataSourceRegistry sources, IOptions<DatabaseOptions> database, CreditLimiter credits, TimeProvider clock,
    ILogger<BudgetGuard> logger) : IAiBudgetGuard
{
    private const string LoadBudget = """
        SELECT daily_limit_usd, weekly_limit_usd, monthly_limit_usd, warn_only FROM main.budgets WHERE workspace_id = @w
        """;

    private const string RolledUpSpend = """
        SELECT coalesce(sum(cost_usd), 0) FROM main.cost_rollup_workspace_days
        WHERE workspace_id = @w AND period_start >= @start
        """;

    private const string Reserve = """
        INSERT INTO main.budget_ledgers AS l (workspace_id, id, period, period_start, spent_usd, reserved_usd, updated_at)
        VALUES (@w, gen_random_uuid(), @period, @start, 0, @max, now())
        ON CONFLICT (workspace_id, period, period_start) DO UPDATE
            SET reserved_usd = l.reserved_usd + excluded.reserved_usd, updated_at = now()
            WHERE @warn_only OR greatest(l.spent_usd, @rolled_up) + l.reserved_usd < @limit
        RETURNING greatest(l.spent_usd, @rolled_up) + l.reserved_usd
        """;

    private const string LedgerRow = """
        SELECT spent_usd, reserved_usd FROM main.budget_ledgers WHERE workspace_id = @w AND period = @period AND period_start = @start
        """;

    private const string Settle = """
        UPDATE main.budget_ledgers SET reserved_usd = greatest(reserved_usd - @max, 0), spent_usd = spent_usd + @actual, updated_at = now()
        WHERE workspace_id = @w AND period = @period AND period_start = @start
        """;

    /// <summary>Shown when the database cannot be asked: AI calls stop rather than run unbilled past a limit.</summary>
    public const string Unavailable = "AI requests are paused for a moment: the budget check is unavailable. Please try again shortly.";

    public async Task<CreditResult> ConsumeCreditAsync(Guid workspaceId, Guid? userId, string kind, string? visitorId = null, CancellationToken ct = default)
    {
        try
        {
            return await credits.ConsumeAsync(workspaceId, userId, kind, visitorId, ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogError(e, "Credit check failed for workspace {Workspace}", workspaceId);
            return new CreditResult(false, Unavailable, null, null);
        }
    }

    public async Task RefundCreditAsync(Guid workspaceId, Guid? userId, string kind, string? visitorId = null, CancellationToken ct = default)
    {
        try
        {
            await credits.RefundAsync(workspaceId, userId, kind, visitorId, ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            // The failure being compensated is already on its way to the caller; a lost refund costs one credit.
            logger.LogError(e, "Credit refund failed for workspace {Workspace}", workspaceId);
        }
    }

    public async Task<BudgetReservation> ReserveAsync(Guid workspaceId, Guid? userId, string service, decimal maxCostUsd, CancellationToken ct = default)
    {
        if (maxCostUsd < 0) throw new ArgumentOutOfRangeException(nameof(maxCostUsd), "A maximum cost cannot be negative.");
        try
        {
            return await ReserveCoreAsync(workspaceId, userId, maxCostUsd, ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // Fail closed: the database holds the limits; without it a call could run past them unbilled.
            logger.LogError(e, "Budget check failed for workspace {Workspace}", workspaceId);
            return BudgetReservation.Refuse(Unavailable);
        }
    }

    private async Task<BudgetReservation> ReserveCoreAsync(Guid workspaceId, Guid? userId, decimal maxCostUsd, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var c = await sources.Get(database.Value.Main).OpenConnectionAsync(ct);
        await using var tx = await TenantSessionInterceptor.BeginAsync(c, DbSession.ForWorkspace(workspaceId, userId), ct);

        var budget = await LoadAsync(c, tx, workspaceId, ct);
        if (budget is null) return BudgetReservation.Allow(); // no budget: nothing to enforce or settle

        var reserved = new List<(string Period, DateTimeOffset Start)>();
        string? warning = null;
        // Always day → week → month: concurrent reservations lock the rows in the same order (no deadlocks).
        foreach (var period in BudgetPeriod.All)
        {
            if (BudgetPeriods.Limit(budget, period) is not { } limit) continue;
            var start = BudgetPeriods.Start(period, now);
            var rolledUp = await ScalarAsync(c, tx, RolledUpSpend, ct, ("w", workspaceId), ("start", start));
            var overBefore = limit <= 0 || rolledUp >= limit;
            decimal? total = overBefore && !budget.WarnOnly
                ? null
                : await ReserveRowAsync(c, tx, workspaceId, period, start, maxCostUsd, rolledUp, limit, budget.WarnOnly, ct);
            if (total is null)
            {
                var (spent, inFlight) = await LedgerAsync(c, tx, workspaceId, period, start, ct);
                await tx.RollbackAsync(ct);
                return BudgetReservation.Refuse(RefusalText(period, Math.Max(spent, rolledUp), inFlight, limit, now));
            }
            if (budget.WarnOnly && total.Value - maxCostUsd >= limit)
                warning = $"This workspace is over its {Money.PeriodAdjective(period)} AI budget of {Money.Usd(limit)} (warn only is on).";
            reserved.Add((period, start));
        }
        await tx.CommitAsync(ct);
        if (reserved.Count == 0) return BudgetReservation.Allow();

        var settled = 0;
        return new BudgetReservation(true, null, async actual =>
        {
            if (Interlocked.Exchange(ref settled, 1) == 1) return; // settling twice must not count twice
            await SettleAsync(workspaceId, userId, reserved, maxCostUsd, Math.Max(0, actual));
        }) { Warning = warning };
    }

    /// <summary>Says what was really spent (the settled ledger or the billed rollups, whichever is higher: never the
    /// limit itself), and what running answers hold when the refusal comes from their reservations.</summary>
    private static string RefusalText(string period, decimal spent, decimal reserved, decimal limit, DateTimeOffset now) =>
        $"This workspace has reached its {Money.PeriodAdjective(period)} AI budget ({Money.Usd(spent)} of {Money.Usd(limit)} used" +
        (spent < limit && reserved > 0 ? $", {Money.Usd(reserved)} reserved by answers being written). " : "). ") +
        $"New AI requests are paused until the budget resets in {Money.Duration(BudgetPeriods.End(period, now) - now)}, " +
        "or an owner raises the limit (or turns on \"warn only\") on the Costs page.";

    private async Task SettleAsync(Guid workspaceId, Guid? userId, List<(string Period, DateTimeOffset Start)> rows, decimal max, decimal actual)
    {
        try
        {
            await using var c = await sources.Get(database.Value.Main).OpenConnectionAsync();
            await using var tx = await TenantSessionInterceptor.BeginAsync(c, DbSession.ForWorkspace(workspaceId, userId));
            foreach (var (period, start) in rows)
            {
                await using var cmd = new NpgsqlCommand(Settle, c, tx);
                cmd.Parameters.AddWithValue("w", workspaceId);
                cmd.Parameters.AddWithValue("period", period);
                cmd.Parameters.AddWithValue("start", start);
                cmd.Parameters.AddWithValue("max", max);
                cmd.Parameters.AddWithValue("actual", actual);
                await cmd.ExecuteNonQueryAsync();
            }
            await tx.CommitAsync();
        }
        catch (NpgsqlException e)
        {
            // The event itself is still billed through the recorder; only the guard's counter lags (rollups catch it).
            logger.LogError(e, "Budget settle failed for workspace {Workspace} (reserved {Max}, actual {Actual})", workspaceId, max, actual);
        }
    }

    private static async Task<Budget?> LoadAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid workspaceId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(LoadBudget, c, tx);
        cmd.Parameters.AddWithValue("w", workspaceId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new Budget
        {
            WorkspaceId = workspaceId,
            DailyLimitUsd = r.IsDBNull(0) ? null : r.GetDecimal(0),
            WeeklyLimitUsd = r.IsDBNull(1) ? null : r.GetDecimal(1),
            MonthlyLimitUsd = r.IsDBNull(2) ? null : r.GetDecimal(2),
            WarnOnly = r.GetBoolean(3),
        };
    }

    /// <summary>The period's settled spend and open reservations (zeros before its first reservation).</summary>
    private static async Task<(decimal Spent, decimal Reserved)> LedgerAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid workspaceId,
        string period, DateTimeOffset start, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(LedgerRow, c, tx);
        cmd.Parameters.AddWithValue("w", workspaceId);
        cmd.Parameters.AddWithValue("period", period);
        cmd.Parameters.AddWithValue("start", start);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (r.GetDecimal(0), r.GetDecimal(1)) : (0m, 0m);
    }

    private static async Task<decimal?> ReserveRowAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid workspaceId, string period,
        DateTimeOffset start, decimal max, decimal rolledUp, decimal limit, bool warnOnly, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(Reserve, c, tx);
        cmd.Parameters.AddWithValue("w", workspaceId);
        cmd.Parameters.AddWithValue("period", period);
        cmd.Parameters.AddWithValue("start", start);
        cmd.Parameters.AddWithValue("max", max);
        cmd.Parameters.AddWithValue("rolled_up", rolledUp);
        cmd.Parameters.AddWithValue("limit", limit);
        cmd.Parameters.AddWithValue("warn_only", warnOnly);
        var result = await cmd.ExecuteScalarAsync(ct);
        return result is decimal d ? d : null;
    }

    private static async Task<decimal> ScalarAsync(NpgsqlConnection c, NpgsqlTransaction tx, string sql, CancellationToken ct,
        params (string Name, object Value)[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, c, tx);
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        return (decimal)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
