namespace Platform.Data.Main;

/// <summary>
/// SQL of the billing tables' monthly partitions (cost_events by occurred_at, usage_logs by created_at) and of the
/// rollup rebuild, used by the CostRollupGrains migration. The functions it installs are what the maintenance
/// worker (Features/Costs/Maintenance) calls as the owner role: partitions ahead of time, retention drops.
/// Partition names are &lt;table&gt;_pYYYY_MM; a converted install keeps its old table as one partition
/// (&lt;table&gt;_legacy) covering the months it already held, and a DEFAULT partition catches anything outside the
/// months created (a bill is never refused for lack of a partition).
/// </summary>
public static class CostPartitionsSql
{
    public const string Functions = """
        -- The [lower, upper) bounds of a partitioned table's range partitions (DEFAULT excluded).
        CREATE OR REPLACE FUNCTION main.partition_bounds(parent text)
        RETURNS TABLE (partition_name text, lower_bound timestamptz, upper_bound timestamptz)
        LANGUAGE sql STABLE AS $$
            SELECT c.relname::text,
                   (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''\)'))[1]::timestamptz,
                   (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = ('main.' || parent)::regclass AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
        $$;

        -- Month partitions from the month of first_month through the month of last_month (UTC), skipping months an
        -- existing partition already covers. Idempotent, never fails for one month; returns how many it created.
        CREATE OR REPLACE FUNCTION main.ensure_monthly_partitions(parent text, first_month timestamptz, last_month timestamptz)
        RETURNS integer LANGUAGE plpgsql AS $$
        DECLARE
            m timestamp := date_trunc('month', first_month AT TIME ZONE 'UTC');
            created integer := 0;
        BEGIN
            WHILE m <= date_trunc('month', last_month AT TIME ZONE 'UTC') LOOP
                IF NOT EXISTS (SELECT 1 FROM main.partition_bounds(parent) b
                               WHERE b.lower_bound < (m + interval '1 month') AT TIME ZONE 'UTC'
                                 AND b.upper_bound > m AT TIME ZONE 'UTC') THEN
                    BEGIN
                        EXECUTE format('CREATE TABLE main.%I PARTITION OF main.%I FOR VALUES FROM (%L) TO (%L)',
                            parent || '_p' || to_char(m, 'YYYY_MM'), parent,
                            m AT TIME ZONE 'UTC', (m + interval '1 month') AT TIME ZONE 'UTC');
                        created := created + 1;
                    EXCEPTION WHEN check_violation THEN
                        -- The DEFAULT partition already holds rows of that month (dated far outside the months
                        -- created): they stay there; the other months are still created.
                        RAISE WARNING 'main.%: month % stays in the default partition, which holds rows of it', parent, to_char(m, 'YYYY-MM');
                    END;
                END IF;
                m := m + interval '1 month';
            END LOOP;
            RETURN created;
        END $$;

        -- Retention: drops the partitions that end at or before the cutoff (whole months of raw rows; rollups stay).
        CREATE OR REPLACE FUNCTION main.drop_partitions_before(parent text, cutoff timestamptz)
        RETURNS SETOF text LANGUAGE plpgsql AS $$
        DECLARE b record;
        BEGIN
            FOR b IN SELECT * FROM main.partition_bounds(parent) WHERE upper_bound <= cutoff ORDER BY lower_bound LOOP
                EXECUTE format('DROP TABLE main.%I', b.partition_name);
                RETURN NEXT b.partition_name;
            END LOOP;
        END $$;

        -- Conversion of an existing install: the old (renamed) table becomes ONE partition spanning the months it
        -- holds, through the current month. No row is copied: a CHECK constraint validated first lets ATTACH skip
        -- its own scan, so the table is locked for one index build, not for a copy of every bill.
        CREATE OR REPLACE FUNCTION main.attach_legacy_partition(parent text, legacy text, key text)
        RETURNS void LANGUAGE plpgsql AS $$
        DECLARE lo timestamp; hi timestamp;
        BEGIN
            EXECUTE format('SELECT min(%I) AT TIME ZONE ''UTC'', max(%I) AT TIME ZONE ''UTC'' FROM main.%I', key, key, legacy) INTO lo, hi;
            IF lo IS NULL THEN
                EXECUTE format('DROP TABLE main.%I', legacy);
                RETURN;
            END IF;
            lo := date_trunc('month', lo);
            hi := date_trunc('month', greatest(hi, now() AT TIME ZONE 'UTC')) + interval '1 month';
            EXECUTE format('ALTER TABLE main.%I ADD CONSTRAINT %I CHECK (%I >= %L AND %I < %L)',
                legacy, legacy || '_range', key, lo AT TIME ZONE 'UTC', key, hi AT TIME ZONE 'UTC');
            -- A partition takes its primary key from the parent (which includes the partition column): the old,
            -- narrower one goes, and ATTACH builds the parent's on it.
            EXECUTE format('ALTER TABLE main.%I DROP CONSTRAINT %I', legacy, 'pk_' || legacy);
            EXECUTE format('ALTER TABLE main.%I ATTACH PARTITION main.%I FOR VALUES FROM (%L) TO (%L)',
                parent, legacy, lo AT TIME ZONE 'UTC', hi AT TIME ZONE 'UTC');
            EXECUTE format('ALTER TABLE main.%I DROP CONSTRAINT %I', legacy, legacy || '_range');
        END $$;
        """;

