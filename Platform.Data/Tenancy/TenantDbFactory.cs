using Npgsql;
using Platform.Data.Tenant;

namespace Platform.Data.Tenancy;

/// <summary>
/// Hands out short-lived <see cref="TenantDbContext"/>s bound to one workspace, on whichever database holds
/// that workspace's data. Every unit of work runs in a transaction whose first statement sets the tenant.
/// </summary>
public sealed class TenantDbFactory(TenantConnectionResolver resolver, DataSourceRegistry sources)
{
    /// <summary>A unit of work for the workspace: connection open, transaction begun, tenant set.
    /// Finish with <see cref="TenantDbContext.CommitAsync"/>; disposing without it rolls back.</summary>
    public async Task<TenantDbContext> OpenAsync(Guid workspaceId, Guid? userId = null, CancellationToken ct = default)
    {
        if (workspaceId == Guid.Empty) throw new ArgumentException("A tenant context needs a workspace.", nameof(workspaceId));
        var connectionString = await resolver.ResolveAsync(workspaceId, ct);
        var db = Create(connectionString, DbSession.ForWorkspace(workspaceId, userId));
        try
        {
            await db.Database.BeginTransactionAsync(ct);
            return db;
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    /// <summary>A context on an explicit connection string (the migrator, data moves, tests).</summary>
    public TenantDbContext Create(string connectionString, DbSession session) => Create(sources.Get(connectionString), session);

    /// <summary>A context on a pool the caller owns (benchmarks on a throw-away database with no main store).</summary>
    public static TenantDbContext Create(NpgsqlDataSource source, DbSession session) =>
        new(DbContextOptionsFactory.Tenant(source)) { Session = session };
}
