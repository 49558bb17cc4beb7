using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Data.Tenant.Migrations
{
    /// <inheritdoc />
    public partial class Documents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "attempts",
                schema: "tenant",
                table: "documents",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "category",
                schema: "tenant",
                table: "documents",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "chunk_count",
                schema: "tenant",
                table: "documents",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "embedding_model",
                schema: "tenant",
                table: "documents",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "lease_until",
                schema: "tenant",
                table: "documents",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "processed_at",
                schema: "tenant",
                table: "documents",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "progress",
                schema: "tenant",
                table: "documents",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<List<string>>(
                name: "tags",
                schema: "tenant",
                table: "documents",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]"); // existing documents get no tags

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "updated_at",
                schema: "tenant",
                table: "documents",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.AlterColumn<string>(
                name: "embedding_model",
                schema: "tenant",
                table: "document_chunks",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "text",
                oldNullable: true);

            migrationBuilder.AddColumn<int>(
                name: "end_offset",
                schema: "tenant",
                table: "document_chunks",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "section",
                schema: "tenant",
                table: "document_chunks",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "start_offset",
                schema: "tenant",
                table: "document_chunks",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "document_files",
                schema: "tenant",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    document_id = table.Column<Guid>(type: "uuid", nullable: false),
                    data = table.Column<byte[]>(type: "bytea", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_document_files", x => new { x.workspace_id, x.id });
                    table.ForeignKey(
                        name: "fk_document_files_documents_workspace_id_document_id",
                        columns: x => new { x.workspace_id, x.document_id },
                        principalSchema: "tenant",
                        principalTable: "documents",
                        principalColumns: new[] { "workspace_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_document_files_workspace_id_document_id",
                schema: "tenant",
                table: "document_files",
                columns: new[] { "workspace_id", "document_id" },
                unique: true);

            // --- custom SQL (keep when regenerating) ---
            // Vector search: HNSW over a halfvec(1024) cast of the inline vector(1024) column (ADR-002: a third of
            // the index size at no measurable recall loss once candidates are re-ranked by full-precision distance).
            migrationBuilder.Sql("""
                CREATE INDEX ix_document_chunks_embedding_hnsw ON tenant.document_chunks
                    USING hnsw ((embedding::halfvec(1024)) halfvec_cosine_ops);
                """);

            // Keyword search. Under forced RLS PostgreSQL refuses to use a GIN index for `@@` (ts_match_vq is not
            // LEAKPROOF, so it must run after the policy's filter). Here the match is *part of the policy*: a
            // transaction that set app.search_query sees only the rows of its workspace that match it. Policy quals
            // are trusted, so the GIN index serves them. The tsvector is generated by a statement trigger from every
            // chunk inserted and is deleted with its chunk (cascade). Chunk text is never updated in place: a
            // document is re-chunked by replacing its chunks.
            migrationBuilder.Sql("""
                CREATE TABLE tenant.document_chunk_search (
                    workspace_id uuid NOT NULL,
                    chunk_id uuid NOT NULL,
                    search_vector tsvector NOT NULL,
                    CONSTRAINT pk_document_chunk_search PRIMARY KEY (workspace_id, chunk_id),
                    CONSTRAINT fk_document_chunk_search_chunk FOREIGN KEY (workspace_id, chunk_id)
                        REFERENCES tenant.document_chunks (workspace_id, id) ON DELETE CASCADE);
                CREATE INDEX ix_document_chunk_search_vector ON tenant.document_chunk_search USING gin (search_vector);

                -- RowLevelSecurity.ApplyAsync (re)creates this helper after migrations; the policy below needs it now.
                CREATE OR REPLACE FUNCTION tenant.current_workspace_id() RETURNS uuid
                    LANGUAGE sql STABLE PARALLEL SAFE
                    AS $$ SELECT NULLIF(current_setting('app.current_tenant_id', true), '')::uuid $$;
                -- Without a search query, the query is the lexeme "*all*" that every row carries (and that no text
                -- can produce: the parser drops the asterisks), so a plain read still sees its own workspace's rows.
                CREATE FUNCTION tenant.current_search_query() RETURNS tsquery
                    LANGUAGE sql STABLE PARALLEL SAFE
                    AS $$ SELECT COALESCE(NULLIF(current_setting('app.search_query', true), '')::tsquery, $q$'*all*'$q$::tsquery) $$;

                ALTER TABLE tenant.document_chunk_search ENABLE ROW LEVEL SECURITY;
                ALTER TABLE tenant.document_chunk_search FORCE ROW LEVEL SECURITY;
                CREATE POLICY workspace_search ON tenant.document_chunk_search FOR SELECT
                    USING (workspace_id = tenant.current_workspace_id() AND search_vector @@ tenant.current_search_query());

                CREATE FUNCTION tenant.document_chunks_to_search() RETURNS trigger
                    LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO tenant.document_chunk_search (workspace_id, chunk_id, search_vector)
                    SELECT n.workspace_id, n.id,
                           setweight(to_tsvector('english', coalesce(n.section, '')), 'A') || to_tsvector('english', n.content)
                           || array_to_tsvector(ARRAY['*all*'])
                    FROM new_chunks n;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER document_chunks_search_insert AFTER INSERT ON tenant.document_chunks
                    REFERENCING NEW TABLE AS new_chunks FOR EACH STATEMENT EXECUTE FUNCTION tenant.document_chunks_to_search();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TABLE IF EXISTS tenant.document_chunk_search;
                DROP TRIGGER IF EXISTS document_chunks_search_insert ON tenant.document_chunks;
                DROP FUNCTION IF EXISTS tenant.document_chunks_to_search();
                DROP FUNCTION IF EXISTS tenant.current_search_query();
                DROP INDEX IF EXISTS tenant.ix_document_chunks_embedding_hnsw;
                """);
            migrationBuilder.DropTable(
                name: "document_files",
                schema: "tenant");

            migrationBuilder.DropColumn(
                name: "attempts",
                schema: "tenant",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "category",
                schema: "tenant",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "chunk_count",
                schema: "tenant",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "embedding_model",
                schema: "tenant",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "lease_until",
                schema: "tenant",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "processed_at",
                schema: "tenant",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "progress",
                schema: "tenant",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "tags",
                schema: "tenant",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "updated_at",
                schema: "tenant",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "end_offset",
                schema: "tenant",
                table: "document_chunks");

            migrationBuilder.DropColumn(
                name: "section",
                schema: "tenant",
                table: "document_chunks");

            migrationBuilder.DropColumn(
                name: "start_offset",
                schema: "tenant",
                table: "document_chunks");

            migrationBuilder.AlterColumn<string>(
                name: "embedding_model",
                schema: "tenant",
                table: "document_chunks",
                type: "text",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(200)",
                oldMaxLength: 200,
                oldNullable: true);
        }
    }
}
