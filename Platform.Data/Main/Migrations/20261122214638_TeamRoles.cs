using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Data.Main.Migrations
{
    /// <inheritdoc />
    public partial class TeamRoles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "workspace_role_id",
                schema: "main",
                table: "teams",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_teams_workspace_id_workspace_role_id",
                schema: "main",
                table: "teams",
                columns: new[] { "workspace_id", "workspace_role_id" });

            migrationBuilder.AddForeignKey(
                name: "fk_teams_workspace_roles_workspace_id_workspace_role_id",
                schema: "main",
                table: "teams",
                columns: new[] { "workspace_id", "workspace_role_id" },
                principalSchema: "main",
                principalTable: "workspace_roles",
                principalColumns: new[] { "workspace_id", "id" },
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_teams_workspace_roles_workspace_id_workspace_role_id",
                schema: "main",
                table: "teams");

            migrationBuilder.DropIndex(
                name: "ix_teams_workspace_id_workspace_role_id",
                schema: "main",
                table: "teams");

            migrationBuilder.DropColumn(
                name: "workspace_role_id",
                schema: "main",
                table: "teams");
        }
    }
}
