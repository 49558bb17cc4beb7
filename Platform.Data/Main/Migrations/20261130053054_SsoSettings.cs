using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Data.Main.Migrations
{
    /// <inheritdoc />
    public partial class SsoSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "required_sign_in_provider",
                schema: "main",
                table: "workspaces",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "required_sign_in_provider",
                schema: "main",
                table: "workspaces");
        }
    }
}
