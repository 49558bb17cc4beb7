using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Data.Tenant.Migrations
{
    /// <inheritdoc />
    public partial class ChatFollowUp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "attachments",
                schema: "tenant",
                table: "messages",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'[]'::jsonb");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "attachments",
                schema: "tenant",
                table: "messages");
        }
    }
}
