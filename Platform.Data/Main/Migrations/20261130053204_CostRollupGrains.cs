using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Platform.Data.Main;

#nullable disable

namespace Platform.Data.Main.Migrations
{
    /// <inheritdoc />
    public partial class CostRollupGrains : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // --- custom SQL (keep when regenerating) ---
            // The owner is subject to the FORCED row-level security of the billing tables: without the platform-admin
            // setting it would see none of the rows it converts and rebuilds (transaction-local: this migration only).
            migrationBuilder.Sql("SELECT set_config('app.platform_admin', 'on', true);");
            migrationBuilder.Sql(CostPartitionsSql.Functions);
            migrationBuilder.Sql(CostPartitionsSql.PartitionCostEvents);
            migrationBuilder.Sql(CostPartitionsSql.PartitionUsageLogs);

            migrationBuilder.CreateTable(
                name: "cost_chat_totals",
                schema: "main",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    chat_id = table.Column<Guid>(type: "uuid", nullable: false),
                    first_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    event_count = table.Column<long>(type: "bigint", nullable: false),
                    failed_count = table.Column<long>(type: "bigint", nullable: false),
                    input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    output_tokens = table.Column<long>(type: "bigint", nullable: false),
                    cost_usd = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    latency_ms_total = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cost_chat_totals", x => new { x.workspace_id, x.chat_id });
                });

            migrationBuilder.CreateTable(
                name: "cost_rollup_days",
                schema: "main",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    service = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    provider = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    model = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    event_count = table.Column<long>(type: "bigint", nullable: false),
                    failed_count = table.Column<long>(type: "bigint", nullable: false),
                    input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    output_tokens = table.Column<long>(type: "bigint", nullable: false),
                    cost_usd = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    latency_ms_total = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cost_rollup_days", x => new { x.workspace_id, x.period_start, x.service, x.provider, x.model });
                });

            migrationBuilder.CreateTable(
                name: "cost_rollup_hours",
                schema: "main",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    service = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    provider = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    model = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    event_count = table.Column<long>(type: "bigint", nullable: false),
                    failed_count = table.Column<long>(type: "bigint", nullable: false),
                    input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    output_tokens = table.Column<long>(type: "bigint", nullable: false),
                    cost_usd = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    latency_ms_total = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cost_rollup_hours", x => new { x.workspace_id, x.period_start, x.service, x.provider, x.model });
                });

            migrationBuilder.CreateTable(
                name: "cost_rollup_platform_days",
                schema: "main",
                columns: table => new
                {
                    period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    service = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    provider = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    model = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    event_count = table.Column<long>(type: "bigint", nullable: false),
                    failed_count = table.Column<long>(type: "bigint", nullable: false),
                    input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    output_tokens = table.Column<long>(type: "bigint", nullable: false),
                    cost_usd = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    latency_ms_total = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cost_rollup_platform_days", x => new { x.period_start, x.service, x.provider, x.model });
                });

            migrationBuilder.CreateTable(
                name: "cost_rollup_user_days",
                schema: "main",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_count = table.Column<long>(type: "bigint", nullable: false),
                    failed_count = table.Column<long>(type: "bigint", nullable: false),
                    input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    output_tokens = table.Column<long>(type: "bigint", nullable: false),
                    cost_usd = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    latency_ms_total = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cost_rollup_user_days", x => new { x.workspace_id, x.period_start, x.user_id });
                });

            migrationBuilder.CreateTable(
                name: "cost_rollup_workspace_days",
                schema: "main",
                columns: table => new
                {
                    period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_count = table.Column<long>(type: "bigint", nullable: false),
                    failed_count = table.Column<long>(type: "bigint", nullable: false),
                    input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    output_tokens = table.Column<long>(type: "bigint", nullable: false),
                    cost_usd = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    latency_ms_total = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cost_rollup_workspace_days", x => new { x.period_start, x.workspace_id });
                });

            migrationBuilder.CreateIndex(
                name: "ix_cost_chat_totals_workspace_id_last_at",
                schema: "main",
                table: "cost_chat_totals",
                columns: new[] { "workspace_id", "last_at" });

            migrationBuilder.CreateIndex(
                name: "ix_cost_rollup_hours_period_start",
                schema: "main",
                table: "cost_rollup_hours",
                column: "period_start");

            migrationBuilder.CreateIndex(
                name: "ix_cost_rollup_workspace_days_workspace_id_period_start",
                schema: "main",
                table: "cost_rollup_workspace_days",
                columns: new[] { "workspace_id", "period_start" })
                .Annotation("Npgsql:IndexInclude", new[] { "cost_usd" });

            // Only platform admins (the writer's session, the admin console) see the all-workspaces rollup.
            migrationBuilder.Sql("""
                ALTER TABLE main.cost_rollup_platform_days ENABLE ROW LEVEL SECURITY;
                ALTER TABLE main.cost_rollup_platform_days FORCE ROW LEVEL SECURITY;
                CREATE POLICY platform_admins ON main.cost_rollup_platform_days
                    USING (coalesce(current_setting('app.platform_admin', true), '') = 'on')
                    WITH CHECK (coalesce(current_setting('app.platform_admin', true), '') = 'on');
                """);
            // Existing installs: the new rollups from the raw events, one month per statement, then the old table goes.
            migrationBuilder.Sql(CostPartitionsSql.RebuildRollups);
            migrationBuilder.DropTable(name: "cost_summaries", schema: "main");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            throw new NotSupportedException("CostRollupGrains partitions the billing tables and rebuilds the rollups; restore a backup to go back.");    }
}
