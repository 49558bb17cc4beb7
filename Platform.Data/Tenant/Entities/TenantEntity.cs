namespace Platform.Data.Tenant.Entities;

/// <summary>Base of every application row: composite key (workspace_id, id), forced RLS by workspace.
/// Foreign keys between tenant rows include workspace_id, so a row can never point into another workspace.</summary>
public abstract class TenantEntity
{
    public Guid WorkspaceId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}
