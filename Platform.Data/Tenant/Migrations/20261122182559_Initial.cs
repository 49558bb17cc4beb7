using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Pgvector;

#nullable disable

namespace Platform.Data.Tenant.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "tenant");

            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:vector", ",,");

            migrationBuilder.CreateTable(
                name: "ai_personalities",
                schema: "tenant",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    description = table.Column<string>(type: "text", nullable: true),
                    system_prompt = table.Column<string>(type: "text", nullable: false),
                    model = table.Column<string>(type: "text", nullable: true),
                    temperature = table.Column<double>(type: "double precision", nullable: false),
                    max_tokens = table.Column<int>(type: "integer", nullable: true),
                    top_p = table.Column<double>(type: "double precision", nullable: true),
                    is_default = table.Column<bool>(type: "boolean", nullable: false),
                    is_active = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ai_personalities", x => new { x.workspace_id, x.id });
                });

            migrationBuilder.CreateTable(
                name: "documents",
                schema: "tenant",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    file_name = table.Column<string>(type: "text", nullable: true),
                    content_type = table.Column<string>(type: "text", nullable: false),
                    size_bytes = table.Column<long>(type: "bigint", nullable: false),
                    content_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    status_reason = table.Column<string>(type: "text", nullable: true),
                    content = table.Column<string>(type: "text", nullable: true),
                    created_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_documents", x => new { x.workspace_id, x.id });
                });

            migrationBuilder.CreateTable(
                name: "chats",
                schema: "tenant",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    personality_id = table.Column<Guid>(type: "uuid", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_chats", x => new { x.workspace_id, x.id });
                    table.ForeignKey(
                        name: "fk_chats_ai_personalities_workspace_id_personality_id",
                        columns: x => new { x.workspace_id, x.personality_id },
                        principalSchema: "tenant",
                        principalTable: "ai_personalities",
                        principalColumns: new[] { "workspace_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "document_chunks",
                schema: "tenant",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    document_id = table.Column<Guid>(type: "uuid", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    content = table.Column<string>(type: "text", nullable: false),
                    token_count = table.Column<int>(type: "integer", nullable: false),
                    embedding = table.Column<Vector>(type: "vector(1024)", nullable: true),
                    embedding_model = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_document_chunks", x => new { x.workspace_id, x.id });
                    table.ForeignKey(
                        name: "fk_document_chunks_documents_workspace_id_document_id",
                        columns: x => new { x.workspace_id, x.document_id },
                        principalSchema: "tenant",
                        principalTable: "documents",
                        principalColumns: new[] { "workspace_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "messages",
                schema: "tenant",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    chat_id = table.Column<Guid>(type: "uuid", nullable: false),
                    role = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    content = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_messages", x => new { x.workspace_id, x.id });
                    table.ForeignKey(
                        name: "fk_messages_chats_workspace_id_chat_id",
                        columns: x => new { x.workspace_id, x.chat_id },
                        principalSchema: "tenant",
                        principalTable: "chats",
                        principalColumns: new[] { "workspace_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_ai_personalities_workspace_id_name",
                schema: "tenant",
                table: "ai_personalities",
                columns: new[] { "workspace_id", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_chats_workspace_id_personality_id",
                schema: "tenant",
                table: "chats",
                columns: new[] { "workspace_id", "personality_id" });

            migrationBuilder.CreateIndex(
                name: "ix_chats_workspace_id_user_id_updated_at",
                schema: "tenant",
                table: "chats",
                columns: new[] { "workspace_id", "user_id", "updated_at" });

            migrationBuilder.CreateIndex(
                name: "ix_document_chunks_workspace_id_document_id_position",
                schema: "tenant",
                table: "document_chunks",
                columns: new[] { "workspace_id", "document_id", "position" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_documents_workspace_id_content_hash",
                schema: "tenant",
                table: "documents",
                columns: new[] { "workspace_id", "content_hash" });

            migrationBuilder.CreateIndex(
                name: "ix_documents_workspace_id_status",
                schema: "tenant",
                table: "documents",
                columns: new[] { "workspace_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_messages_workspace_id_chat_id_created_at",
                schema: "tenant",
                table: "messages",
                columns: new[] { "workspace_id", "chat_id", "created_at" });
        
            // Embeddings inline: TOASTing a 4 KB vector costs a detour per row on every similarity scan.
            migrationBuilder.Sql("ALTER TABLE tenant.document_chunks ALTER COLUMN embedding SET STORAGE PLAIN;");
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "document_chunks",
                schema: "tenant");

            migrationBuilder.DropTable(
                name: "messages",
                schema: "tenant");

            migrationBuilder.DropTable(
                name: "documents",
                schema: "tenant");

            migrationBuilder.DropTable(
                name: "chats",
                schema: "tenant");

            migrationBuilder.DropTable(
                name: "ai_personalities",
                schema: "tenant");
        }
    }
}
