using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Data.Main.Migrations
{
    /// <inheritdoc />
    public partial class Costs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "budget_alerts",
                schema: "main",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    period = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    threshold_percent = table.Column<int>(type: "integer", nullable: false),
                    limit_usd = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    spend_usd = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    severity = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    notifications_sent = table.Column<int>(type: "integer", nullable: false),
                    triggered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    resolved = table.Column<bool>(type: "boolean", nullable: false),
                    resolved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    resolved_by_user_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_budget_alerts", x => new { x.workspace_id, x.id });
                    table.ForeignKey(
                        name: "fk_budget_alerts_workspaces_workspace_id",
                        column: x => x.workspace_id,
                        principalSchema: "main",
                        principalTable: "workspaces",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "budget_ledgers",
                schema: "main",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    period = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    spent_usd = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    reserved_usd = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_budget_ledgers", x => new { x.workspace_id, x.id });
                    table.ForeignKey(
                        name: "fk_budget_ledgers_workspaces_workspace_id",
                        column: x => x.workspace_id,
                        principalSchema: "main",
                        principalTable: "workspaces",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "budgets",
                schema: "main",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    monthly_limit_usd = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: true),
                    weekly_limit_usd = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: true),
                    daily_limit_usd = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: true),
                    thresholds_percent = table.Column<int[]>(type: "integer[]", nullable: false),
                    warn_only = table.Column<bool>(type: "boolean", nullable: false),
                    updated_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_budgets", x => new { x.workspace_id, x.id });
                    table.ForeignKey(
                        name: "fk_budgets_workspaces_workspace_id",
                        column: x => x.workspace_id,
                        principalSchema: "main",
                        principalTable: "workspaces",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "cost_events",
                schema: "main",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    visitor_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    chat_id = table.Column<Guid>(type: "uuid", nullable: true),
                    message_id = table.Column<Guid>(type: "uuid", nullable: true),
                    service = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    provider = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    model = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    operation = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    output_tokens = table.Column<long>(type: "bigint", nullable: false),
                    cost_usd = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    latency_ms = table.Column<int>(type: "integer", nullable: false),
                    success = table.Column<bool>(type: "boolean", nullable: false),
                    error = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cost_events", x => new { x.workspace_id, x.id });
                });

            migrationBuilder.CreateTable(
                name: "cost_summaries",
                schema: "main",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    granularity = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    service = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    provider = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    model = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    chat_id = table.Column<Guid>(type: "uuid", nullable: true),
                    event_count = table.Column<long>(type: "bigint", nullable: false),
                    failed_count = table.Column<long>(type: "bigint", nullable: false),
                    input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    output_tokens = table.Column<long>(type: "bigint", nullable: false),
                    cost_usd = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    latency_ms_total = table.Column<long>(type: "bigint", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cost_summaries", x => new { x.workspace_id, x.id });
                });

            migrationBuilder.CreateTable(
                name: "rate_limits",
                schema: "main",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    visitor_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    tier = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    resets_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    message_credits_used = table.Column<int>(type: "integer", nullable: false),
                    search_calls_used = table.Column<int>(type: "integer", nullable: false),
                    research_calls_used = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_rate_limits", x => new { x.workspace_id, x.id });
                    table.ForeignKey(
                        name: "fk_rate_limits_workspaces_workspace_id",
                        column: x => x.workspace_id,
                        principalSchema: "main",
                        principalTable: "workspaces",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "usage_logs",
                schema: "main",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    visitor_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    usage_type = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    model = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true),
                    credits_consumed = table.Column<int>(type: "integer", nullable: false),
                    tokens_used = table.Column<long>(type: "bigint", nullable: true),
                    request_duration_ms = table.Column<int>(type: "integer", nullable: true),
                    success = table.Column<bool>(type: "boolean", nullable: false),
                    chat_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_usage_logs", x => new { x.workspace_id, x.id });
                    table.ForeignKey(
                        name: "fk_usage_logs_workspaces_workspace_id",
                        column: x => x.workspace_id,
                        principalSchema: "main",
                        principalTable: "workspaces",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_budget_alerts_triggered_at",
                schema: "main",
                table: "budget_alerts",
                column: "triggered_at");

            migrationBuilder.CreateIndex(
                name: "ix_budget_alerts_workspace_id_period_period_start_threshold_pe",
                schema: "main",
                table: "budget_alerts",
                columns: new[] { "workspace_id", "period", "period_start", "threshold_percent" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_budget_alerts_workspace_id_resolved",
                schema: "main",
                table: "budget_alerts",
                columns: new[] { "workspace_id", "resolved" });

            migrationBuilder.CreateIndex(
                name: "ix_budget_ledgers_workspace_id_period_period_start",
                schema: "main",
                table: "budget_ledgers",
                columns: new[] { "workspace_id", "period", "period_start" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_budgets_workspace_id",
                schema: "main",
                table: "budgets",
                column: "workspace_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_cost_events_workspace_id_chat_id",
                schema: "main",
                table: "cost_events",
                columns: new[] { "workspace_id", "chat_id" });

            migrationBuilder.CreateIndex(
                name: "ix_cost_events_workspace_id_occurred_at",
                schema: "main",
                table: "cost_events",
                columns: new[] { "workspace_id", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_cost_summaries_granularity_period_start",
                schema: "main",
                table: "cost_summaries",
                columns: new[] { "granularity", "period_start" })
                .Annotation("Npgsql:IndexInclude", new[] { "workspace_id", "service", "provider", "model", "event_count", "input_tokens", "output_tokens", "cost_usd" });

            migrationBuilder.CreateIndex(
                name: "ux_cost_summaries_bucket",
                schema: "main",
                table: "cost_summaries",
                columns: new[] { "workspace_id", "granularity", "period_start", "service", "provider", "model", "user_id", "chat_id" },
                unique: true)
                .Annotation("Npgsql:NullsDistinct", false);

            migrationBuilder.CreateIndex(
                name: "ux_rate_limits_subject_period",
                schema: "main",
                table: "rate_limits",
                columns: new[] { "workspace_id", "user_id", "visitor_id", "period_start" },
                unique: true)
                .Annotation("Npgsql:NullsDistinct", false);

            migrationBuilder.CreateIndex(
                name: "ix_usage_logs_workspace_id_usage_type_created_at",
                schema: "main",
                table: "usage_logs",
                columns: new[] { "workspace_id", "usage_type", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_usage_logs_workspace_id_user_id_created_at",
                schema: "main",
                table: "usage_logs",
                columns: new[] { "workspace_id", "user_id", "created_at" });

            // --- custom SQL (keep when regenerating) ---
            // The bill is append-only for the app: any UPDATE or DELETE of a cost event the session can see fails
            // with insufficient_privilege, whatever the session (platform admin included). A trigger rather than
            // a false policy, so the attempt is an error the caller sees, not a silent "0 rows".
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION main.cost_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'cost events are append-only: a bill cannot be changed or erased'
                        USING ERRCODE = 'insufficient_privilege';
                END $$;
                DROP TRIGGER IF EXISTS cost_events_append_only ON main.cost_events;
                CREATE TRIGGER cost_events_append_only BEFORE UPDATE OR DELETE ON main.cost_events
                    FOR EACH ROW EXECUTE FUNCTION main.cost_events_append_only();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS main.cost_events_append_only() CASCADE;");
            migrationBuilder.DropTable(
                name: "budget_alerts",
                schema: "main");

            migrationBuilder.DropTable(
                name: "budget_ledgers",
                schema: "main");

            migrationBuilder.DropTable(
                name: "budgets",
                schema: "main");

            migrationBuilder.DropTable(
                name: "cost_events",
                schema: "main");

            migrationBuilder.DropTable(
                name: "cost_summaries",
                schema: "main");

            migrationBuilder.DropTable(
                name: "rate_limits",
                schema: "main");

            migrationBuilder.DropTable(
                name: "usage_logs",
                schema: "main");
        }
    }
}
