namespace Platform.Data.Tenancy;

/// <summary>What may be opened of a workspace's own database: <see cref="ConnectionString"/> is the stored one with
/// its host replaced by the address that was checked (connect to that, no second DNS lookup), or
/// <see cref="Refusal"/> says why it may not be opened at all. <see cref="Warning"/>: usable, but flagged (an own
/// database connected before today's rules whose host they would now refuse).</summary>
public sealed record OwnDatabaseTarget(string? ConnectionString, string? Refusal, string? Warning = null)
{
    public bool Allowed => Refusal is null;
    public static OwnDatabaseTarget Refuse(string refusal) => new(null, refusal);
}

/// <summary>
/// The address rules for workspaces' own PostgreSQL databases (implemented by the Workspaces feature with the
/// app's outbound address guard). <paramref name="alreadyConnected"/>: the database was connected earlier, so only
/// the live holes (Unix sockets, several hosts, the platform's own database servers) refuse it; everything else
/// that a new connection would be refused for is returned as a <see cref="OwnDatabaseTarget.Warning"/>.
/// </summary>
public interface IOwnDatabaseGate
{
    Task<OwnDatabaseTarget> CheckAsync(string connectionString, bool alreadyConnected, CancellationToken ct = default);
}

/// <summary>Without the Workspaces feature (tools and tests that only need the stores) no own database is opened:
/// failing closed beats connecting somewhere nobody checked.</summary>
internal sealed class NoOwnDatabases : IOwnDatabaseGate
{
    public Task<OwnDatabaseTarget> CheckAsync(string connectionString, bool alreadyConnected, CancellationToken ct = default) =>
        Task.FromResult(OwnDatabaseTarget.Refuse("own databases are not enabled in this process"));
}
