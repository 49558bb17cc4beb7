using Npgsql;

namespace Platform.Data.Tenancy;

/// <summary>
/// The security half of every migration run, executed by the owner role after EF migrations. Idempotent, so it
/// converges any database (main, default tenant store, a workspace's own) to the same rules:
/// every table that has a workspace_id column gets RLS enabled and FORCED, with SELECT/INSERT/UPDATE/DELETE
/// policies keyed by the transaction-local setting app.current_tenant_id. A new feature table is protected the
/// moment it has a workspace_id column; a table can still define its own policies (see <see cref="MainPolicies"/>).
/// The runtime role gets DML only.
/// </summary>
public static class RowLevelSecurity
{
    public const string MainSchema = "main";
    public const string TenantSchema = "tenant";

    private static string Helpers(string schema) => $"""
        CREATE OR REPLACE FUNCTION {schema}.current_workspace_id() RETURNS uuid
            LANGUAGE sql STABLE PARALLEL SAFE
            AS $$ SELECT NULLIF(current_setting('app.current_tenant_id', true), '')::uuid $$;
        CREATE OR REPLACE FUNCTION {schema}.current_user_id() RETURNS uuid
            LANGUAGE sql STABLE PARALLEL SAFE
            AS $$ SELECT NULLIF(current_setting('app.current_user_id', true), '')::uuid $$;
        CREATE OR REPLACE FUNCTION {schema}.is_platform_admin() RETURNS boolean
            LANGUAGE sql STABLE PARALLEL SAFE
            AS $$ SELECT COALESCE(current_setting('app.platform_admin', true), '') = 'on' $$;
        """;

    /// <summary>Tables of the main store whose rules differ from "own workspace (or platform admin) only".</summary>
    private const string MainPolicies = """
        -- A user sees their own memberships without a workspace context: that is how the app finds their workspaces.
        DROP POLICY IF EXISTS members_select ON main.workspace_members;
        CREATE POLICY members_select ON main.workspace_members FOR SELECT
            USING (workspace_id = main.current_workspace_id() OR user_id = main.current_user_id() OR main.is_platform_admin());

        -- The audit log is append-only for the app. Platform-level events (no workspace) can be written by anyone
        -- (sign-in failures happen before there is a workspace) but read only by platform admins.
        DROP POLICY IF EXISTS audit_select ON main.audit_log;
        CREATE POLICY audit_select ON main.audit_log FOR SELECT
            USING (workspace_id = main.current_workspace_id() OR main.is_platform_admin());
        DROP POLICY IF EXISTS audit_insert ON main.audit_log;
        CREATE POLICY audit_insert ON main.audit_log FOR INSERT
            WITH CHECK (workspace_id IS NULL OR workspace_id = main.current_workspace_id() OR main.is_platform_admin());
        DROP POLICY IF EXISTS audit_update ON main.audit_log;
        CREATE POLICY audit_update ON main.audit_log FOR UPDATE USING (false) WITH CHECK (false);
        DROP POLICY IF EXISTS audit_delete ON main.audit_log;
        CREATE POLICY audit_delete ON main.audit_log FOR DELETE USING (false);
        """;

    private static string Generic(string schema, string predicate) => $$"""
        DO $rls$
        DECLARE t record; c text;
        BEGIN
          FOR t IN SELECT table_name FROM information_schema.columns
                   WHERE table_schema = '{{schema}}' AND column_name = 'workspace_id'
          LOOP
            EXECUTE format('ALTER TABLE {{schema}}.%I ENABLE ROW LEVEL SECURITY', t.table_name);
            EXECUTE format('ALTER TABLE {{schema}}.%I FORCE ROW LEVEL SECURITY', t.table_name);
            FOREACH c IN ARRAY ARRAY['SELECT','INSERT','UPDATE','DELETE'] LOOP
              IF NOT EXISTS (SELECT 1 FROM pg_policies p WHERE p.schemaname = '{{schema}}'
                             AND p.tablename = t.table_name AND p.cmd = c) THEN
                EXECUTE format('CREATE POLICY %I ON {{schema}}.%I FOR %s %s',
                  'workspace_' || lower(c), t.table_name, c,
                  CASE c WHEN 'INSERT' THEN 'WITH CHECK ({{predicate}})'
                         WHEN 'UPDATE' THEN 'USING ({{predicate}}) WITH CHECK ({{predicate}})'
                         ELSE 'USING ({{predicate}})' END);
              END IF;
            END LOOP;
          END LOOP;
        END $rls$;
        """;

    private static string Grants(string schema, string appRole) => $$"""
        DO $grants$
        BEGIN
          IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{{appRole}}') AND current_user <> '{{appRole}}' THEN
            EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), '{{appRole}}');
            GRANT USAGE ON SCHEMA {{schema}} TO "{{appRole}}";
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {{schema}} TO "{{appRole}}";
            GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {{schema}} TO "{{appRole}}";
            GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {{schema}} TO "{{appRole}}";
            -- The app may read which migration a store is on, never rewrite history.
            REVOKE INSERT, UPDATE, DELETE ON {{schema}}.__ef_migrations_history FROM "{{appRole}}";
            {{(schema == MainSchema ? $"REVOKE UPDATE, DELETE ON main.audit_log FROM \"{appRole}\";" : "")}}
          END IF;
        END $grants$;
        """;

    /// <summary>Applies helpers, policies and grants for one store. <paramref name="appRole"/> is the runtime
    /// role to grant DML to (null: the connection's own role is also the runtime role, e.g. a workspace's own
    /// database reached with one set of credentials).</summary>
    public static async Task ApplyAsync(NpgsqlConnection ownerConnection, string schema, string? appRole, CancellationToken ct = default)
    {
        if (schema is not (MainSchema or TenantSchema)) throw new ArgumentOutOfRangeException(nameof(schema));
        if (appRole is not null && !System.Text.RegularExpressions.Regex.IsMatch(appRole, "^[a-z_][a-z0-9_]{0,62}$"))
            throw new ArgumentException($"Database:AppRole '{appRole}' is not a plain PostgreSQL role name.", nameof(appRole));

        var predicate = schema == MainSchema
            ? "workspace_id = main.current_workspace_id() OR main.is_platform_admin()"
            : "workspace_id = tenant.current_workspace_id()";
        var sql = Helpers(schema)
                  + (schema == MainSchema ? MainPolicies : "")
                  + Generic(schema, predicate)
                  + (appRole is null ? "" : Grants(schema, appRole));
        await using var command = new NpgsqlCommand(sql, ownerConnection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
