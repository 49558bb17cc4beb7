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
    IOwnDatabaseGate gate,
    ILogger<DatabaseMigrator> logger)
{
    /// <summary>Everything, in order (the migrate command, tests, benchmarks).</summary>
    public async Task MigrateAllAsync(CancellationToken ct = default)
    {
        await MigratePlatformAsync(ct);
        await MigrateOwnDatabasesAsync(ct);
    }

    /// <summary>The main store and the platform's tenant store: the app does not serve before these are current.</summary>
    public async Task MigratePlatformAsync(CancellationToken ct = default)
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

    /// <summary>Bring every connected workspace database up to the current schema, one at a time, each within
    /// Database:OwnDatabases:MigrationTimeoutSeconds, so an unreachable one costs at most that and never holds up
    /// the others (at startup this runs in the background while the app serves). A database whose migration
    /// fails is marked Failed with the reason (its workspace shows it); one that cannot be reached in time keeps
    /// its status with the reason noted, and is tried again on the next start or "Re-check". One whose host is
    /// refused (<see cref="IOwnDatabaseGate"/>: the platform's own server, a socket) is not opened.</summary>
    public async Task MigrateOwnDatabasesAsync(CancellationToken ct = default)
    {
        List<(Guid Id, Guid WorkspaceId, string Encrypted)> apps;
        await using (var db = await main.OpenAsync(DbSession.ForPlatformAdmin(Guid.Empty), ct))
            apps = (await db.WorkspaceApps.Where(a => a.Status == WorkspaceAppStatus.Ready)
                .Select(a => new { a.Id, a.WorkspaceId, a.EncryptedConnectionString }).ToListAsync(ct))
                .Select(a => (a.Id, a.WorkspaceId, a.EncryptedConnectionString)).ToList();
        foreach (var app in apps)
        {
            ct.ThrowIfCancellationRequested();
            var (status, schemaVersion, error) = await MigrateOwnDatabaseAsync(app.WorkspaceId, app.Encrypted, ct);
            await using var db = await main.OpenAsync(DbSession.ForPlatformAdmin(Guid.Empty), ct);
            await db.WorkspaceApps.Where(a => a.Id == app.Id).ExecuteUpdateAsync(u => u
                .SetProperty(a => a.Status, status)
                .SetProperty(a => a.SchemaVersion, a => schemaVersion ?? a.SchemaVersion)
                .SetProperty(a => a.LastError, error)
                .SetProperty(a => a.LastCheckedAt, DateTimeOffset.UtcNow), ct);
            await db.Database.CommitTransactionAsync(ct);
            if (status != WorkspaceAppStatus.Ready) resolver.Invalidate(app.WorkspaceId);
        }
    }

    private async Task<(WorkspaceAppStatus Status, string? SchemaVersion, string? Error)> MigrateOwnDatabaseAsync(
        Guid workspaceId, string encrypted, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var seconds = options.Value.OwnDatabases.MigrationTimeoutSeconds;
        timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var target = await gate.CheckAsync(resolver.Protector.Unprotect(encrypted), alreadyConnected: true, timeout.Token);
            if (!target.Allowed) return (WorkspaceAppStatus.Ready, null, $"Not opened: {target.Refusal}");
            // The token asks the work to stop; WaitAsync is the hard bound (a server that accepted the connection and
            // never answers can hold Npgsql until its own connect timeout, whatever the token says).
            var work = MigrateTenantStoreAsync(target.ConnectionString!, appRole: null, timeout.Token);
            _ = work.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            var version = await work.WaitAsync(TimeSpan.FromSeconds(seconds), ct);
            return (WorkspaceAppStatus.Ready, version, null);
        }
        catch (Exception) when (!ct.IsCancellationRequested && (timeout.IsCancellationRequested || elapsed.Elapsed >= TimeSpan.FromSeconds(seconds)))
        {
            logger.LogWarning("Workspace {WorkspaceId}: its own database was not migrated within {Seconds} s", workspaceId, seconds);
            return (WorkspaceAppStatus.Ready, null, $"Not migrated at startup: no answer within {seconds} s. It is tried again on the next start or Re-check.");
        }
        catch (Exception e) when (e is NpgsqlException { IsTransient: true } or TimeoutException or System.Net.Sockets.SocketException
                                      or InvalidOperationException { InnerException: NpgsqlException { IsTransient: true } })
        {
            logger.LogWarning(e, "Workspace {WorkspaceId}: its own database could not be reached to migrate it", workspaceId);
            return (WorkspaceAppStatus.Ready, null, "Not migrated at startup: the database could not be reached. It is tried again on the next start or Re-check.");
        }
        catch (Exception e) when (e is NpgsqlException or System.Security.Cryptography.CryptographicException or InvalidOperationException)
        {
            logger.LogWarning(e, "Workspace {WorkspaceId}: its own database could not be migrated", workspaceId);
            return (WorkspaceAppStatus.Failed, null, (e as PostgresException)?.MessageText is { } m
                ? $"Migration failed: {m}" : "Migration failed: the connection could not be used (see the server log).");
        }
    }
}
