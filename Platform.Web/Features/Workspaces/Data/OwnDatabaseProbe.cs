using System.Net.Sockets;
using Npgsql;

namespace Platform.Web.Features.Workspaces;

/// <summary>
/// Looks at a PostgreSQL database with the credentials a person gave, without changing anything: can we reach
/// it and sign in, which version, is pgvector there (or may this role create it), may it create the tenant
/// schema, and does the role bypass row-level security. Each failure gets a message naming what to fix.
/// </summary>
public static class OwnDatabaseProbe
{
    public const int MinimumServerVersion = 130000;

    public static async Task<OwnDatabaseCheck> CheckAsync(string connectionString, CancellationToken ct = default)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        var where = $"{b.Host}:{b.Port}";
        try
        {
            await using var c = new NpgsqlConnection(b.ConnectionString);
            await c.OpenAsync(ct);
            return await InspectAsync(c, b, ct);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidPassword)
        {
            return new($"The server at {where} rejected the password for user '{b.Username}'.");
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            return new($"The server at {where} refused user '{b.Username}' for database '{b.Database}' ({e.MessageText}). " +
                       "Check the user name and the server's pg_hba.conf.");
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidCatalogName)
        {
            return new($"The server at {where} has no database named '{b.Database}'. Create it first, or fix the name.");
        }
        catch (PostgresException e)
        {
            return new($"The server at {where} refused the connection: {e.MessageText} ({e.SqlState}).");
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            var reason = e.InnerException?.Message ?? e.Message;
            return new($"Could not reach a PostgreSQL server at {where}: {reason}. Check the host and port, and that " +
                       "the server accepts connections from the platform.");
        }
    }

    private static async Task<OwnDatabaseCheck> InspectAsync(NpgsqlConnection c, NpgsqlConnectionStringBuilder b, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT current_setting('server_version'), current_setting('server_version_num')::int,
                   r.rolsuper, r.rolbypassrls,
                   has_database_privilege(current_database(), 'CREATE'),
                   (SELECT extversion FROM pg_extension WHERE extname = 'vector'),
                   EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector'),
                   COALESCE((SELECT v.trusted FROM pg_available_extension_versions v JOIN pg_available_extensions a
                             ON a.name = v.name AND a.default_version = v.version WHERE v.name = 'vector'), false),
                   EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                           WHERE n.nspname = 'tenant' AND c.relname = '__ef_migrations_history'
                             AND has_schema_privilege(n.oid, 'USAGE')),
                   EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'tenant')
            FROM pg_roles r WHERE r.rolname = current_user
            """, c);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var (version, versionNum, super, bypass, canCreate) = (r.GetString(0), r.GetInt32(1), r.GetBoolean(2), r.GetBoolean(3), r.GetBoolean(4));
        var vectorVersion = r.IsDBNull(5) ? null : r.GetString(5);
        var (vectorAvailable, vectorTrusted, migrated, schemaExists) = (r.GetBoolean(6), r.GetBoolean(7), r.GetBoolean(8), r.GetBoolean(9));
        await r.DisposeAsync();

        var shortVersion = version.Split(' ')[0];
        if (versionNum < MinimumServerVersion)
            return new($"PostgreSQL {shortVersion} is too old: version 13 or newer is needed.", shortVersion);

        var vectorWillBeCreated = false;
        if (vectorVersion is null)
        {
            if (!vectorAvailable)
                return new("The pgvector extension is not installed on this server. Install pgvector (0.5 or newer) " +
                           "on the server, then test again.", shortVersion);
            if (!(super || (vectorTrusted && canCreate)))
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
        if (super || bypass)
            warnings.Add($"User '{b.Username}' is {(super ? "a superuser" : "allowed to BYPASSRLS")}: PostgreSQL row-level security " +
                         "will not apply to it, so workspace isolation in this database rests on the application alone. " +
                         "Prefer a dedicated role without these rights.");
        if (versionNum < 150000) warnings.Add($"PostgreSQL {shortVersion} works, but 15 or newer is recommended.");
        if (existing is not null) warnings.Add($"This database already holds a Platform schema ({existing}); it will be brought up to date.");
        return new(null, shortVersion, vectorVersion is not null, vectorVersion, vectorWillBeCreated, existing, warnings);
    }
}
