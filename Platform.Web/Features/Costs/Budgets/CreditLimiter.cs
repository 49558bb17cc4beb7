using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Tenancy;
using Platform.Web.Ai;

namespace Platform.Web.Features.Costs.Budgets;

/// <summary>
/// Message credits and search/research call limits per tier and period (appsettings Costs:Tiers). One
/// conditional upsert per subject ("add one if still under the limit") makes the count exact under concurrency.
/// Tier: no signed-in user → anonymous; the workspace's plan Free → free, Pro/Enterprise → pro.
/// Enforced by the services that call AI (chat, search) — UI events in a circuit never pass HTTP middleware.
/// </summary>
public sealed class CreditLimiter(
    DataSourceRegistry sources, IOptions<DatabaseOptions> database, IOptions<CostsOptions> options, TimeProvider clock,
    ILogger<CreditLimiter> logger)
{
    // Column names come from this fixed map, never from input.
    private static readonly Dictionary<string, string> Columns = new()
    {
        [CreditKind.Message] = "message_credits_used",
        [CreditKind.Search] = "search_calls_used",
        [CreditKind.Research] = "research_calls_used",
    };

    private static string Consume(string column) => $"""
        INSERT INTO main.rate_limits AS r (workspace_id, id, user_id, visitor_id, tier, period_start, resets_at,
            message_credits_used, search_calls_used, research_calls_used, updated_at)
        VALUES (@w, gen_random_uuid(), @user, @visitor, @tier, @start, @resets, 0, 0, 0, now())
        ON CONFLICT (workspace_id, user_id, visitor_id, period_start) DO UPDATE SET tier = excluded.tier
        RETURNING r.{column}
        """;

    private static string Increment(string column) => $"""
        UPDATE main.rate_limits SET {column} = {column} + 1, updated_at = now()
        WHERE workspace_id = @w AND user_id IS NOT DISTINCT FROM @user AND visitor_id IS NOT DISTINCT FROM @visitor
          AND period_start = @start AND {column} < @limit
        RETURNING {column}
        """;

    private static string GiveBack(string column) => $"""
        UPDATE main.rate_limits SET {column} = greatest({column} - 1, 0), updated_at = now()
        WHERE workspace_id = @w AND user_id IS NOT DISTINCT FROM @user AND visitor_id IS NOT DISTINCT FROM @visitor
          AND period_start = @start
        """;

    public async Task<string> TierOfAsync(Guid workspaceId, Guid? userId, CancellationToken ct = default)
    {
        if (userId is null) return "anonymous";
        await using var c = await sources.Get(database.Value.Main).OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT plan FROM main.workspaces WHERE id = @w", c);
        cmd.Parameters.AddWithValue("w", workspaceId);
        var plan = await cmd.ExecuteScalarAsync(ct) as string;
        return plan is "Pro" or "Enterprise" ? "pro" : "free";
    }

    public CreditTier Tier(string name) =>
        options.Value.Tiers.TryGetValue(name, out var tier) ? tier : new CreditTier { Period = "month" }; // unknown tier: unlimited

    public async Task<CreditResult> ConsumeAsync(Guid workspaceId, Guid? userId, string kind, string? visitorId, CancellationToken ct = default)
    {
        if (!Columns.TryGetValue(kind, out var column)) throw new ArgumentOutOfRangeException(nameof(kind), kind, "message, search or research");
        var tierName = await TierOfAsync(workspaceId, userId, ct);
        var tier = Tier(tierName);
        var now = clock.GetUtcNow();
        var start = BudgetPeriods.Start(tier.Period, now);
        var resets = BudgetPeriods.End(tier.Period, now);
        var limit = tier.Limit(kind);
        if (userId is null && visitorId is null) visitorId = "anonymous";

        await using var c = await sources.Get(database.Value.Main).OpenConnectionAsync(ct);
        await using var tx = await TenantSessionInterceptor.BeginAsync(c, DbSession.ForWorkspace(workspaceId, userId), ct);
        var used = await TakeAsync(c, tx, column, workspaceId, userId, userId is null ? visitorId : null, tierName, start, resets, limit, ct);
        string? refusal = used is null ? Refusal(kind, tierName, limit ?? 0, resets - now) : null;

        // The workspace's shared pool (message credits only), after the user's own limit.
        if (refusal is null && kind == CreditKind.Message && tier.WorkspaceMessageCredits is { } pool)
        {
            var pooled = await TakeAsync(c, tx, column, workspaceId, null, null, tierName, start, resets, pool, ct);
            if (pooled is null)
                refusal = $"This workspace has used all {pool} shared message credits of its {Title(tierName)} plan. " +
                          $"They reset in {Money.Duration(resets - now)}.";
        }

        if (refusal is not null) await tx.RollbackAsync(ct);
        else await tx.CommitAsync(ct);
        await LogAsync(workspaceId, userId, visitorId, kind, refusal is null, ct);
        return refusal is null
            ? new CreditResult(true, null, limit is null ? null : limit - used, resets)
            : new CreditResult(false, refusal, 0, resets);
    }

    /// <summary>Gives back one credit a request consumed but did not use (its save failed after the charge): the
    /// user's own count and, for messages, the workspace's shared pool. A period that rolled over in between has
    /// nothing to give back to (the new period starts from zero anyway).</summary>
    public async Task RefundAsync(Guid workspaceId, Guid? userId, string kind, string? visitorId, CancellationToken ct = default)
    {
        if (!Columns.TryGetValue(kind, out var column)) throw new ArgumentOutOfRangeException(nameof(kind), kind, "message, search or research");
        var tierName = await TierOfAsync(workspaceId, userId, ct);
        var tier = Tier(tierName);
        var start = BudgetPeriods.Start(tier.Period, clock.GetUtcNow());
        if (userId is null && visitorId is null) visitorId = "anonymous";

        await using var c = await sources.Get(database.Value.Main).OpenConnectionAsync(ct);
        await using var tx = await TenantSessionInterceptor.BeginAsync(c, DbSession.ForWorkspace(workspaceId, userId), ct);
        await GiveBackAsync(c, tx, column, workspaceId, userId, userId is null ? visitorId : null, start, ct);
        if (kind == CreditKind.Message && tier.WorkspaceMessageCredits is not null)
            await GiveBackAsync(c, tx, column, workspaceId, null, null, start, ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Refunded one {Kind} credit in workspace {Workspace}", kind, workspaceId);
    }

    private static async Task GiveBackAsync(NpgsqlConnection c, NpgsqlTransaction tx, string column, Guid workspaceId, Guid? userId,
        string? visitorId, DateTimeOffset start, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(GiveBack(column), c, tx);
        AddSubject(cmd, workspaceId, userId, visitorId, start);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Used so far in the current period (for "usage vs credits").</summary>
    public async Task<CreditStatus> StatusAsync(Guid workspaceId, Guid userId, CancellationToken ct = default)
    {
        var tierName = await TierOfAsync(workspaceId, userId, ct);
        var tier = Tier(tierName);
        var now = clock.GetUtcNow();
        var start = BudgetPeriods.Start(tier.Period, now);
        await using var c = await sources.Get(database.Value.Main).OpenConnectionAsync(ct);
        await using var tx = await TenantSessionInterceptor.BeginAsync(c, DbSession.ForWorkspace(workspaceId, userId), ct);
        await using var cmd = new NpgsqlCommand("""
            SELECT message_credits_used, search_calls_used, research_calls_used FROM main.rate_limits
            WHERE workspace_id = @w AND user_id = @user AND visitor_id IS NULL AND period_start = @start
            """, c, tx);
        cmd.Parameters.AddWithValue("w", workspaceId);
        cmd.Parameters.AddWithValue("user", userId);
        cmd.Parameters.AddWithValue("start", start);
        int m = 0, s = 0, re = 0;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            if (await r.ReadAsync(ct)) (m, s, re) = (r.GetInt32(0), r.GetInt32(1), r.GetInt32(2));

        // What those credits bought: the user's requests of this period from the usage logs, one row per kind and
        // model (a row per kind labelled with its latest model put every message under the last model used).
        await using var usage = new NpgsqlCommand("""
            SELECT usage_type, count(*)::int, sum(credits_consumed)::int, coalesce(sum(tokens_used), 0)::bigint,
                   avg(request_duration_ms)::int, count(*) FILTER (WHERE NOT success)::int, model
            FROM main.usage_logs
            WHERE workspace_id = @w AND user_id = @user AND created_at >= @start
            GROUP BY usage_type, model ORDER BY usage_type, count(*) DESC, model NULLS LAST
            """, c, tx);
        usage.Parameters.AddWithValue("w", workspaceId);
        usage.Parameters.AddWithValue("user", userId);
        usage.Parameters.AddWithValue("start", start);
        var rows = new List<UsageSummary>();
        await using (var r = await usage.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                rows.Add(new UsageSummary(r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.GetInt64(3),
                    r.IsDBNull(4) ? null : r.GetInt32(4), r.GetInt32(5), r.IsDBNull(6) ? null : r.GetString(6)));
        return new CreditStatus(tierName, tier.Period, m, tier.MessageCredits, s, tier.SearchCalls, re, tier.ResearchCalls,
            BudgetPeriods.End(tier.Period, now)) { Usage = rows };
    }

    private static async Task<int?> TakeAsync(NpgsqlConnection c, NpgsqlTransaction tx, string column, Guid workspaceId, Guid? userId,
        string? visitorId, string tier, DateTimeOffset start, DateTimeOffset resets, int? limit, CancellationToken ct)
    {
        if (limit is <= 0) return null;
        await using (var ensure = new NpgsqlCommand(Consume(column), c, tx))
        {
            AddSubject(ensure, workspaceId, userId, visitorId, start);
            ensure.Parameters.AddWithValue("tier", tier);
            ensure.Parameters.AddWithValue("resets", resets);
            await ensure.ExecuteNonQueryAsync(ct);
        }
        await using var take = new NpgsqlCommand(Increment(column), c, tx);
        AddSubject(take, workspaceId, userId, visitorId, start);
        take.Parameters.AddWithValue("limit", limit ?? int.MaxValue);
        return await take.ExecuteScalarAsync(ct) is int used ? used : null;
    }

    private static void AddSubject(NpgsqlCommand cmd, Guid workspaceId, Guid? userId, string? visitorId, DateTimeOffset start)
    {
        cmd.Parameters.AddWithValue("w", workspaceId);
        cmd.Parameters.Add(new NpgsqlParameter<Guid?>("user", NpgsqlTypes.NpgsqlDbType.Uuid) { TypedValue = userId });
        cmd.Parameters.Add(new NpgsqlParameter<string?>("visitor", NpgsqlTypes.NpgsqlDbType.Varchar) { TypedValue = visitorId });
        cmd.Parameters.AddWithValue("start", start);
    }

    private async Task LogAsync(Guid workspaceId, Guid? userId, string? visitorId, string kind, bool allowed, CancellationToken ct)
    {
        try
        {
            await using var c = await sources.Get(database.Value.Main).OpenConnectionAsync(ct);
            await using var tx = await TenantSessionInterceptor.BeginAsync(c, DbSession.ForWorkspace(workspaceId, userId), ct);
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO main.usage_logs (workspace_id, id, user_id, visitor_id, usage_type, credits_consumed, success, created_at)
                VALUES (@w, @id, @user, @visitor, @type, @credits, @success, now())
                """, c, tx);
            cmd.Parameters.AddWithValue("w", workspaceId);
            cmd.Parameters.AddWithValue("id", Guid.CreateVersion7());
            cmd.Parameters.Add(new NpgsqlParameter<Guid?>("user", NpgsqlTypes.NpgsqlDbType.Uuid) { TypedValue = userId });
            cmd.Parameters.Add(new NpgsqlParameter<string?>("visitor", NpgsqlTypes.NpgsqlDbType.Varchar) { TypedValue = userId is null ? visitorId : null });
            cmd.Parameters.AddWithValue("type", kind);
            cmd.Parameters.AddWithValue("credits", allowed ? 1 : 0);
            cmd.Parameters.AddWithValue("success", allowed);
            await cmd.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (NpgsqlException e)
        {
            logger.LogWarning(e, "Usage log not written for workspace {Workspace}", workspaceId);
        }
    }

    private static string Refusal(string kind, string tier, int limit, TimeSpan resetsIn)
    {
        var what = kind switch { CreditKind.Message => "message credits", CreditKind.Search => "searches", _ => "research runs" };
        return limit <= 0
            ? $"The {Title(tier)} tier includes no {what}."
            : $"You have used all {limit} {what} of the {Title(tier)} tier. They reset in {Money.Duration(resetsIn)}.";
    }

    private static string Title(string tier) => tier.Length == 0 ? tier : char.ToUpperInvariant(tier[0]) + tier[1..];
}

/// <summary>A user's credits in the current period, for the dashboard's "usage vs credits".</summary>
public sealed record CreditStatus(string Tier, string Period, int MessagesUsed, int? MessageLimit, int SearchesUsed, int? SearchLimit,
    int ResearchUsed, int? ResearchLimit, DateTimeOffset ResetsAt)
{
    /// <summary>Per usage type (message, search, research) from the usage logs of the same period.</summary>
    public IReadOnlyList<UsageSummary> Usage { get; init; } = [];
}

/// <summary>Requests of one type in a period: credits they consumed, tokens, mean duration, failures, latest model.</summary>
public sealed record UsageSummary(string UsageType, int Requests, int Credits, long Tokens, int? AvgDurationMs, int Failed, string? Model);
