namespace Platform.Data.Tenancy;

/// <summary>
/// Who a DbContext works for. Fixed when the context is created and never changed (a context belongs to one
/// workspace for its whole life). Written into PostgreSQL as transaction-local settings at the start of every
/// transaction, where the row-level security policies read them.
/// </summary>
public sealed record DbSession(Guid? WorkspaceId, Guid? UserId = null, bool PlatformAdmin = false)
{
    /// <summary>No workspace, no user: RLS-protected tables show no rows. Used by Identity and the migrator.</summary>
    public static readonly DbSession None = new(WorkspaceId: null);

    public static DbSession ForWorkspace(Guid workspaceId, Guid? userId = null) => new(workspaceId, userId);

    /// <summary>Only the user's own membership rows are visible (workspace switcher, "my workspaces").</summary>
    public static DbSession ForUser(Guid userId) => new(null, userId);

    /// <summary>Platform admin console: system tables across workspaces. Never applies to tenant stores.</summary>
    public static DbSession ForPlatformAdmin(Guid userId) => new(null, userId, PlatformAdmin: true);
}

/// <summary>A DbContext bound to a <see cref="DbSession"/>.</summary>
public interface ISessionBoundContext
{
    DbSession Session { get; }
}
