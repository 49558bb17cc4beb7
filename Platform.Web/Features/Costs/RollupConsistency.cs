using Npgsql;
using Microsoft.Extensions.Options;
using Platform.Data.Tenancy;

namespace Platform.Web.Features.Costs;

/// <summary>
/// Compares every rollup bucket (hour, day, user_day, chat_day) in a range with the raw events' count and sum. The writer
/// maintains both in one transaction, so any mismatch is a bug worth an alert, never expected drift.
/// Reads raw events: an operator's check (admin console, tests), not a dashboard query.
/// </summary>
public sealed class RollupConsistency(DataSourceRegistry sources, IOptions<DatabaseOptions> database, Admin.PlatformAdmins admins)
{
    private const string Sql = """
        WITH raw AS (
            SELECT workspace_id, 'hour'::text AS g, date_trunc('hour', occurred_at, 'UTC') AS p, count(*) AS n, sum(cost_usd) AS c
            FROM main.cost_events WHERE occurred_at >= @from AND occurred_at < @to GROUP BY 1, 3
            UNION ALL
            SELECT workspace_id, 'day', date_trunc('day', occurred_at, 'UTC'), count(*), sum(cost_usd)
            FROM main.cost_events WHERE occurred_at >= @from AND occurred_at < @to GROUP BY 1, 3
            UNION ALL
            SELECT workspace_id, 'user_day', date_trunc('day', occurred_at, 'UTC'), count(*), sum(cost_usd)
            FROM main.cost_events WHERE occurred_at >= @from AND occurred_at < @to GROUP BY 1, 3
            UNION ALL
            SELECT workspace_id, 'chat_day', date_trunc('day', occurred_at, 'UTC'), count(*), sum(cost_usd)
            FROM main.cost_events WHERE occurred_at >= @from AND occurred_at < @to AND chat_id IS NOT NULL GROUP BY 1, 3
        ), rolled AS (
            SELECT workspace_id, granularity AS g, period_start AS p, sum(event_count) AS n, sum(cost_usd) AS c
            FROM main.cost_summaries WHERE period_start >= @from AND period_start < @to GROUP BY 1, 2, 3
        )
        SELECT coalesce(r.workspace_id, s.workspace_id), coalesce(r.g, s.g), coalesce(r.p, s.p),
               coalesce(s.n, 0)::bigint, coalesce(r.n, 0)::bigint, coalesce(s.c, 0), coalesce(r.c, 0)
        FROM raw r FULL JOIN rolled s ON s.workspace_id = r.workspace_id AND s.g = r.g AND s.p = r.p
        WHERE coalesce(s.n, 0) <> coalesce(r.n, 0) OR coalesce(s.c, 0) <> coalesce(r.c, 0)
        ORDER BY 3, 1, 2
        LIMIT 100
        """;

    /// <summary>Mismatching buckets in [from, to) (both aligned to whole hours); empty = consistent.</summary>
    /// <remarks>Platform admins only, checked in the database (throws <see cref="Workspaces.WorkspaceAccessDeniedException"/>).</remarks>
    public async Task<IReadOnlyList<RollupMismatch>> CheckAsync(Guid adminUserId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        await admins.RequireAsync(adminUserId, ct);
        await using var c = await sources.Get(database.Value.Main).OpenConnectionAsync(ct);
        await using var tx = await TenantSessionInterceptor.BeginAsync(c, DbSession.ForPlatformAdmin(adminUserId), ct);
        await using var cmd = new NpgsqlCommand(Sql, c, tx) { CommandTimeout = 600 };
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        var result = new List<RollupMismatch>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            result.Add(new RollupMismatch(r.GetGuid(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2), r.GetInt64(3), r.GetInt64(4), r.GetDecimal(5), r.GetDecimal(6)));
        return result;
    }
}
