using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Main.Entities;

namespace Platform.Data.Tenancy;

/// <summary>
/// Applies migrations as the owner role — main store, the platform's tenant store, and every workspace's own
/// database that is connected — followed by the RLS/grant convergence of <see cref="RowLevelSecurity"/>.
/// </summary>
public sealed class DatabaseMigrator(
    IOptions<DatabaseOptions> options,
    MainDbFactory main,
    TenantDbFactory tenants,
    TenantConnectionResolver resolver,
    ILogger<DatabaseMigrator> logger)
{
    public async Task MigrateAllAsync(CancellationToken ct = default)
    {
        var o = options.Value;
        await using (var db = main.CreateOwner())
        {
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.MigrateAsync(ct);
            await RowLevelSecurity.ApplyAsync((NpgsqlConnection)db.Database.GetDbConnection(), RowLevelSecurity.MainSchema, o.AppRole, ct);
        }
        await MigrateTenantStoreAsync(o.PlatformTenantOwner, o.AppRole, ct);
        logger.LogInformation("Main and platform tenant store migrated ({Mode} mode)", o.Mode);
        await MigrateOwnDatabasesAsync(ct);
    }

    /// <summary>Migrates one tenant store and converges its security. Returns the last applied migration.
    /// <paramref name="appRole"/> null: the connection's own role is also the runtime role there.</summary>
    public async Task<string?> MigrateTenantStoreAsync(string ownerConnectionString, string? appRole, CancellationToken ct = default)
    {
        await using var db = tenants.Create(ownerConnectionString, DbSession.None);
        await db.Database.OpenConnectionAsync(ct);
        await using (var ext = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS vector",
                         (NpgsqlConnection)db.Database.GetDbConnection()))
            await ext.ExecuteNonQueryAsync(ct);
        await db.Database.MigrateAsync(ct);
        await RowLevelSecurity.ApplyAsync((NpgsqlConnection)db.Database.GetDbConnection(), RowLevelSecurity.TenantSchema, appRole, ct);
        return (await db.Database.GetAppliedMigrationsAsync(ct)).LastOrDefault();
    }

    /// <summary>Bring every connected workspace database up to the current schema. A database that
    /// fails is marked Failed with the reason (its workspace shows it) and does not stop the others.</summary>
    private async Task MigrateOwnDatabasesAsync(CancellationToken ct)
    {
        await using var db = await main.OpenAsync(DbSession.ForPlatformAdmin(Guid.Empty), ct);
        var apps = await db.WorkspaceApps.Where(a => a.Status == WorkspaceAppStatus.Ready).ToListAsync(ct);
        foreach (var app in apps)
        {
            try
            {
                var connectionString = resolver.Protector.Unprotect(app.EncryptedConnectionString);
                app.SchemaVersion = await MigrateTenantStoreAsync(connectionString, appRole: null, ct);
                app.LastError = null;
            }
            catch (Exception e) when (e is NpgsqlException or System.Security.Cryptography.CryptographicException or InvalidOperationException)
            {
                logger.LogWarning(e, "Workspace {WorkspaceId}: its own database could not be migrated", app.WorkspaceId);
                app.Status = WorkspaceAppStatus.Failed;
                app.LastError = e.Message;
                resolver.Invalidate(app.WorkspaceId);
            }
            app.LastCheckedAt = DateTimeOffset.UtcNow;
        }
        await db.SaveChangesAsync(ct);
        await db.Database.CommitTransactionAsync(ct);
    }
}
