using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Data;
using Platform.Data.Main;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Web.Ai;
using Platform.Web.Ai.Pricing;
using Platform.Web.Features.Costs;
using Platform.Web.Features.Costs.Recording;

namespace Platform.Bench.Costs;

/// <summary>
/// `./platform bench costs [--events N] [--workspaces N] [--keep]` — in a fresh database:
/// 1. N generated events (default 10M) over 90 days across the workspaces (skewed: a few big spenders), loaded
///    server-side into monthly partitions, every rollup grain built as the migration rebuilds it and folded as the
///    maintenance worker does; rollup rows as a fraction of events; then dashboard queries from rollups vs the same
///    answer from raw events (the seed's date_trunc + SUM), for one workspace (tenant view) and all (admin view),
///    and the p50 of every dashboard query from its rollup grain.
/// 2. Write path: the writer's batched COPY (staging + insert + rollups + alerts) vs EF SaveChanges per event.
/// 3. Recording latency on the chat path (Record() with the writer running) and rollup lag (Record → rollup row).
/// </summary>
public sealed class CostsBench : IBenchmark
{
    public string Name => "costs";


    public async Task RunAsync(string[] args, BenchReport report)
    {
        var events = BenchDatabase.Option(args, "--events", 10_000_000);
        var workspaceCount = BenchDatabase.Option(args, "--workspaces", 200);
        var database = await BenchDatabase.CreateAsync("costs");
        report.Note($"costs bench: {events:N0} events, {workspaceCount} workspaces, 90 days, database {database}");
        var services = BuildServices(database);
        try
        {
            await services.GetRequiredService<DatabaseMigrator>().MigrateAllAsync();
            var owner = BenchDatabase.For(BenchDatabase.OwnerTemplate, database);
            var workspaces = await CreateWorkspacesAsync(owner, workspaceCount);
            await LoadEventsAsync(services, owner, events, report);
            await DashboardQueriesAsync(BenchDatabase.For(BenchDatabase.AppTemplate, database), workspaces, report);
            await WritePathAsync(services, workspaces, report);
            await RecordingLatencyAndLagAsync(services, BenchDatabase.For(BenchDatabase.AppTemplate, database), workspaces, report);
        }
        finally
        {
            await services.DisposeAsync(); // closes the app role's pools, which the owner may not terminate
            if (!args.Contains("--keep")) await BenchDatabase.DropAsync(database);
        }
    }

