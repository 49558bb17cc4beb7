using Npgsql;

namespace Platform.Web.Features.Workspaces;

/// <summary>What the role a workspace connects with may do on its server (read by <see cref="OwnDatabaseProbe"/>).</summary>
public sealed record OwnDatabaseRole(string Name, bool Superuser, bool BypassRls, bool CreateRole, bool Replication,
    string? MemberOf, string? OwnsOtherDatabases, bool HoldsPlatformSystemData, long? SystemIdentifier);

/// <summary>
/// Looks at a PostgreSQL database with the credentials a person gave, without changing anything: can we reach
/// it and sign in, which version, is the role a dedicated one (see <see cref="RoleRefusal"/>), is pgvector there
/// (or may this role create it), may it create the tenant schema. Each failure gets a message naming what to fix.
/// The connection string it gets is already checked and pinned by <see cref="OwnDatabaseAddress"/>; messages name
/// the host the person typed (<paramref name="where"/>). Failing to connect at all gives ONE message whatever the
/// cause (closed port, filtered port, something that is not PostgreSQL, timeout), so the form tells nobody what
/// listens where.
/// </summary>
public static class OwnDatabaseProbe
{
    public const int MinimumServerVersion = 130000;

    public static string CouldNotConnect(string where) =>
        $"Could not reach a PostgreSQL server at {where}. Check the host and port, and that the server accepts connections from the platform.";

    /// <summary>The SQL a database administrator runs to give a workspace a dedicated role and database (shown
    /// in a copyable block on the Data tab and in the onboarding wizard).</summary>
    public const string DedicatedRoleSql = """
        -- As a database administrator, on your PostgreSQL server (13 or newer, with pgvector installed):
        CREATE ROLE platform_workspace LOGIN PASSWORD 'choose-a-long-random-password'
          NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB NOREPLICATION;
        CREATE DATABASE platform_workspace OWNER platform_workspace;
        -- Then, connected to the new database (psql: \c platform_workspace):
        CREATE EXTENSION IF NOT EXISTS vector;
        -- Connect the workspace with user platform_workspace and database platform_workspace.
        """;

