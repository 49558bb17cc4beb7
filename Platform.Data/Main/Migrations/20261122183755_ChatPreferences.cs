using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Data.Main.Migrations
{
    /// <inheritdoc />
    public partial class ChatPreferences : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "user_preferences",
                schema: "main",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    default_model = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    default_personality_id = table.Column<Guid>(type: "uuid", nullable: true),
                    custom_instructions = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    theme = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    send_with_enter = table.Column<bool>(type: "boolean", nullable: false),
                    show_stats_for_nerds = table.Column<bool>(type: "boolean", nullable: false),
                    hide_personal_info = table.Column<bool>(type: "boolean", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_preferences", x => x.user_id);
                    table.ForeignKey(
                        name: "fk_user_preferences_users_user_id",
                        column: x => x.user_id,
                        principalSchema: "main",
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            // --- custom SQL (keep when regenerating) ---
            // No workspace_id here, so the generic workspace policies don't apply: a user reaches only their
            // own row, keyed by the transaction-local user id (the helper functions may not exist yet on a
            // fresh database, hence the inline expression).
            migrationBuilder.Sql("""
                ALTER TABLE main.user_preferences ENABLE ROW LEVEL SECURITY;
                ALTER TABLE main.user_preferences FORCE ROW LEVEL SECURITY;
                CREATE POLICY own_preferences ON main.user_preferences
                    USING (user_id = NULLIF(current_setting('app.current_user_id', true), '')::uuid)
                    WITH CHECK (user_id = NULLIF(current_setting('app.current_user_id', true), '')::uuid);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "user_preferences",
                schema: "main");
        }
    }
}
