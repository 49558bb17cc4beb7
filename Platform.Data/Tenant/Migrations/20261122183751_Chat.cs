using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Data.Tenant.Migrations
{
    /// <inheritdoc />
    public partial class Chat : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "citations",
                schema: "tenant",
                table: "messages",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'[]'::jsonb");

            migrationBuilder.AddColumn<decimal>(
                name: "cost_usd",
                schema: "tenant",
                table: "messages",
                type: "numeric(18,8)",
                precision: 18,
                scale: 8,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "duration_ms",
                schema: "tenant",
                table: "messages",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "error",
                schema: "tenant",
                table: "messages",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "error_kind",
                schema: "tenant",
                table: "messages",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "finish_reason",
                schema: "tenant",
                table: "messages",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "first_token_ms",
                schema: "tenant",
                table: "messages",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "input_tokens",
                schema: "tenant",
                table: "messages",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "model",
                schema: "tenant",
                table: "messages",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "output_tokens",
                schema: "tenant",
                table: "messages",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "parent_id",
                schema: "tenant",
                table: "messages",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "personality_id",
                schema: "tenant",
                table: "messages",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "provider",
                schema: "tenant",
                table: "messages",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "retry_after_seconds",
                schema: "tenant",
                table: "messages",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "status",
                schema: "tenant",
                table: "messages",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "complete");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "updated_at",
                schema: "tenant",
                table: "messages",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()"); // existing messages: "updated now" rather than year 1

            migrationBuilder.AddColumn<Guid>(
                name: "active_leaf_id",
                schema: "tenant",
                table: "chats",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "deleted_at",
                schema: "tenant",
                table: "chats",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "generation_status",
                schema: "tenant",
                table: "chats",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "idle");

            migrationBuilder.AddColumn<bool>(
                name: "is_archived",
                schema: "tenant",
                table: "chats",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "is_pinned",
                schema: "tenant",
                table: "chats",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "model",
                schema: "tenant",
                table: "chats",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "shared_with_workspace",
                schema: "tenant",
                table: "chats",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "title_is_custom",
                schema: "tenant",
                table: "chats",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<double>(
                name: "frequency_penalty",
                schema: "tenant",
                table: "ai_personalities",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "presence_penalty",
                schema: "tenant",
                table: "ai_personalities",
                type: "double precision",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "generation_streams",
                schema: "tenant",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    chat_id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    instance_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    heartbeat_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_generation_streams", x => new { x.workspace_id, x.id });
                    table.ForeignKey(
                        name: "fk_generation_streams_messages_workspace_id_message_id",
                        columns: x => new { x.workspace_id, x.message_id },
                        principalSchema: "tenant",
                        principalTable: "messages",
                        principalColumns: new[] { "workspace_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "message_suggestions",
                schema: "tenant",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    text = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_message_suggestions", x => new { x.workspace_id, x.id });
                    table.ForeignKey(
                        name: "fk_message_suggestions_messages_workspace_id_message_id",
                        columns: x => new { x.workspace_id, x.message_id },
                        principalSchema: "tenant",
                        principalTable: "messages",
                        principalColumns: new[] { "workspace_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "message_votes",
                schema: "tenant",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    value = table.Column<short>(type: "smallint", nullable: false),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_message_votes", x => new { x.workspace_id, x.id });
                    table.CheckConstraint("ck_message_votes_value", "value IN (-1, 1)");
                    table.ForeignKey(
                        name: "fk_message_votes_messages_workspace_id_message_id",
                        columns: x => new { x.workspace_id, x.message_id },
                        principalSchema: "tenant",
                        principalTable: "messages",
                        principalColumns: new[] { "workspace_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_messages_workspace_id_parent_id",
                schema: "tenant",
                table: "messages",
                columns: new[] { "workspace_id", "parent_id" });

            migrationBuilder.CreateIndex(
                name: "ix_generation_streams_status_heartbeat_at",
                schema: "tenant",
                table: "generation_streams",
                columns: new[] { "status", "heartbeat_at" });

            migrationBuilder.CreateIndex(
                name: "ix_generation_streams_workspace_id_message_id",
                schema: "tenant",
                table: "generation_streams",
                columns: new[] { "workspace_id", "message_id" });

            migrationBuilder.CreateIndex(
                name: "ix_message_suggestions_workspace_id_message_id_position",
                schema: "tenant",
                table: "message_suggestions",
                columns: new[] { "workspace_id", "message_id", "position" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_message_votes_workspace_id_message_id_user_id",
                schema: "tenant",
                table: "message_votes",
                columns: new[] { "workspace_id", "message_id", "user_id" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "fk_messages_messages_workspace_id_parent_id",
                schema: "tenant",
                table: "messages",
                columns: new[] { "workspace_id", "parent_id" },
                principalSchema: "tenant",
                principalTable: "messages",
                principalColumns: new[] { "workspace_id", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_messages_messages_workspace_id_parent_id",
                schema: "tenant",
                table: "messages");

            migrationBuilder.DropTable(
                name: "generation_streams",
                schema: "tenant");

            migrationBuilder.DropTable(
                name: "message_suggestions",
                schema: "tenant");

            migrationBuilder.DropTable(
                name: "message_votes",
                schema: "tenant");

            migrationBuilder.DropIndex(
                name: "ix_messages_workspace_id_parent_id",
                schema: "tenant",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "citations",
                schema: "tenant",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "cost_usd",
                schema: "tenant",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "duration_ms",
                schema: "tenant",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "error",
                schema: "tenant",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "error_kind",
                schema: "tenant",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "finish_reason",
                schema: "tenant",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "first_token_ms",
                schema: "tenant",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "input_tokens",
                schema: "tenant",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "model",
                schema: "tenant",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "output_tokens",
                schema: "tenant",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "parent_id",
                schema: "tenant",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "personality_id",
                schema: "tenant",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "provider",
                schema: "tenant",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "retry_after_seconds",
                schema: "tenant",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "status",
                schema: "tenant",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "updated_at",
                schema: "tenant",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "active_leaf_id",
                schema: "tenant",
                table: "chats");

            migrationBuilder.DropColumn(
                name: "deleted_at",
                schema: "tenant",
                table: "chats");

            migrationBuilder.DropColumn(
                name: "generation_status",
                schema: "tenant",
                table: "chats");

            migrationBuilder.DropColumn(
                name: "is_archived",
                schema: "tenant",
                table: "chats");

            migrationBuilder.DropColumn(
                name: "is_pinned",
                schema: "tenant",
                table: "chats");

            migrationBuilder.DropColumn(
                name: "model",
                schema: "tenant",
                table: "chats");

            migrationBuilder.DropColumn(
                name: "shared_with_workspace",
                schema: "tenant",
                table: "chats");

            migrationBuilder.DropColumn(
                name: "title_is_custom",
                schema: "tenant",
                table: "chats");

            migrationBuilder.DropColumn(
                name: "frequency_penalty",
                schema: "tenant",
                table: "ai_personalities");

            migrationBuilder.DropColumn(
                name: "presence_penalty",
                schema: "tenant",
                table: "ai_personalities");
        }
    }
}