    /// <summary>Months created ahead by the migration and kept ahead by the worker.</summary>
    public const int MonthsAhead = 3;

    public static readonly string PartitionCostEvents = $"""
        ALTER TABLE main.cost_events RENAME TO cost_events_legacy;
        ALTER TABLE main.cost_events_legacy RENAME CONSTRAINT pk_cost_events TO pk_cost_events_legacy;
        ALTER INDEX main.ix_cost_events_workspace_id_occurred_at RENAME TO ix_cost_events_legacy_workspace_id_occurred_at;
        ALTER INDEX main.ix_cost_events_workspace_id_chat_id RENAME TO ix_cost_events_legacy_workspace_id_chat_id;
        DROP TRIGGER IF EXISTS cost_events_append_only ON main.cost_events_legacy;

        CREATE TABLE main.cost_events (LIKE main.cost_events_legacy INCLUDING DEFAULTS) PARTITION BY RANGE (occurred_at);
        ALTER TABLE main.cost_events ADD CONSTRAINT pk_cost_events PRIMARY KEY (workspace_id, id, occurred_at);
        CREATE INDEX ix_cost_events_workspace_id_occurred_at ON main.cost_events (workspace_id, occurred_at);
        CREATE INDEX ix_cost_events_workspace_id_chat_id ON main.cost_events (workspace_id, chat_id);
        CREATE TRIGGER cost_events_append_only BEFORE UPDATE OR DELETE ON main.cost_events
            FOR EACH ROW EXECUTE FUNCTION main.cost_events_append_only();

        SELECT main.attach_legacy_partition('cost_events', 'cost_events_legacy', 'occurred_at');
        SELECT main.ensure_monthly_partitions('cost_events', now(), now() + interval '{MonthsAhead} months');
        CREATE TABLE main.cost_events_default PARTITION OF main.cost_events DEFAULT;
        """;

    public static readonly string PartitionUsageLogs = $"""
        ALTER TABLE main.usage_logs RENAME TO usage_logs_legacy;
        ALTER TABLE main.usage_logs_legacy RENAME CONSTRAINT pk_usage_logs TO pk_usage_logs_legacy;
        ALTER TABLE main.usage_logs_legacy RENAME CONSTRAINT fk_usage_logs_workspaces_workspace_id TO fk_usage_logs_legacy_workspace;
        ALTER INDEX main.ix_usage_logs_workspace_id_usage_type_created_at RENAME TO ix_usage_logs_legacy_workspace_id_usage_type_created_at;
        ALTER INDEX main.ix_usage_logs_workspace_id_user_id_created_at RENAME TO ix_usage_logs_legacy_workspace_id_user_id_created_at;

        CREATE TABLE main.usage_logs (LIKE main.usage_logs_legacy INCLUDING DEFAULTS) PARTITION BY RANGE (created_at);
        ALTER TABLE main.usage_logs ADD CONSTRAINT pk_usage_logs PRIMARY KEY (workspace_id, id, created_at);
        ALTER TABLE main.usage_logs ADD CONSTRAINT fk_usage_logs_workspaces_workspace_id FOREIGN KEY (workspace_id)
            REFERENCES main.workspaces (id) ON DELETE CASCADE;
        CREATE INDEX ix_usage_logs_workspace_id_usage_type_created_at ON main.usage_logs (workspace_id, usage_type, created_at);
        CREATE INDEX ix_usage_logs_workspace_id_user_id_created_at ON main.usage_logs (workspace_id, user_id, created_at);

        SELECT main.attach_legacy_partition('usage_logs', 'usage_logs_legacy', 'created_at');
        SELECT main.ensure_monthly_partitions('usage_logs', now(), now() + interval '{MonthsAhead} months');
        CREATE TABLE main.usage_logs_default PARTITION OF main.usage_logs DEFAULT;
        """;

