namespace Platform.Data.Main.Entities;

/// <summary>A workspace's own PostgreSQL database. The connection string is encrypted at rest (Data Protection);
/// only <see cref="ConnectionHint"/> is ever shown back.</summary>
public class WorkspaceApp : WorkspaceScoped
{
    public string Name { get; set; } = "Workspace database";
    public required string EncryptedConnectionString { get; set; }

    /// <summary>host:port/database as user, password never included.</summary>
    public required string ConnectionHint { get; set; }

    public WorkspaceAppStatus Status { get; set; } = WorkspaceAppStatus.Pending;

    /// <summary>Last tenant migration applied there.</summary>
    public string? SchemaVersion { get; set; }

    public DateTimeOffset? LastCheckedAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}

public enum WorkspaceAppStatus { Pending, Ready, Failed, Disabled }
