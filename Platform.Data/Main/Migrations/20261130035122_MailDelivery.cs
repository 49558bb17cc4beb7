using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Data.Main.Migrations
{
    /// <inheritdoc />
    public partial class MailDelivery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "attempts",
                schema: "main",
                table: "email_outbox",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "failure_reason",
                schema: "main",
                table: "email_outbox",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "next_attempt_at",
                schema: "main",
                table: "email_outbox",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "status",
                schema: "main",
                table: "email_outbox",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                // Mail already in the outbox waits for the delivery worker like new mail.
                defaultValue: "queued");

            migrationBuilder.Sql("UPDATE main.email_outbox SET status = 'sent' WHERE sent_at IS NOT NULL;");

            migrationBuilder.CreateIndex(
                name: "ix_email_outbox_status_next_attempt_at",
                schema: "main",
                table: "email_outbox",
                columns: new[] { "status", "next_attempt_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_email_outbox_status_next_attempt_at",
                schema: "main",
                table: "email_outbox");

            migrationBuilder.DropColumn(
                name: "attempts",
                schema: "main",
                table: "email_outbox");

            migrationBuilder.DropColumn(
                name: "failure_reason",
                schema: "main",
                table: "email_outbox");

            migrationBuilder.DropColumn(
                name: "next_attempt_at",
                schema: "main",
                table: "email_outbox");

            migrationBuilder.DropColumn(
                name: "status",
                schema: "main",
                table: "email_outbox");
        }
    }
}