    /// <summary>The sums every rollup row carries, over a set of cost_events rows.</summary>
    public const string Measures = """
        count(*), count(*) FILTER (WHERE NOT success), sum(input_tokens), sum(output_tokens), sum(cost_usd), sum(latency_ms)
        """;

    public const string MeasureColumns = "event_count, failed_count, input_tokens, output_tokens, cost_usd, latency_ms_total";

    /// <summary>Existing installs: every rollup from the raw events, one month per statement (bounded work and
    /// temporary space per step); hour rows only for today and yesterday, the hourly window.</summary>
    public static readonly string RebuildRollups = $$"""
        DO $rebuild$
        DECLARE m timestamp; last timestamp;
        BEGIN
            SELECT date_trunc('month', min(occurred_at) AT TIME ZONE 'UTC'), max(occurred_at) AT TIME ZONE 'UTC' INTO m, last
            FROM main.cost_events;
            WHILE m <= last LOOP
                INSERT INTO main.cost_rollup_days (workspace_id, period_start, service, provider, model, {{MeasureColumns}})
                SELECT workspace_id, date_trunc('day', occurred_at, 'UTC'), service, provider, model, {{Measures}}
                FROM main.cost_events WHERE occurred_at >= m AT TIME ZONE 'UTC' AND occurred_at < (m + interval '1 month') AT TIME ZONE 'UTC'
                GROUP BY 1, 2, 3, 4, 5;
                INSERT INTO main.cost_rollup_user_days (workspace_id, period_start, user_id, {{MeasureColumns}})
                SELECT workspace_id, date_trunc('day', occurred_at, 'UTC'), coalesce(user_id, '00000000-0000-0000-0000-000000000000'), {{Measures}}
                FROM main.cost_events WHERE occurred_at >= m AT TIME ZONE 'UTC' AND occurred_at < (m + interval '1 month') AT TIME ZONE 'UTC'
                GROUP BY 1, 2, 3;
                INSERT INTO main.cost_rollup_workspace_days (period_start, workspace_id, {{MeasureColumns}})
                SELECT date_trunc('day', occurred_at, 'UTC'), workspace_id, {{Measures}}
                FROM main.cost_events WHERE occurred_at >= m AT TIME ZONE 'UTC' AND occurred_at < (m + interval '1 month') AT TIME ZONE 'UTC'
                GROUP BY 1, 2;
                INSERT INTO main.cost_rollup_platform_days (period_start, service, provider, model, {{MeasureColumns}})
                SELECT date_trunc('day', occurred_at, 'UTC'), service, provider, model, {{Measures}}
                FROM main.cost_events WHERE occurred_at >= m AT TIME ZONE 'UTC' AND occurred_at < (m + interval '1 month') AT TIME ZONE 'UTC'
                GROUP BY 1, 2, 3, 4;
                m := m + interval '1 month';
            END LOOP;

            INSERT INTO main.cost_rollup_hours (workspace_id, period_start, service, provider, model, {{MeasureColumns}})
            SELECT workspace_id, date_trunc('hour', occurred_at, 'UTC'), service, provider, model, {{Measures}}
            FROM main.cost_events WHERE occurred_at >= date_trunc('day', now(), 'UTC') - interval '1 day'
            GROUP BY 1, 2, 3, 4, 5;

            INSERT INTO main.cost_chat_totals (workspace_id, chat_id, first_at, last_at, {{MeasureColumns}})
            SELECT workspace_id, chat_id, min(occurred_at), max(occurred_at), {{Measures}}
            FROM main.cost_events WHERE chat_id IS NOT NULL
            GROUP BY 1, 2;
        END $rebuild$;
        """;
}
