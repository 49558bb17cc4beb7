using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Data.Tenant.Migrations
{
    /// <inheritdoc />
    public partial class GitImport : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "git_source_id",
                schema: "tenant",
                table: "documents",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "source_path",
                schema: "tenant",
                table: "documents",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "git_sources",
                schema: "tenant",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    repository = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    is_local = table.Column<bool>(type: "boolean", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    branch = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: true),
                    resolved_branch = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: true),
                    sub_folder = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    status_reason = table.Column<string>(type: "text", nullable: true),
                    next_trigger = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    next_requested_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    last_commit = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    last_synced_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    lease_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    auto_sync_minutes = table.Column<int>(type: "integer", nullable: true),
                    created_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_git_sources", x => new { x.workspace_id, x.id });
                });

            migrationBuilder.CreateTable(
                name: "git_sync_runs",
                schema: "tenant",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    source_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    trigger = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    requested_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    commit = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    added = table.Column<int>(type: "integer", nullable: false),
                    updated = table.Column<int>(type: "integer", nullable: false),
                    removed = table.Column<int>(type: "integer", nullable: false),
                    unchanged = table.Column<int>(type: "integer", nullable: false),
                    rejected = table.Column<int>(type: "integer", nullable: false),
                    rejections = table.Column<List<string>>(type: "text[]", nullable: false),
                    error = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_git_sync_runs", x => new { x.workspace_id, x.id });
                    table.ForeignKey(
                        name: "fk_git_sync_runs_git_sources_workspace_id_source_id",
                        columns: x => new { x.workspace_id, x.source_id },
                        principalSchema: "tenant",
                        principalTable: "git_sources",
                        principalColumns: new[] { "workspace_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_documents_workspace_id_git_source_id_source_path",
                schema: "tenant",
                table: "documents",
                columns: new[] { "workspace_id", "git_source_id", "source_path" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_git_sources_workspace_id_status",
                schema: "tenant",
                table: "git_sources",
                columns: new[] { "workspace_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_git_sync_runs_workspace_id_source_id_started_at",
                schema: "tenant",
                table: "git_sync_runs",
                columns: new[] { "workspace_id", "source_id", "started_at" });

            migrationBuilder.AddForeignKey(
                name: "fk_documents_git_sources_workspace_id_git_source_id",
                schema: "tenant",
                table: "documents",
                columns: new[] { "workspace_id", "git_source_id" },
                principalSchema: "tenant",
                principalTable: "git_sources",
                principalColumns: new[] { "workspace_id", "id" },
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_documents_git_sources_workspace_id_git_source_id",
                schema: "tenant",
                table: "documents");

            migrationBuilder.DropTable(
                name: "git_sync_runs",
                schema: "tenant");

            migrationBuilder.DropTable(
                name: "git_sources",
                schema: "tenant");

            migrationBuilder.DropIndex(
                name: "ix_documents_workspace_id_git_source_id_source_path",
                schema: "tenant",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "git_source_id",
                schema: "tenant",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "source_path",
                schema: "tenant",
                table: "documents");
        }
    }
}