    private static ServiceProvider BuildServices(string database)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Mode"] = "Local",
            ["Database:Main"] = BenchDatabase.For(BenchDatabase.AppTemplate, database),
            ["Database:MainOwner"] = BenchDatabase.For(BenchDatabase.OwnerTemplate, database),
            ["Database:AppRole"] = new NpgsqlConnectionStringBuilder(BenchDatabase.AppTemplate).Username,
            ["Pricing:Models:gpt-4o:InputPerMillion"] = "2.50",
            ["Pricing:Models:gpt-4o:OutputPerMillion"] = "10.00",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning).AddConsole());
        services.AddDataProtection();
        services.AddPlatformData(configuration);
        services.AddCostsFeature(configuration);
        return services.BuildServiceProvider();
    }

    private static async Task<List<Guid>> CreateWorkspacesAsync(string owner, int count)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7()).ToList();
        await using var c = new NpgsqlConnection(owner);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO main.workspaces (id, name, slug, plan, data_placement, status, settings, created_at)
            SELECT id, 'Bench ' || n, 'bench-' || n, 'Free', 'Platform', 'Active', '{}', now()
            FROM unnest(@ids) WITH ORDINALITY AS t(id, n)
            """, c);
        cmd.Parameters.AddWithValue("ids", ids.ToArray());
        await cmd.ExecuteNonQueryAsync();
        return ids;
    }

    /// <summary>Bulk generation happens inside PostgreSQL (the write path is measured separately): workspace i
    /// gets a share ∝ 1/sqrt of its rank, 5 users each, 40 chats, six service/model pairs priced as the table.</summary>
    private static async Task LoadEventsAsync(ServiceProvider services, string owner, long events, BenchReport report)
    {
        var sw = Stopwatch.StartNew();
        await using var c = new NpgsqlConnection(owner);
        await c.OpenAsync();
        // Monthly partitions for the 90 days generated (a live install has them from the worker or its legacy partition).
        await Exec(c, null, "SELECT main.ensure_monthly_partitions('cost_events', now() - interval '91 days', now())");
        await using var tx = await TenantSessionInterceptor.BeginAsync(c, DbSession.ForPlatformAdmin(Guid.Empty));
        await Exec(c, tx, """
            CREATE TEMP TABLE ws AS SELECT (row_number() OVER (ORDER BY id)) - 1 AS idx, id FROM main.workspaces;
            CREATE TEMP TABLE kinds (k int, service text, model text, in_price numeric, out_price numeric);
            INSERT INTO kinds VALUES (0,'llm','gpt-4o',2.5,10),(1,'llm','gpt-4o-mini',0.15,0.6),(2,'llm','gpt-4.1',2,8),
                (3,'embedding','text-embedding-3-small',0.02,0),(4,'vision','gpt-4o',2.5,10),(5,'voice_stt','whisper-1',6,0);
            """);
        await Exec(c, tx, $"""
            INSERT INTO main.cost_events (workspace_id, id, user_id, chat_id, service, provider, model, operation,
                input_tokens, output_tokens, cost_usd, latency_ms, success, occurred_at)
            SELECT ws.id, gen_random_uuid(), u.user_id, CASE WHEN k.service = 'llm' THEN u.chat_id END, k.service, 'openai', k.model, 'bench',
                   t.input_tokens, t.output_tokens,
                   round((t.input_tokens * k.in_price + t.output_tokens * k.out_price) / 1000000.0, 6),
                   200 + (g % 1500), g % 50 <> 0, now() - (random() * interval '90 days')
            FROM generate_series(1::bigint, {events}) AS g
            CROSS JOIN LATERAL (SELECT floor((SELECT count(*) FROM ws) * power(random(), 2))::int AS wi,
                                       (g % 6) AS ki,
                                       100 + (g * 7919) % 4000 AS input_tokens, (g * 104729) % 900 AS output_tokens) AS t
            JOIN ws ON ws.idx = t.wi
            JOIN kinds k ON k.k = t.ki
            CROSS JOIN LATERAL (SELECT md5(ws.id::text || (g % 5))::uuid AS user_id, md5(ws.id::text || 'c' || (g % 40))::uuid AS chat_id) AS u
            """);
        report.Note($"load: {events:N0} raw events generated in {sw.Elapsed.TotalSeconds:0.0} s");
        sw.Restart();
        // The same aggregation as the migration's rebuild of an existing install (month by month), at every grain.
        await Exec(c, tx, CostPartitionsSql.RebuildRollups);
        await tx.CommitAsync();
        report.Note($"load: rollups built from raw in {sw.Elapsed.TotalSeconds:0.0} s");
        sw.Restart();
        // What the maintenance worker then does: days before the daily-detail window folded into months, hour rows
        // outside today/yesterday deleted.
        var maintenance = services.GetRequiredService<CostMaintenance>();
        var folded = await maintenance.FoldOldRollupsAsync(DateTimeOffset.UtcNow);
        await maintenance.PruneHourRollupsAsync(DateTimeOffset.UtcNow);
        report.Note($"load: {folded:N0} old day rows folded into months in {sw.Elapsed.TotalSeconds:0.0} s");
        sw.Restart();
        await using (var vacuum = new NpgsqlCommand("VACUUM ANALYZE main.cost_events", c) { CommandTimeout = 0 }) await vacuum.ExecuteNonQueryAsync();
        long rollupRows = 0;
        var sizes = new List<string>();
        foreach (var table in RollupTables)
        {
            await using (var vacuum = new NpgsqlCommand($"VACUUM ANALYZE main.{table}", c) { CommandTimeout = 0 }) await vacuum.ExecuteNonQueryAsync();
            await using var count = new NpgsqlCommand($"SELECT count(*), pg_size_pretty(pg_total_relation_size('main.{table}')) FROM main.{table}", c);
            await Exec(c, null, "SELECT set_config('app.platform_admin', 'on', false)");
            await using var r = await count.ExecuteReaderAsync();
            await r.ReadAsync();
            rollupRows += r.GetInt64(0);
            sizes.Add($"{table} {r.GetInt64(0):N0} rows ({r.GetString(1)})");
        }
        await using (var size = new NpgsqlCommand("""
            SELECT pg_size_pretty(sum(pg_total_relation_size(i.inhrelid))) FROM pg_inherits i WHERE i.inhparent = 'main.cost_events'::regclass
            """, c))
            report.Note($"load: vacuum analyze {sw.Elapsed.TotalSeconds:0.0} s; cost_events {await size.ExecuteScalarAsync()} in monthly partitions");
        report.Note($"rollups: {string.Join("; ", sizes)}");
        var fraction = rollupRows / (double)events;
        report.Note($"rollup rows: {rollupRows:N0} = {fraction:P2} of {events:N0} events");
        report.Target("costs_rollup_rows_fraction", fraction, "<=0.10", fraction <= 0.10);
    }

    private static readonly string[] RollupTables =
        ["cost_rollup_hours", "cost_rollup_days", "cost_rollup_user_days", "cost_rollup_workspace_days", "cost_rollup_platform_days", "cost_chat_totals"];

    // The seed's dashboard query (multi-tenant-schema-rls-pgvector-costs.md, getCostSummary): date_trunc + SUM over raw events.
    private const string RawTenant = """
        SELECT date_trunc('day', occurred_at) AS d, service, sum(cost_usd), sum(input_tokens + output_tokens)
        FROM main.cost_events WHERE workspace_id = @w AND occurred_at >= @from AND occurred_at <= @to
        GROUP BY 1, 2 ORDER BY 1, 2
        """;
    private const string RollupTenant = """
        SELECT period_start AS d, service, sum(cost_usd), sum(input_tokens + output_tokens)
        FROM main.cost_rollup_days WHERE workspace_id = @w AND period_start >= @from AND period_start <= @to
        GROUP BY 1, 2 ORDER BY 1, 2
        """;
    private const string RawAdmin = """
        SELECT date_trunc('day', occurred_at) AS d, service, sum(cost_usd), sum(input_tokens + output_tokens)
        FROM main.cost_events WHERE occurred_at >= @from AND occurred_at <= @to
        GROUP BY 1, 2 ORDER BY 1, 2
        """;
    private const string RollupAdmin = """
        SELECT period_start AS d, service, sum(cost_usd), sum(input_tokens + output_tokens)
        FROM main.cost_rollup_platform_days WHERE period_start >= @from AND period_start <= @to
        GROUP BY 1, 2 ORDER BY 1, 2
        """;
    private const string RawTopSpenders = """
        SELECT workspace_id, sum(cost_usd) FROM main.cost_events WHERE occurred_at >= @from AND occurred_at <= @to
        GROUP BY 1 ORDER BY 2 DESC LIMIT 20
        """;
    private const string RollupTopSpenders = """
        SELECT workspace_id, sum(cost_usd) FROM main.cost_rollup_workspace_days WHERE period_start >= @from AND period_start <= @to
        GROUP BY 1 ORDER BY 2 DESC LIMIT 20
        """;

    private static async Task DashboardQueriesAsync(string app, List<Guid> workspaces, BenchReport report)
    {
        // Day-aligned 30-day window (the dashboard's "30 days"), in UTC so date_trunc of both sides agree.
        var today = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var from = today.AddDays(-29);
        var to = today.AddDays(1).AddTicks(-10); // inclusive end, microsecond precision
        await using var c = new NpgsqlConnection(app + ";Options=-c TimeZone=UTC");
        await c.OpenAsync();

        var big = workspaces[0]; // the biggest spender: the worst case for the raw query
        var typical = workspaces[workspaces.Count / 2];
        var tenantRaw = await TimeAsync(c, DbSession.ForWorkspace(big), RawTenant, big, from, to);
        var tenantRoll = await TimeAsync(c, DbSession.ForWorkspace(big), RollupTenant, big, from, to);
        var typicalRaw = await TimeAsync(c, DbSession.ForWorkspace(typical), RawTenant, typical, from, to);
        var typicalRoll = await TimeAsync(c, DbSession.ForWorkspace(typical), RollupTenant, typical, from, to);
        var admin = DbSession.ForPlatformAdmin(Guid.Empty);
        var adminRaw = await TimeAsync(c, admin, RawAdmin, null, from, to);
        var adminRoll = await TimeAsync(c, admin, RollupAdmin, null, from, to);
        var topRaw = await TimeAsync(c, admin, RawTopSpenders, null, from, to);
        var topRoll = await TimeAsync(c, admin, RollupTopSpenders, null, from, to);

        Same("tenant view (biggest workspace)", tenantRaw.Answer, tenantRoll.Answer);
        Same("tenant view (typical workspace)", typicalRaw.Answer, typicalRoll.Answer);
        Same("admin view", adminRaw.Answer, adminRoll.Answer);
        Same("top spenders", topRaw.Answer, topRoll.Answer);

        report.Note($"tenant view, biggest workspace, 30 days by day × service: raw {tenantRaw.Ms:0.00} ms ({tenantRaw.Rows} rows) vs rollups {tenantRoll.Ms:0.00} ms — same answer");
        report.Note($"tenant view, typical workspace: raw {typicalRaw.Ms:0.00} ms vs rollups {typicalRoll.Ms:0.00} ms");
        report.Note($"admin view, all workspaces, 30 days by day × service: raw {adminRaw.Ms:0.00} ms vs rollups {adminRoll.Ms:0.00} ms");
        report.Note($"admin top spenders, 30 days: raw {topRaw.Ms:0.00} ms vs rollups {topRoll.Ms:0.00} ms");
        var tenantRatio = tenantRaw.Ms / tenantRoll.Ms;
        var adminRatio = (adminRaw.Ms + topRaw.Ms) / (adminRoll.Ms + topRoll.Ms);
        report.Target("costs_tenant_view_rollup_speedup", tenantRatio, ">=50", tenantRatio >= 50);
        report.Target("costs_admin_view_rollup_speedup", adminRatio, ">=50", adminRatio >= 50);

        // Every query the dashboards run, from its rollup grain (the biggest workspace for the tenant ones).
        var yearFrom = new DateTimeOffset(today.Year, today.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-11);
        var monthStart = new DateTimeOffset(today.Year, today.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var dashboard = new (string Name, string Sql, bool Tenant, DateTimeOffset From, DateTimeOffset To)[]
        {
            ("tenant 30 d by service (totals)", "SELECT service, sum(event_count), sum(input_tokens), sum(output_tokens), sum(cost_usd) FROM main.cost_rollup_days WHERE workspace_id = @w AND period_start >= @from AND period_start < @to GROUP BY 1", true, from, to),
            ("tenant 30 d by model", "SELECT provider, model, sum(event_count), sum(input_tokens), sum(output_tokens), sum(cost_usd) FROM main.cost_rollup_days WHERE workspace_id = @w AND period_start >= @from AND period_start < @to GROUP BY 1, 2 ORDER BY sum(cost_usd) DESC", true, from, to),
            ("tenant 30 d series day × service", RollupTenant, true, from, to),
            ("tenant 30 d by user", "SELECT user_id, sum(event_count), sum(input_tokens), sum(output_tokens), sum(cost_usd) FROM main.cost_rollup_user_days WHERE workspace_id = @w AND period_start >= @from AND period_start < @to GROUP BY 1 ORDER BY 5 DESC LIMIT 20", true, from, to),
            ("tenant 30 d top chats", "SELECT chat_id, event_count, input_tokens, output_tokens, cost_usd FROM main.cost_chat_totals WHERE workspace_id = @w AND last_at >= @from AND first_at < @to ORDER BY cost_usd DESC LIMIT 10", true, from, to),
            ("tenant today series hour × service", "SELECT period_start, service, sum(cost_usd) FROM main.cost_rollup_hours WHERE workspace_id = @w AND period_start >= @from AND period_start < @to GROUP BY 1, 2", true, today, today.AddDays(1)),
            ("tenant 12 months series month × service", "SELECT date_trunc('month', period_start, 'UTC'), service, sum(cost_usd) FROM main.cost_rollup_days WHERE workspace_id = @w AND period_start >= @from AND period_start < @to GROUP BY 1, 2", true, yearFrom, to),
            ("budget gauge / alert check, month spend", "SELECT coalesce(sum(cost_usd), 0) FROM main.cost_rollup_workspace_days WHERE workspace_id = @w AND period_start >= @from", true, monthStart, to),
            ("admin 30 d series day × service", RollupAdmin, false, from, to),
            ("admin 30 d top workspaces", RollupTopSpenders, false, from, to),
            ("admin 30 d by provider × model", "SELECT provider, model, sum(event_count), sum(input_tokens), sum(output_tokens), sum(cost_usd) FROM main.cost_rollup_platform_days WHERE period_start >= @from AND period_start < @to GROUP BY 1, 2 ORDER BY 6 DESC LIMIT 30", false, from, to),
            ("admin 12 months series month × service", "SELECT date_trunc('month', period_start, 'UTC'), service, sum(cost_usd) FROM main.cost_rollup_platform_days WHERE period_start >= @from AND period_start < @to GROUP BY 1, 2", false, yearFrom, to),
        };
        var worst = 0.0;
        foreach (var (name, sql, tenant, qFrom, qTo) in dashboard)
        {
            var timed = await TimeAsync(c, tenant ? DbSession.ForWorkspace(big) : admin, sql, tenant ? big : null, qFrom, qTo);
            worst = Math.Max(worst, timed.Ms);
            report.Note($"dashboard query from rollups: {name}: p50 {timed.Ms:0.00} ms ({timed.Rows} rows)");
        }
        report.Target("costs_dashboard_query_p50_max_ms", worst, "<=10", worst <= 10);
    }

    private sealed record Timed(double Ms, int Rows, string Answer);

    /// <summary>Median of 7 runs after 2 warm-ups, each inside the session's transaction (RLS applies).</summary>
    private static async Task<Timed> TimeAsync(NpgsqlConnection c, DbSession session, string sql, Guid? workspace, DateTimeOffset from, DateTimeOffset to)
    {
        var times = new List<double>();
        string answer = "";
        var rows = 0;
        for (var i = 0; i < 9; i++)
        {
            await using var tx = await TenantSessionInterceptor.BeginAsync(c, session);
            await using var cmd = new NpgsqlCommand(sql, c, tx) { CommandTimeout = 0 };
            if (workspace is { } w) cmd.Parameters.AddWithValue("w", w);
            cmd.Parameters.AddWithValue("from", from);
            cmd.Parameters.AddWithValue("to", to);
            var sw = Stopwatch.StartNew();
            var lines = new List<string>();
            await using (var r = await cmd.ExecuteReaderAsync())
                while (await r.ReadAsync())
                    lines.Add(string.Join('|', Enumerable.Range(0, r.FieldCount).Select(f => Convert.ToString(r.GetValue(f), CultureInfo.InvariantCulture))));
            sw.Stop();
            await tx.RollbackAsync();
            if (i >= 2) times.Add(sw.Elapsed.TotalMilliseconds);
            answer = string.Join('\n', lines);
            rows = lines.Count;
        }
        times.Sort();
        return new Timed(times[times.Count / 2], rows, answer);
    }

    private static void Same(string what, string raw, string rollup)
    {
        // Timestamps print differently (timestamp vs timestamptz); compare the numbers column by column.
        static string Numbers(string s) => string.Join('\n', s.Split('\n').Select(l => string.Join('|', l.Split('|').Skip(1))));
        if (Numbers(raw) != Numbers(rollup))
            throw new InvalidOperationException($"{what}: rollups and raw events disagree\nraw:\n{raw[..Math.Min(raw.Length, 500)]}\nrollup:\n{rollup[..Math.Min(rollup.Length, 500)]}");
    }

    private static async Task WritePathAsync(ServiceProvider services, List<Guid> workspaces, BenchReport report)
    {
        var store = services.GetRequiredService<CostEventStore>();
        var prices = services.GetRequiredService<PriceTable>();
        var random = new Random(7);
        CostEvent NewEvent()
        {
            var usage = new AiUsage(workspaces[random.Next(workspaces.Count)], Guid.NewGuid(), AiService.Llm, "openai", "gpt-4o",
                random.Next(100, 4000), random.Next(0, 900), TimeSpan.FromMilliseconds(300), true, Guid.NewGuid());
            return CostEventFactory.Create(usage, prices.Quote(usage.Provider, usage.Model, usage.InputTokens, usage.OutputTokens).CostUsd);
        }

        const int copyEvents = 50_000;
        var batches = Enumerable.Range(0, copyEvents / 5000).Select(_ => Enumerable.Range(0, 5000).Select(_ => NewEvent()).ToList()).ToList();
        var sw = Stopwatch.StartNew();
        foreach (var batch in batches) await store.WriteAsync(batch);
        var copyRate = copyEvents / sw.Elapsed.TotalSeconds;

        const int efEvents = 2_000;
        var main = services.GetRequiredService<MainDbFactory>();
        var efBatch = Enumerable.Range(0, efEvents).Select(_ => NewEvent()).ToList();
        sw.Restart();
        foreach (var e in efBatch)
        {
            await using var db = await main.OpenAsync(DbSession.ForWorkspace(e.WorkspaceId));
            db.CostEvents.Add(e);
            await db.SaveChangesAsync();
            await db.Database.CommitTransactionAsync();
        }
        var efRate = efEvents / sw.Elapsed.TotalSeconds;
        report.Note($"write path: batched COPY (5,000/transaction, with rollups + alert check) {copyRate:N0} events/s vs EF SaveChanges per event (event only) {efRate:N0} events/s");
        report.Target("costs_copy_events_per_s", copyRate, ">=20000", copyRate >= 20000);
        report.Target("costs_copy_vs_savechanges", copyRate / efRate, ">=15", copyRate / efRate >= 15);
    }

    private static async Task RecordingLatencyAndLagAsync(ServiceProvider services, string app, List<Guid> workspaces, BenchReport report)
    {
        var recorder = services.GetRequiredService<CostRecorder>();
        var writer = services.GetRequiredService<CostEventWriter>();
        await writer.StartAsync(CancellationToken.None);
        try
        {
            // Chat-path cost: Record() as 4 concurrent "chat workers" call it, with the writer draining meanwhile.
            const int perThread = 50_000;
            var samples = new double[4][];
            await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
            {
                var mine = samples[t] = new double[perThread];
                for (var i = 0; i < perThread; i++)
                {
                    var usage = new AiUsage(workspaces[i % workspaces.Count], null, AiService.Llm, "openai", "gpt-4o", 1000, 200,
                        TimeSpan.FromMilliseconds(500), true);
                    var start = Stopwatch.GetTimestamp();
                    recorder.Record(usage);
                    mine[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
            })));
            var all = samples.SelectMany(s => s).Order().ToArray();
            var p95 = all[(int)(all.Length * 0.95)];
            var p99 = all[(int)(all.Length * 0.99)];
            report.Note($"recording on the chat path: {all.Length:N0} Record() calls, p50 {all[all.Length / 2] * 1000:0.00} µs, p95 {p95 * 1000:0.00} µs, p99 {p99 * 1000:0.00} µs, max {all[^1]:0.00} ms");
            report.Target("costs_record_p95_ms", p95, "<=1", p95 <= 1);
            await recorder.FlushAsync(TimeSpan.FromMinutes(5));

            // Rollup lag: from Record() until the event's money is in the day rollup (default 1 s flush interval).
            var lags = new List<double>();
            await using var c = new NpgsqlConnection(app);
            await c.OpenAsync();
            for (var i = 0; i < 10; i++)
            {
                var ws = workspaces[^(i + 1)];
                var chat = Guid.NewGuid();
                var sw = Stopwatch.StartNew();
                recorder.Record(new AiUsage(ws, null, AiService.Llm, "openai", "gpt-4o", 1000, 200, TimeSpan.FromMilliseconds(500), true, chat));
                while (sw.Elapsed < TimeSpan.FromSeconds(120))
                {
                    await using var tx = await TenantSessionInterceptor.BeginAsync(c, DbSession.ForWorkspace(ws));
                    await using var cmd = new NpgsqlCommand(
                        "SELECT count(*) FROM main.cost_chat_totals WHERE workspace_id = @w AND chat_id = @c", c, tx);
                    cmd.Parameters.AddWithValue("w", ws);
                    cmd.Parameters.AddWithValue("c", chat);
                    var found = (long)(await cmd.ExecuteScalarAsync())! > 0;
                    await tx.RollbackAsync();
                    if (found) break;
                    await Task.Delay(20);
                }
                lags.Add(sw.Elapsed.TotalSeconds);
            }
            report.Note($"rollup lag (Record → rollup row, flush interval 1 s): median {lags.Order().ElementAt(lags.Count / 2):0.00} s, max {lags.Max():0.00} s");
            report.Target("costs_rollup_lag_s", lags.Max(), "<=60", lags.Max() <= 60);
        }
        finally
        {
            await writer.StopAsync(CancellationToken.None);
        }
    }




    private static async Task Exec(NpgsqlConnection c, NpgsqlTransaction? tx, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c, tx) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync();
    }
}
