using Npgsql;
using Microsoft.Extensions.Options;
using Platform.Data.Tenancy;
using Platform.Web.Features.Costs.Recording;

namespace Platform.Web.Features.Costs.Dashboard;

/// <summary>
/// Compares every rollup grain (hour, day, user × day, workspace × day, platform × day, chat running totals) with the
/// raw events' count and sum, for the part of a range that still has raw events (retention drops old months of
/// them; the rollups keep their totals). Periods folded into months are compared per month. The writer maintains
/// events and rollups in one transaction, so any mismatch is a bug worth an alert, never expected drift.
/// Reads raw events: an operator's check (admin console, tests), not a dashboard query.
/// </summary>
public sealed class RollupConsistency(DataSourceRegistry sources, IOptions<DatabaseOptions> database, Admin.PlatformAdmins admins,
    RawEventCoverage coverage, IOptions<CostsOptions> options, TimeProvider clock)
{
    /// <summary>A rollup period's bucket as compared: its month before the daily-detail window, its day after.</summary>
    private const string Bucket = "CASE WHEN {0} < @daily_from THEN date_trunc('month', {0}, 'UTC') ELSE date_trunc('day', {0}, 'UTC') END";

    private static readonly string Sql = $$"""
        WITH events AS (
            SELECT * FROM main.cost_events WHERE occurred_at >= @from AND occurred_at < @to
        ), raw AS (
            SELECT workspace_id AS w, NULL::uuid AS k, 'day'::text AS g, {{string.Format(Bucket, "occurred_at")}} AS p, count(*) AS n, sum(cost_usd) AS c
            FROM events GROUP BY 1, 4
            UNION ALL
            SELECT workspace_id, coalesce(user_id, '00000000-0000-0000-0000-000000000000'::uuid), 'user_day', {{string.Format(Bucket, "occurred_at")}}, count(*), sum(cost_usd)
            FROM events GROUP BY 1, 2, 4
            UNION ALL
            SELECT workspace_id, NULL, 'workspace_day', {{string.Format(Bucket, "occurred_at")}}, count(*), sum(cost_usd)
            FROM events GROUP BY 1, 4
            UNION ALL
            SELECT '00000000-0000-0000-0000-000000000000'::uuid, NULL, 'platform_day', {{string.Format(Bucket, "occurred_at")}}, count(*), sum(cost_usd)
            FROM events GROUP BY 4
            UNION ALL
            SELECT workspace_id, NULL, 'hour', date_trunc('hour', occurred_at, 'UTC'), count(*), sum(cost_usd)
            FROM events WHERE occurred_at >= @hour_from GROUP BY 1, 4
            UNION ALL
            -- Chats active in the range: their whole history (running totals are all-time).
            SELECT e.workspace_id, e.chat_id, 'chat', NULL::timestamptz, count(*), sum(e.cost_usd)
            FROM main.cost_events e
            WHERE e.chat_id IS NOT NULL AND (e.workspace_id, e.chat_id) IN (SELECT workspace_id, chat_id FROM events WHERE chat_id IS NOT NULL)
            GROUP BY 1, 2
        ), rolled AS (
            SELECT workspace_id AS w, NULL::uuid AS k, 'day'::text AS g, {{string.Format(Bucket, "period_start")}} AS p, sum(event_count) AS n, sum(cost_usd) AS c
            FROM main.cost_rollup_days WHERE period_start >= @from AND period_start < @to GROUP BY 1, 4
            UNION ALL
            SELECT workspace_id, user_id, 'user_day', {{string.Format(Bucket, "period_start")}}, sum(event_count), sum(cost_usd)
            FROM main.cost_rollup_user_days WHERE period_start >= @from AND period_start < @to GROUP BY 1, 2, 4
            UNION ALL
            SELECT workspace_id, NULL, 'workspace_day', {{string.Format(Bucket, "period_start")}}, sum(event_count), sum(cost_usd)
            FROM main.cost_rollup_workspace_days WHERE period_start >= @from AND period_start < @to GROUP BY 1, 4
            UNION ALL
            SELECT '00000000-0000-0000-0000-000000000000'::uuid, NULL, 'platform_day', {{string.Format(Bucket, "period_start")}}, sum(event_count), sum(cost_usd)
            FROM main.cost_rollup_platform_days WHERE period_start >= @from AND period_start < @to GROUP BY 4
            UNION ALL
            SELECT workspace_id, NULL, 'hour', period_start, sum(event_count), sum(cost_usd)
            FROM main.cost_rollup_hours WHERE period_start >= greatest(@from, @hour_from) AND period_start < @to GROUP BY 1, 4
            UNION ALL
            SELECT workspace_id, chat_id, 'chat', NULL::timestamptz, event_count, cost_usd
            FROM main.cost_chat_totals WHERE last_at >= @from AND first_at < @to
        )
        SELECT coalesce(r.w, s.w), coalesce(r.g, s.g), coalesce(r.p, s.p), coalesce(r.k, s.k),
               coalesce(s.n, 0)::bigint, coalesce(r.n, 0)::bigint, coalesce(s.c, 0), coalesce(r.c, 0)
        FROM raw r FULL JOIN rolled s ON s.w = r.w AND s.g = r.g AND s.p IS NOT DISTINCT FROM r.p AND s.k IS NOT DISTINCT FROM r.k
        WHERE (coalesce(s.n, 0) <> coalesce(r.n, 0) OR coalesce(s.c, 0) <> coalesce(r.c, 0))
          -- A chat that began before the raw events kept: its total rightly holds more than the raw rows left.
          AND NOT (coalesce(r.g, s.g) = 'chat' AND EXISTS (SELECT 1 FROM main.cost_chat_totals t
                   WHERE t.workspace_id = coalesce(r.w, s.w) AND t.chat_id = coalesce(r.k, s.k) AND t.first_at < @raw_from))
        ORDER BY 3, 1, 2
        LIMIT 100
        """;

    /// <summary>Mismatching buckets in [from, to), widened to whole days (whole months where days are folded) and
    /// narrowed to the raw events still kept; empty = consistent.</summary>
    /// <remarks>Platform admins only, checked in the database (throws <see cref="Workspaces.WorkspaceAccessDeniedException"/>).</remarks>
    public async Task<IReadOnlyList<RollupMismatch>> CheckAsync(Guid adminUserId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        await admins.RequireAsync(adminUserId, ct);
        var now = clock.GetUtcNow();
        var dailyFrom = RollupWindows.DailyFrom(now, options.Value.DailyDetailMonths);
        var rawFrom = await coverage.CostEventsFromAsync(ct) ?? new DateTimeOffset(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);
        from = from.ToUniversalTime();
        to = to.ToUniversalTime();
        if (from < rawFrom) from = rawFrom; // retention drops whole months, so this stays month-aligned
        from = from < dailyFrom ? new DateTimeOffset(from.Year, from.Month, 1, 0, 0, 0, TimeSpan.Zero) : new DateTimeOffset(from.Date, TimeSpan.Zero);
        to = to.TimeOfDay == TimeSpan.Zero ? to : new DateTimeOffset(to.Date.AddDays(1), TimeSpan.Zero);
        if (to <= dailyFrom && to.Day != 1) to = new DateTimeOffset(to.Year, to.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);

        await using var c = await sources.Get(database.Value.Main).OpenConnectionAsync(ct);
        await using var tx = await TenantSessionInterceptor.BeginAsync(c, DbSession.ForPlatformAdmin(adminUserId), ct);
        await using var cmd = new NpgsqlCommand(Sql, c, tx) { CommandTimeout = 600 };
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        cmd.Parameters.AddWithValue("daily_from", dailyFrom);
        cmd.Parameters.AddWithValue("hour_from", RollupWindows.HourlyFrom(now));
        cmd.Parameters.AddWithValue("raw_from", rawFrom);
        var result = new List<RollupMismatch>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            result.Add(new RollupMismatch(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetFieldValue<DateTimeOffset>(2),
                r.IsDBNull(3) ? null : r.GetGuid(3), r.GetInt64(4), r.GetInt64(5), r.GetDecimal(6), r.GetDecimal(7)));
        return result;
    }
}
