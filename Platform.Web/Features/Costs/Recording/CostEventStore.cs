using System.Net;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Platform.Data.Main;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;

namespace Platform.Web.Features.Costs.Recording;

/// <summary>A budget threshold crossed by the batch just written.</summary>
public sealed record RaisedAlert(Guid WorkspaceId, Guid AlertId, string Period, int ThresholdPercent, decimal LimitUsd, decimal SpendUsd, string Severity);

public sealed record BatchResult(int Inserted, IReadOnlyList<RaisedAlert> Alerts);

/// <summary>
/// Writes a batch of cost events in ONE transaction: binary COPY into a staging table, insert into
/// cost_events skipping ids already stored (a retried batch or a call recorded twice is billed once), upsert of
/// every rollup grain (hour, day, user × day, workspace × day, platform × day, chat running totals) from exactly the
/// rows inserted, and the budget thresholds those rows crossed.
/// Events and rollups therefore never disagree, and rollup lag is the writer's flush interval.
/// </summary>
/// <remarks>
/// Session choice: the billing writer runs as the platform-admin session, not per workspace. It is platform
/// code, not a request on a workspace's behalf: every row's workspace_id was stamped by the caller from the
/// circuit's membership-derived workspace. One transaction per batch keeps "events + rollups + alerts" atomic
/// and costs one round of statements whatever the number of workspaces in the batch; grouping by workspace
/// would mean up to one transaction per workspace per second (200 at the benchmark's scale). RLS still applies
/// (the admin scope is a policy predicate, not BYPASSRLS), and cost_events stays append-only even for it.
/// </remarks>
public sealed class CostEventStore(DataSourceRegistry sources, IOptions<DatabaseOptions> database)
{
    private static readonly DbSession Writer = DbSession.ForPlatformAdmin(Guid.Empty);

    private const string Staging = """
        CREATE TEMP TABLE cost_events_incoming (LIKE main.cost_events) ON COMMIT DROP
        """;

    private const string Copy = """
        COPY cost_events_incoming (workspace_id, id, user_id, visitor_id, chat_id, message_id, service, provider,
            model, operation, input_tokens, output_tokens, cost_usd, latency_ms, success, error, occurred_at)
        FROM STDIN (FORMAT BINARY)
        """;

    // Data-modifying CTEs all run to completion; rollups read only "inserted", so a duplicate adds nothing.
    // One upsert per grain (docs/adr/ADR-cost-rollup-grains.md): each touches one row per distinct key of the batch.
    // A call's id is unique per workspace, but the partitioned table's key also holds occurred_at: a call recorded
    // again with another timestamp (an interrupted answer billed by the recovery of a restarted server) is found
    // by a probe of the months around it (LATERAL … LIMIT 1: a nested loop whose partitions are pruned per row).
    private static readonly string InsertAndRollUp = $$"""
        WITH inserted AS (
            INSERT INTO main.cost_events
            SELECT DISTINCT ON (i.workspace_id, i.id) i.* FROM cost_events_incoming i
            LEFT JOIN LATERAL (
                SELECT true AS stored FROM main.cost_events e
                WHERE e.workspace_id = i.workspace_id AND e.id = i.id
                  AND e.occurred_at >= i.occurred_at - interval '{{DuplicateWindowDays}} days'
                  AND e.occurred_at < i.occurred_at + interval '{{DuplicateWindowDays}} days'
                LIMIT 1) x ON true
            WHERE x.stored IS NULL
            ORDER BY i.workspace_id, i.id, i.occurred_at
            ON CONFLICT DO NOTHING
            RETURNING workspace_id, id, user_id, visitor_id, chat_id, service, provider, model, operation, input_tokens,
                      output_tokens, cost_usd, latency_ms, success, occurred_at
        ), requests AS (
            -- One usage log per user request (the call that answers it), keyed by the call id; credits are
            -- folded in afterwards from the row the credit check wrote (see FillUsageLogs).
            INSERT INTO main.usage_logs (workspace_id, id, user_id, visitor_id, usage_type, model, credits_consumed,
                tokens_used, request_duration_ms, success, chat_id, created_at)
            SELECT workspace_id, id, user_id, visitor_id,
                   CASE operation WHEN 'answer' THEN 'message' ELSE operation END, model, 0,
                   input_tokens + output_tokens, least(latency_ms, 2147483647)::int, success, chat_id, occurred_at
            FROM inserted WHERE operation IN ('answer', 'search', 'research')
            ON CONFLICT DO NOTHING
        ), {{Rollup("hours", "cost_rollup_hours", "workspace_id, period_start, service, provider, model",
                "workspace_id, date_trunc('hour', occurred_at, 'UTC'), service, provider, model")}}
        ), {{Rollup("days", "cost_rollup_days", "workspace_id, period_start, service, provider, model",
                "workspace_id, date_trunc('day', occurred_at, 'UTC'), service, provider, model")}}
        ), {{Rollup("users", "cost_rollup_user_days", "workspace_id, period_start, user_id",
                "workspace_id, date_trunc('day', occurred_at, 'UTC'), coalesce(user_id, '00000000-0000-0000-0000-000000000000'::uuid)")}}
        ), {{Rollup("workspaces", "cost_rollup_workspace_days", "period_start, workspace_id",
                "date_trunc('day', occurred_at, 'UTC'), workspace_id")}}
        ), {{Rollup("platform", "cost_rollup_platform_days", "period_start, service, provider, model",
                "date_trunc('day', occurred_at, 'UTC'), service, provider, model")}}
        ), chats AS (
            INSERT INTO main.cost_chat_totals AS r (workspace_id, chat_id, first_at, last_at, {{CostPartitionsSql.MeasureColumns}})
            SELECT workspace_id, chat_id, min(occurred_at), max(occurred_at), {{CostPartitionsSql.Measures}}
            FROM inserted WHERE chat_id IS NOT NULL GROUP BY 1, 2
            ON CONFLICT (workspace_id, chat_id) DO UPDATE SET
                first_at = least(r.first_at, excluded.first_at), last_at = greatest(r.last_at, excluded.last_at), {{AddMeasures}}
        )
        SELECT workspace_id, count(*) FROM inserted GROUP BY workspace_id
        """;

