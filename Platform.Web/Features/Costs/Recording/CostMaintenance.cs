using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Main;
using Platform.Data.Tenancy;
using Platform.Web.Features.Costs.Dashboard;
using Platform.Web.Infrastructure;

namespace Platform.Web.Features.Costs.Recording;

/// <summary>
/// Keeps the billing tables in shape, every <see cref="CostsOptions.MaintenanceInterval"/>: monthly partitions of
/// cost_events and usage_logs created <see cref="CostPartitionsSql.MonthsAhead"/> months ahead; raw partitions older
/// than <see cref="CostsOptions.RawRetentionMonths"/> dropped (rollups stay); day rollups older than the daily-detail
/// window folded into month rows; hour rollups outside the hourly window deleted.
/// </summary>
/// <remarks>Partition DDL runs as the owner role (Database:MainOwner): the runtime role has DML only. Without an
/// owner connection, partitions come only from migrations (which create three months ahead) and retention is off.</remarks>
public sealed class CostMaintenance(
    DataSourceRegistry sources, IOptions<DatabaseOptions> database, IOptions<CostsOptions> options, TimeProvider clock,
    WorkerHeartbeats heartbeats, ILogger<CostMaintenance> logger) : BackgroundService
{
    public const string Name = "Cost maintenance";

    private static readonly DbSession Platform = DbSession.ForPlatformAdmin(Guid.Empty);
    private static readonly string[] PartitionedTables = ["cost_events", "usage_logs"];

    /// <summary>Rollup tables whose old days are folded into month rows, with their key columns.</summary>
    private static readonly (string Table, string Key)[] FoldedRollups =
    [
        ("cost_rollup_days", "workspace_id, period_start, service, provider, model"),
        ("cost_rollup_user_days", "workspace_id, period_start, user_id"),
        ("cost_rollup_workspace_days", "period_start, workspace_id"),
        ("cost_rollup_platform_days", "period_start, service, provider, model"),
    ];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        heartbeats.Register(Name, options.Value.MaintenanceInterval);
        try
        {
            // Not at the very start: start-up belongs to migrations (which create partitions months ahead anyway).
            await Task.Delay(TimeSpan.FromMinutes(1), stoppingToken);
            using var timer = new PeriodicTimer(options.Value.MaintenanceInterval);
            do await heartbeats.RoundAsync(Name, ct => RunAsync(clock.GetUtcNow(), ct), logger, stoppingToken);
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) { }
    }

    public async Task RunAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        await EnsurePartitionsAsync(now, ct);
        await ApplyRetentionAsync(now, ct);
        await FoldOldRollupsAsync(now, ct);
        await PruneHourRollupsAsync(now, ct);
    }

    /// <summary>Partitions from the current month through <see cref="CostPartitionsSql.MonthsAhead"/> months ahead.</summary>
    public async Task<int> EnsurePartitionsAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        if (OwnerConnection() is not { } owner) return 0;
        await using var c = await sources.Get(owner).OpenConnectionAsync(ct);
        var created = 0;
        foreach (var table in PartitionedTables)
        {
            await using var cmd = new NpgsqlCommand("SELECT main.ensure_monthly_partitions(@t, @from, @to)", c);
            cmd.Parameters.AddWithValue("t", table);
            cmd.Parameters.AddWithValue("from", now);
            cmd.Parameters.AddWithValue("to", now.AddMonths(CostPartitionsSql.MonthsAhead));
            created += (int)(await cmd.ExecuteScalarAsync(ct))!;
        }
        if (created > 0)
        {
            // New partitions get the same forced RLS, policies and grants as every workspace table (the invariant the
            // security catalog checks), although the app only ever reaches them through their parent.
            await RowLevelSecurity.ApplyAsync(c, RowLevelSecurity.MainSchema, database.Value.AppRole, ct);
            logger.LogInformation("Created {Count} monthly billing partition(s) ahead", created);
        }
        return created;
    }

    /// <summary>Drops whole months of raw rows older than the retention, and records from when raw rows remain
    /// (same transaction), which the dashboard and the CSV export show. Returns the partitions dropped.</summary>
    public async Task<IReadOnlyList<string>> ApplyRetentionAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        if (options.Value.RawRetentionMonths is not > 0 || OwnerConnection() is not { } owner) return [];
        var cutoff = new DateTimeOffset(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero)
            .AddMonths(-options.Value.RawRetentionMonths.Value);
        await using var c = await sources.Get(owner).OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var dropped = new List<string>();
        foreach (var (table, key) in new[] { ("cost_events", RawEventCoverage.CostEventsKey), ("usage_logs", RawEventCoverage.UsageLogsKey) })
        {
            var before = dropped.Count;
            await using (var drop = new NpgsqlCommand("SELECT main.drop_partitions_before(@t, @cutoff)", c, tx))
            {
                drop.Parameters.AddWithValue("t", table);
                drop.Parameters.AddWithValue("cutoff", cutoff);
                await using var r = await drop.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct)) dropped.Add(r.GetString(0));
            }
            if (dropped.Count == before) continue;
            await using var state = new NpgsqlCommand("""
                INSERT INTO main.platform_state (key, value, updated_at) VALUES (@k, @v, now())
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()
                """, c, tx);
            state.Parameters.AddWithValue("k", key);
            state.Parameters.AddWithValue("v", cutoff.UtcDateTime.ToString("O"));
            await state.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        if (dropped.Count > 0)
            logger.LogInformation("Retention ({Months} months): dropped raw partitions {Partitions}; rollups keep their totals",
                options.Value.RawRetentionMonths, string.Join(", ", dropped));
        return dropped;
    }

    /// <summary>Folds the day rows before the daily-detail window into the row of their month's first day (the
    /// month bucket), each table in one statement: delete the days, add their sums onto the month row.</summary>
    public async Task<long> FoldOldRollupsAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        var dailyFrom = RollupWindows.DailyFrom(now, options.Value.DailyDetailMonths);
        await using var c = await sources.Get(database.Value.Main).OpenConnectionAsync(ct);
        await using var tx = await TenantSessionInterceptor.BeginAsync(c, Platform, ct);
        long folded = 0;
        foreach (var (table, key) in FoldedRollups)
        {
            var values = key.Replace("period_start", "date_trunc('month', period_start, 'UTC')");
            await using var cmd = new NpgsqlCommand($"""
                WITH days AS (
                    DELETE FROM main.{table} WHERE period_start < @daily_from AND period_start <> date_trunc('month', period_start, 'UTC')
                    RETURNING *
                )
                INSERT INTO main.{table} AS r ({key}, {CostPartitionsSql.MeasureColumns})
                SELECT {values}, sum(event_count), sum(failed_count), sum(input_tokens), sum(output_tokens), sum(cost_usd), sum(latency_ms_total)
                FROM days GROUP BY {string.Join(", ", Enumerable.Range(1, key.Split(',').Length))}
                ON CONFLICT ({key}) DO UPDATE SET
                    event_count = r.event_count + excluded.event_count, failed_count = r.failed_count + excluded.failed_count,
                    input_tokens = r.input_tokens + excluded.input_tokens, output_tokens = r.output_tokens + excluded.output_tokens,
                    cost_usd = r.cost_usd + excluded.cost_usd, latency_ms_total = r.latency_ms_total + excluded.latency_ms_total
                """, c, tx) { CommandTimeout = 0 };
            cmd.Parameters.AddWithValue("daily_from", dailyFrom);
            folded += await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return folded;
    }

    /// <summary>Hour rows outside the hourly window (today and yesterday) go; the day rows hold the same money.</summary>
    public async Task<int> PruneHourRollupsAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        await using var c = await sources.Get(database.Value.Main).OpenConnectionAsync(ct);
        await using var tx = await TenantSessionInterceptor.BeginAsync(c, Platform, ct);
        await using var cmd = new NpgsqlCommand("DELETE FROM main.cost_rollup_hours WHERE period_start < @from", c, tx);
        cmd.Parameters.AddWithValue("from", RollupWindows.HourlyFrom(now));
        var pruned = await cmd.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return pruned;
    }

    private string? OwnerConnection()
    {
        var owner = database.Value.MainOwner;
        if (!string.IsNullOrWhiteSpace(owner)) return owner;
        logger.LogWarning("{Worker}: Database:MainOwner is not set; billing partitions come only from migrations and retention is off", Name);
        return null;
    }
}