    public static async Task<OwnDatabaseCheck> CheckAsync(string pinnedConnectionString, string where, IReadOnlySet<long> platformSystemIds,
        int timeoutSeconds, CancellationToken ct = default)
    {
        var b = new NpgsqlConnectionStringBuilder(pinnedConnectionString) { Pooling = false, Timeout = timeoutSeconds };
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds * 2 + 5));
        try
        {
            await using var c = new NpgsqlConnection(b.ConnectionString);
            await c.OpenAsync(bounded.Token);
            return await InspectAsync(c, b, platformSystemIds, bounded.Token);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidPassword)
        {
            return new($"The server at {where} rejected the password for user '{b.Username}'.");
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            return new($"The server at {where} refused user '{b.Username}' for database '{b.Database}'. " +
                       "Check the user name and the server's pg_hba.conf.");
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidCatalogName)
        {
            return new($"The server at {where} has no database named '{b.Database}'. Create it first, or fix the name.");
        }
        catch (PostgresException e)
        {
            return new($"The server at {where} refused the connection (PostgreSQL error {e.SqlState}).");
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is not (OutOfMemoryException or StackOverflowException))
        {
            // Closed, filtered, wrong protocol, TLS trouble, timeout: all the same to the person filling the form.
            return new(CouldNotConnect(where));
        }
    }

    /// <summary>The role the connection runs as, and what it may do on its server.</summary>
    public static async Task<OwnDatabaseRole> ReadRoleAsync(NpgsqlConnection c, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT r.rolname, r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolreplication,
                   (SELECT string_agg(g.rolname, ', ' ORDER BY g.rolname) FROM pg_auth_members m
                      JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid),
                   (SELECT string_agg(d.datname, ', ' ORDER BY d.datname) FROM pg_database d
                     WHERE d.datdba = r.oid AND d.datname <> current_database()),
                   EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                           WHERE n.nspname = 'main' AND c.relname = '__ef_migrations_history'),
                   CASE WHEN has_function_privilege('pg_catalog.pg_control_system()', 'EXECUTE')
                        THEN (SELECT system_identifier FROM pg_catalog.pg_control_system()) END
            FROM pg_roles r WHERE r.rolname = current_user
            """, c);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new OwnDatabaseRole(r.GetString(0), r.GetBoolean(1), r.GetBoolean(2), r.GetBoolean(3), r.GetBoolean(4),
            r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.GetBoolean(7),
            r.IsDBNull(8) ? null : r.GetInt64(8));
    }

    /// <summary>
    /// Why this role may not hold a workspace's data, or null. A workspace's own database must be reached as a
    /// dedicated role that row-level security binds and that can touch nothing of the platform's:
    /// not SUPERUSER or BYPASSRLS (RLS would not apply), not CREATEROLE (before PostgreSQL 16 it can grant itself
    /// any other role) or REPLICATION (reads the whole cluster); a member of no other role (it could act as that
    /// role); owning no database but the one it connects to; and the database must not hold the platform's system
    /// data (schema main) nor be on one of the platform's clusters (same system identifier — the platform's server
    /// reached through another address, port, proxy or a replica).
    /// </summary>
    public static string? RoleRefusal(OwnDatabaseRole role, IReadOnlySet<long> platformSystemIds)
    {
        if (role.SystemIdentifier is { } id && platformSystemIds.Contains(id)) return OwnDatabaseAddress.Refused;
        if (role.HoldsPlatformSystemData)
            return "This database holds the platform's own system data; a workspace cannot use it. Create a separate database.";
        var rights = new List<string>();
        if (role.Superuser) rights.Add("is a superuser");
        if (role.BypassRls) rights.Add("may bypass row-level security (BYPASSRLS)");
        if (role.CreateRole) rights.Add("may create roles (CREATEROLE)");
        if (role.Replication) rights.Add("is a replication role");
        if (role.MemberOf is { } groups) rights.Add($"is a member of other roles ({groups})");
        if (role.OwnsOtherDatabases is { } dbs) rights.Add($"owns other databases ({dbs})");
        return rights.Count == 0 ? null
            : $"User '{role.Name}' {string.Join(", ", rights)}. Row-level security would not reliably keep this workspace's data " +
              "apart, so the platform only connects as a dedicated role: create one with the SQL shown under \"How to create a dedicated role\".";
    }

    private static async Task<OwnDatabaseCheck> InspectAsync(NpgsqlConnection c, NpgsqlConnectionStringBuilder b,
        IReadOnlySet<long> platformSystemIds, CancellationToken ct)
    {
        var role = await ReadRoleAsync(c, ct);
        await using var cmd = new NpgsqlCommand("""
            SELECT current_setting('server_version'), current_setting('server_version_num')::int,
                   has_database_privilege(current_database(), 'CREATE'),
                   (SELECT extversion FROM pg_extension WHERE extname = 'vector'),
                   EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector'),
                   COALESCE((SELECT v.trusted FROM pg_available_extension_versions v JOIN pg_available_extensions a
                             ON a.name = v.name AND a.default_version = v.version WHERE v.name = 'vector'), false),
                   EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                           WHERE n.nspname = 'tenant' AND c.relname = '__ef_migrations_history'
                             AND has_schema_privilege(n.oid, 'USAGE')),
                   EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'tenant')
            """, c);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var (version, versionNum, canCreate) = (r.GetString(0), r.GetInt32(1), r.GetBoolean(2));
        var vectorVersion = r.IsDBNull(3) ? null : r.GetString(3);
        var (vectorAvailable, vectorTrusted, migrated, schemaExists) = (r.GetBoolean(4), r.GetBoolean(5), r.GetBoolean(6), r.GetBoolean(7));
        await r.DisposeAsync();

        var shortVersion = version.Split(' ')[0];
        if (RoleRefusal(role, platformSystemIds) is { } refusal) return new(refusal, shortVersion);
        if (versionNum < MinimumServerVersion)
            return new($"PostgreSQL {shortVersion} is too old: version 13 or newer is needed.", shortVersion);

        var vectorWillBeCreated = false;
        if (vectorVersion is null)
        {
            if (!vectorAvailable)
                return new("The pgvector extension is not installed on this server. Install pgvector (0.5 or newer) " +
                           "on the server, then test again.", shortVersion);
            if (!(vectorTrusted && canCreate))
                return new($"pgvector is available but not enabled in database '{b.Database}', and user '{b.Username}' may not " +
                           $"enable it. Ask a database administrator to run: CREATE EXTENSION vector; in '{b.Database}', then test again.",
                           shortVersion);
            vectorWillBeCreated = true;
        }
        if (!schemaExists && !canCreate)
            return new($"User '{b.Username}' may not create schemas in database '{b.Database}'. Grant it CREATE on the " +
                       "database (or make it the database's owner), then test again.", shortVersion, vectorVersion is not null, vectorVersion);

        string? existing = null;
        if (migrated)
        {
            await using var h = new NpgsqlCommand(
                "SELECT migration_id FROM tenant.__ef_migrations_history ORDER BY migration_id DESC LIMIT 1", c);
            existing = await h.ExecuteScalarAsync(ct) as string;
        }

        var warnings = new List<string>();
        if (versionNum < 150000) warnings.Add($"PostgreSQL {shortVersion} works, but 15 or newer is recommended.");
        if (existing is not null) warnings.Add($"This database already holds a Platform schema ({existing}); it will be brought up to date.");
        return new(null, shortVersion, vectorVersion is not null, vectorVersion, vectorWillBeCreated, existing, warnings);
    }
}
