using Npgsql;

namespace Platform.Data.Tenancy;

/// <summary>Where system data and application data live. Bound from the "Database" section of appsettings.json.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Local: one database, system data in schema "main", application data in schema "tenant".
    /// Hosted: application data in <see cref="TenantDefault"/>, or in a workspace's own database.</summary>
    public PlatformMode Mode { get; set; } = PlatformMode.Local;

    /// <summary>Main database as the runtime role (not owner, no BYPASSRLS).</summary>
    public string Main { get; set; } = "";

    /// <summary>Main database as the owner role, used only to migrate.</summary>
    public string MainOwner { get; set; } = "";

    /// <summary>Hosted mode: the platform's default tenant database, runtime role.</summary>
    public string? TenantDefault { get; set; }

    /// <summary>Hosted mode: the default tenant database as the owner role, used only to migrate.</summary>
    public string? TenantDefaultOwner { get; set; }

    /// <summary>The runtime role granted DML on migrated stores.</summary>
    public string AppRole { get; set; } = "platform_app";

    public bool MigrateOnStart { get; set; } = true;

    /// <summary>Rules for workspaces' own PostgreSQL databases ("Database:OwnDatabases").</summary>
    public OwnDatabaseOptions OwnDatabases { get; set; } = new();

    /// <summary>Every configured connection string of the platform's own databases (each string property of these
    /// options that names a host, so a server added here later is covered too): their servers are never accepted
    /// as a workspace's own database.</summary>
    public IEnumerable<string> PlatformConnectionStrings() =>
        typeof(DatabaseOptions).GetProperties()
            .Where(p => p.PropertyType == typeof(string) && p.CanWrite)
            .Select(p => p.GetValue(this) as string)
            .Where(v => !string.IsNullOrWhiteSpace(v) && ConnectionStrings.Check(v) is null)
            .Select(v => v!);

    /// <summary>Errors naming the configuration key at fault; empty when the options are usable.</summary>
    public IEnumerable<string> Validate()
    {
        foreach (var (key, value, required) in new (string, string?, bool)[]
                 {
                     ("Database:Main", Main, true),
                     ("Database:MainOwner", MainOwner, MigrateOnStart),
                     ("Database:TenantDefault", TenantDefault, Mode == PlatformMode.Hosted),
                     ("Database:TenantDefaultOwner", TenantDefaultOwner, Mode == PlatformMode.Hosted && MigrateOnStart),
                 })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                if (required) yield return $"{key} is required{(key.StartsWith("Database:Tenant") ? " in Hosted mode" : "")}.";
                continue;
            }
            var error = ConnectionStrings.Check(value);
            if (error is not null) yield return $"{key} is not a valid PostgreSQL connection string: {error}";
        }
    }

    /// <summary>Owner connection of the platform's tenant store (local: the main database itself).</summary>
    public string PlatformTenantOwner => Mode == PlatformMode.Local ? MainOwner : TenantDefaultOwner ?? "";

    /// <summary>Runtime connection of the platform's tenant store.</summary>
    public string PlatformTenant => Mode == PlatformMode.Local ? Main : TenantDefault ?? "";
}

public enum PlatformMode { Local, Hosted }

/// <summary>"Database:OwnDatabases": workspaces that bring their own PostgreSQL database.</summary>
public sealed class OwnDatabaseOptions
{
    /// <summary>Allow own databases on loopback, private (RFC 1918, CGNAT, ULA) and link-local addresses (an
    /// install whose customers' databases sit on its internal network). The platform's own database servers are
    /// refused even then. Default false.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>How long connecting to an own database may take (Test connection, migrations, queries' connect).</summary>
    public int ConnectTimeoutSeconds { get; set; } = 8;

    /// <summary>How long migrating one own database at startup may take before it is given up (and retried on the
    /// next start or "Re-check"); startup migrations of own databases run in the background.</summary>
    public int MigrationTimeoutSeconds { get; set; } = 120;
}

public static class ConnectionStrings
{
    /// <summary>Null when the string parses as an Npgsql connection string with a host, else why not.</summary>
    public static string? Check(string value)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(value);
            if (string.IsNullOrWhiteSpace(builder.Host)) return "it names no Host";
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    /// <summary>host:port/database as user — what may be shown of a connection string. Never the password.</summary>
    public static string Hint(string value)
    {
        var b = new NpgsqlConnectionStringBuilder(value);
        return $"{b.Host}:{b.Port}/{b.Database} as {b.Username}";
    }
}
