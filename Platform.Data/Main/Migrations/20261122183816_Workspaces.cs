using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Data.Main.Migrations
{
    /// <inheritdoc />
    public partial class Workspaces : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "onboarding_completed_at",
                schema: "main",
                table: "workspaces",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "onboarding_step",
                schema: "main",
                table: "workspaces",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "workspace_provider_keys",
                schema: "main",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    base_url = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    encrypted_api_key = table.Column<string>(type: "text", nullable: true),
                    key_hint = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    chat_model = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    embedding_model = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true),
                    is_active = table.Column<bool>(type: "boolean", nullable: false),
                    created_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    rotated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_tested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_test_result = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_workspace_provider_keys", x => new { x.workspace_id, x.id });
                    table.ForeignKey(
                        name: "fk_workspace_provider_keys_workspaces_workspace_id",
                        column: x => x.workspace_id,
                        principalSchema: "main",
                        principalTable: "workspaces",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_action_created_at",
                schema: "main",
                table: "audit_log",
                columns: new[] { "action", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_user_id_created_at",
                schema: "main",
                table: "audit_log",
                columns: new[] { "user_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_workspace_provider_keys_one_active",
                schema: "main",
                table: "workspace_provider_keys",
                column: "workspace_id",
                unique: true,
                filter: "is_active");

            migrationBuilder.CreateIndex(
                name: "ix_workspace_provider_keys_workspace_id_name",
                schema: "main",
                table: "workspace_provider_keys",
                columns: new[] { "workspace_id", "name" },
                unique: true);

            // --- custom SQL (keep when regenerating) ---
            // Workspaces that existed before the wizard tracked progress are set up already.
            migrationBuilder.Sql("UPDATE main.workspaces SET onboarding_completed_at = created_at, onboarding_step = 5 WHERE onboarding_completed_at IS NULL;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "workspace_provider_keys",
                schema: "main");

            migrationBuilder.DropIndex(
                name: "ix_audit_log_action_created_at",
                schema: "main",
                table: "audit_log");

            migrationBuilder.DropIndex(
                name: "ix_audit_log_user_id_created_at",
                schema: "main",
                table: "audit_log");

            migrationBuilder.DropColumn(
                name: "onboarding_completed_at",
                schema: "main",
                table: "workspaces");

            migrationBuilder.DropColumn(
                name: "onboarding_step",
                schema: "main",
                table: "workspaces");
        }
    }
}
