using System.ComponentModel.DataAnnotations;
using Npgsql;

namespace Platform.Web.Features.Workspaces;

/// <summary>What a person types to connect their own PostgreSQL database.</summary>
public sealed class OwnDatabaseInput
{
    [Required] public string Host { get; set; } = "";
    [Range(1, 65535)] public int Port { get; set; } = 5432;
    [Required] public string Database { get; set; } = "";
    [Required] public string Username { get; set; } = "";
    public string Password { get; set; } = "";
    public bool RequireSsl { get; set; }

    public string ToConnectionString() => new NpgsqlConnectionStringBuilder
    {
        Host = Host.Trim(), Port = Port, Database = Database.Trim(), Username = Username.Trim(), Password = Password,
        SslMode = RequireSsl ? SslMode.Require : SslMode.Prefer,
        // A workspace database is someone else's server: fail fast, keep its pool small.
        Timeout = 8, CommandTimeout = 120, MaxPoolSize = 20,
    }.ConnectionString;
}

/// <summary>The answer to "Test connection". <see cref="Error"/> set: this database cannot be used as it is
/// (the message says what to fix). <see cref="Warnings"/>: usable, but the person should know.</summary>
public sealed record OwnDatabaseCheck(
    string? Error,
    string? ServerVersion = null,
    bool VectorInstalled = false,
    string? VectorVersion = null,
    bool VectorWillBeCreated = false,
    string? ExistingSchemaVersion = null,
    IReadOnlyList<string>? Warnings = null)
{
    public bool Usable => Error is null;
    public IReadOnlyList<string> AllWarnings => Warnings ?? [];
}