    /// <summary>How far apart two records of the same call may be dated and still be billed once.</summary>
    public const int DuplicateWindowDays = 35;

    private const string AddMeasures = """
        event_count = r.event_count + excluded.event_count, failed_count = r.failed_count + excluded.failed_count,
                input_tokens = r.input_tokens + excluded.input_tokens, output_tokens = r.output_tokens + excluded.output_tokens,
                cost_usd = r.cost_usd + excluded.cost_usd, latency_ms_total = r.latency_ms_total + excluded.latency_ms_total
        """;

    /// <summary>One rollup grain as a CTE: the sums of the rows just inserted, grouped by the grain's key and added
    /// onto its existing row.</summary>
    private static string Rollup(string cte, string table, string key, string keyValues) => $"""
        {cte} AS (
            INSERT INTO main.{table} AS r ({key}, {CostPartitionsSql.MeasureColumns})
            SELECT {keyValues}, {CostPartitionsSql.Measures}
            FROM inserted GROUP BY {string.Join(", ", Enumerable.Range(1, key.Split(',').Length))}
            ON CONFLICT ({key}) DO UPDATE SET {AddMeasures}
        """;

    /// <summary>Thresholds crossed in the current day/week/month of the touched workspaces that have a budget.
    /// The unique (workspace, period, start, threshold) index makes each alert fire once per period.</summary>
    private const string RaiseAlerts = """
        WITH periods AS (
            SELECT b.workspace_id, p.period, p.start, p.limit_usd, b.thresholds_percent
            FROM main.budgets b
            CROSS JOIN LATERAL (VALUES
                ('day',   date_trunc('day',   now(), 'UTC'), b.daily_limit_usd),
                ('week',  date_trunc('week',  now(), 'UTC'), b.weekly_limit_usd),
                ('month', date_trunc('month', now(), 'UTC'), b.monthly_limit_usd)) AS p(period, start, limit_usd)
            WHERE b.workspace_id = ANY(@workspaces) AND p.limit_usd > 0
        ), spend AS (
            SELECT p.*, (SELECT coalesce(sum(s.cost_usd), 0) FROM main.cost_rollup_workspace_days s
                         WHERE s.workspace_id = p.workspace_id AND s.period_start >= p.start) AS spend_usd
            FROM periods p
        )
        INSERT INTO main.budget_alerts (workspace_id, id, period, period_start, threshold_percent, limit_usd, spend_usd,
            severity, notifications_sent, triggered_at, resolved)
        SELECT workspace_id, gen_random_uuid(), period, start, t, limit_usd, spend_usd,
               CASE WHEN t >= 100 THEN 'critical' ELSE 'warning' END, 0, now(), false
        FROM spend CROSS JOIN LATERAL unnest(thresholds_percent) AS t
        WHERE spend_usd >= limit_usd * t / 100.0
        ON CONFLICT (workspace_id, period, period_start, threshold_percent) DO NOTHING
        RETURNING workspace_id, id, period, threshold_percent, limit_usd, spend_usd, severity
        """;

    /// <summary>Request operations (AiUsage.Operation) that get a usage log row: the call that serves a user request.</summary>
    internal static readonly HashSet<string> RequestOperations = ["answer", "search", "research"];

    /// <summary>The credit check wrote a row (credits, no model) before the call; the call's row (model, tokens,
    /// duration, success) is merged into the latest such row of the same subject and kind, so each request is one
    /// row. A request that consumed no credit (no tier limit checked) keeps its own row with 0 credits.</summary>
    private const string FillUsageLogs = """
        WITH fresh AS (
            SELECT * FROM main.usage_logs WHERE id = ANY(@ids) AND model IS NOT NULL AND credits_consumed = 0
        ), pairs AS (
            SELECT DISTINCT ON (p.workspace_id, p.id) f.id AS fresh_id, p.workspace_id, p.id AS pending_id
            FROM fresh f
            CROSS JOIN LATERAL (
                SELECT p.workspace_id, p.id FROM main.usage_logs p
                WHERE p.workspace_id = f.workspace_id AND p.user_id IS NOT DISTINCT FROM f.user_id
                  AND (f.user_id IS NOT NULL OR p.visitor_id IS NOT DISTINCT FROM f.visitor_id)
                  AND p.usage_type = f.usage_type AND p.model IS NULL AND p.credits_consumed > 0
                  AND p.created_at <= f.created_at + interval '1 minute' AND p.created_at > f.created_at - interval '1 hour'
                ORDER BY p.created_at DESC LIMIT 1) p
            ORDER BY p.workspace_id, p.id, f.created_at
        ), filled AS (
            UPDATE main.usage_logs u SET model = f.model, tokens_used = f.tokens_used,
                request_duration_ms = f.request_duration_ms, success = f.success, chat_id = f.chat_id
            FROM pairs x JOIN fresh f ON f.id = x.fresh_id
            WHERE u.workspace_id = x.workspace_id AND u.id = x.pending_id
            RETURNING x.workspace_id, x.fresh_id
        )
        DELETE FROM main.usage_logs d USING filled WHERE d.workspace_id = filled.workspace_id AND d.id = filled.fresh_id
        """;

    private const string Owners = """
        SELECT u.email, w.name, w.slug FROM main.workspace_members m
        JOIN main.users u ON u.id = m.user_id JOIN main.workspaces w ON w.id = m.workspace_id
        WHERE m.workspace_id = @workspace AND m.role = 'owner' AND u.email IS NOT NULL
        """;

    public async Task<BatchResult> WriteAsync(IReadOnlyList<CostEvent> events, CancellationToken ct = default)
    {
        if (events.Count == 0) return new BatchResult(0, []);
        await using var connection = await sources.Get(database.Value.Main).OpenConnectionAsync(ct);
        await using var tx = await TenantSessionInterceptor.BeginAsync(connection, Writer, ct);

        await using (var create = new NpgsqlCommand(Staging, connection, tx)) await create.ExecuteNonQueryAsync(ct);
        await using (var importer = await connection.BeginBinaryImportAsync(Copy, ct))
        {
            foreach (var e in events) await WriteRowAsync(importer, e, ct);
            await importer.CompleteAsync(ct);
        }

        var touched = new List<Guid>();
        var inserted = 0L;
        await using (var insert = new NpgsqlCommand(InsertAndRollUp, connection, tx))
        await using (var reader = await insert.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                touched.Add(reader.GetGuid(0));
                inserted += reader.GetInt64(1);
            }

        var requestIds = events.Where(e => e.Operation is { } op && RequestOperations.Contains(op)).Select(e => e.Id).ToArray();
        if (requestIds.Length > 0 && inserted > 0)
        {
            await using var fill = new NpgsqlCommand(FillUsageLogs, connection, tx);
            fill.Parameters.AddWithValue("ids", requestIds);
            await fill.ExecuteNonQueryAsync(ct);
        }

        var alerts = touched.Count == 0 ? [] : await RaiseAlertsAsync(connection, tx, touched, ct);
        await tx.CommitAsync(ct);
        return new BatchResult((int)inserted, alerts);
    }

    /// <summary>Checks one workspace's thresholds now (after its budget changed), in its own transaction:
    /// lowering a limit below what was already spent raises the alerts at once, not at the next AI call.</summary>
    public async Task<IReadOnlyList<RaisedAlert>> EvaluateAlertsAsync(Guid workspaceId, CancellationToken ct = default)
    {
        await using var connection = await sources.Get(database.Value.Main).OpenConnectionAsync(ct);
        await using var tx = await TenantSessionInterceptor.BeginAsync(connection, Writer, ct);
        var alerts = await RaiseAlertsAsync(connection, tx, [workspaceId], ct);
        await tx.CommitAsync(ct);
        return alerts;
    }

    private static async Task WriteRowAsync(NpgsqlBinaryImporter w, CostEvent e, CancellationToken ct)
    {
        await w.StartRowAsync(ct);
        await w.WriteAsync(e.WorkspaceId, NpgsqlDbType.Uuid, ct);
        await w.WriteAsync(e.Id, NpgsqlDbType.Uuid, ct);
        await WriteNullableAsync(w, e.UserId, ct);
        await WriteTextAsync(w, e.VisitorId, ct);
        await WriteNullableAsync(w, e.ChatId, ct);
        await WriteNullableAsync(w, e.MessageId, ct);
        await w.WriteAsync(e.Service, NpgsqlDbType.Varchar, ct);
        await w.WriteAsync(e.Provider, NpgsqlDbType.Varchar, ct);
        await w.WriteAsync(e.Model, NpgsqlDbType.Varchar, ct);
        await WriteTextAsync(w, e.Operation, ct);
        await w.WriteAsync(e.InputTokens, NpgsqlDbType.Bigint, ct);
        await w.WriteAsync(e.OutputTokens, NpgsqlDbType.Bigint, ct);
        await w.WriteAsync(e.CostUsd, NpgsqlDbType.Numeric, ct);
        await w.WriteAsync(e.LatencyMs, NpgsqlDbType.Integer, ct);
        await w.WriteAsync(e.Success, NpgsqlDbType.Boolean, ct);
        await WriteTextAsync(w, e.Error, ct);
        await w.WriteAsync(e.OccurredAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter w, Guid? value, CancellationToken ct) =>
        value is { } v ? w.WriteAsync(v, NpgsqlDbType.Uuid, ct) : w.WriteNullAsync(ct);

    private static Task WriteTextAsync(NpgsqlBinaryImporter w, string? value, CancellationToken ct) =>
        value is null ? w.WriteNullAsync(ct) : w.WriteAsync(value, NpgsqlDbType.Varchar, ct);

    private static async Task<IReadOnlyList<RaisedAlert>> RaiseAlertsAsync(NpgsqlConnection c, NpgsqlTransaction tx, List<Guid> workspaces, CancellationToken ct)
    {
        var alerts = new List<RaisedAlert>();
        await using (var cmd = new NpgsqlCommand(RaiseAlerts, c, tx))
        {
            cmd.Parameters.AddWithValue("workspaces", workspaces.ToArray());
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                alerts.Add(new RaisedAlert(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetInt32(3), r.GetDecimal(4), r.GetDecimal(5), r.GetString(6)));
        }
        foreach (var alert in alerts) await NotifyOwnersAsync(c, tx, alert, ct);
        return alerts;
    }

    /// <summary>Emails the workspace's owners through the outbox, in the same transaction as the alert.</summary>
    private static async Task NotifyOwnersAsync(NpgsqlConnection c, NpgsqlTransaction tx, RaisedAlert alert, CancellationToken ct)
    {
        var recipients = new List<(string Email, string Workspace, string Slug)>();
        await using (var owners = new NpgsqlCommand(Owners, c, tx))
        {
            owners.Parameters.AddWithValue("workspace", alert.WorkspaceId);
            await using var r = await owners.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) recipients.Add((r.GetString(0), r.GetString(1), r.GetString(2)));
        }
        foreach (var (email, workspace, slug) in recipients)
        {
            await using var mail = new NpgsqlCommand("""
                INSERT INTO main.email_outbox (id, "to", subject, html_body, created_at) VALUES (@id, @to, @subject, @body, now())
                """, c, tx);
            mail.Parameters.AddWithValue("id", Guid.CreateVersion7());
            mail.Parameters.AddWithValue("to", email);
            mail.Parameters.AddWithValue("subject", $"{workspace}: {alert.ThresholdPercent} % of the {Money.PeriodAdjective(alert.Period)} AI budget used");
            mail.Parameters.AddWithValue("body",
                $"<p>The workspace <b>{WebUtility.HtmlEncode(workspace)}</b> has spent {Money.Usd(alert.SpendUsd)} of its " +
                $"{Money.PeriodAdjective(alert.Period)} budget of {Money.Usd(alert.LimitUsd)} ({alert.ThresholdPercent} % threshold).</p>" +
                $"<p>See the costs dashboard: /w/{WebUtility.HtmlEncode(slug)}/costs</p>");
            await mail.ExecuteNonQueryAsync(ct);
        }
        await using var sent = new NpgsqlCommand(
            "UPDATE main.budget_alerts SET notifications_sent = @n WHERE workspace_id = @w AND id = @id", c, tx);
        sent.Parameters.AddWithValue("n", recipients.Count);
        sent.Parameters.AddWithValue("w", alert.WorkspaceId);
        sent.Parameters.AddWithValue("id", alert.AlertId);
        await sent.ExecuteNonQueryAsync(ct);
    }
}
