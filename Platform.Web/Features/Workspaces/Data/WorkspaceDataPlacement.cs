using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;

namespace Platform.Web.Features.Workspaces;

public sealed record DataStatus(DataPlacement Placement, string? ConnectionHint, WorkspaceAppStatus? Status,
    string? SchemaVersion, string? LatestSchemaVersion, DateTimeOffset? LastCheckedAt, string? LastError);

/// <summary>
/// Where a workspace's application data lives, and connecting its own PostgreSQL database: test, migrate there,
/// then switch — in that order, so any failure leaves the workspace working on the platform database and the
/// step can simply be retried. Moving existing data between databases is not supported yet: connecting is
/// allowed while the workspace's data is still empty (the onboarding wizard, or a workspace with no documents
/// and chats); otherwise the person is told so.
/// </summary>
public sealed class WorkspaceDataPlacement(
    MainDbFactory main, TenantDbFactory tenants, DatabaseMigrator migrator, TenantConnectionResolver resolver,
    DataSourceRegistry sources, WorkspacePermissions permissions, IOptions<DatabaseOptions> options,
    ILogger<WorkspaceDataPlacement> logger)
{
    public async Task<DataStatus?> GetStatusAsync(Guid workspaceId, Guid actorId, CancellationToken ct = default)
    {
        if (await permissions.GetAsync(workspaceId, actorId, ct) is null) return null;
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct);
        var placement = await db.Workspaces.Where(w => w.Id == workspaceId).Select(w => w.DataPlacement).SingleAsync(ct);
        var app = await db.WorkspaceApps.Where(a => a.WorkspaceId == workspaceId).OrderByDescending(a => a.CreatedAt).FirstOrDefaultAsync(ct);
        return new DataStatus(placement, app?.ConnectionHint, app?.Status, app?.SchemaVersion, LatestSchemaVersion,
            app?.LastCheckedAt, app?.LastError);
    }

    /// <summary>The newest tenant migration this build knows.</summary>
    public string? LatestSchemaVersion
    {
        get
        {
            using var db = tenants.Create(options.Value.PlatformTenant, DbSession.None);
            return db.Database.GetMigrations().LastOrDefault();
        }
    }

    public Task<OwnDatabaseCheck> TestAsync(OwnDatabaseInput input, CancellationToken ct = default) =>
        OwnDatabaseProbe.CheckAsync(input.ToConnectionString(), ct);

    /// <summary>Tests, migrates and switches the workspace to its own database.</summary>
    public async Task<WorkspaceResult<OwnDatabaseCheck>> ConnectAsync(Guid workspaceId, Guid actorId, OwnDatabaseInput input,
        CancellationToken ct = default)
    {
        if (await permissions.CheckAsync(workspaceId, actorId, WorkspacePermission.ManageSettings, ct) is { } refusal)
            return WorkspaceResult<OwnDatabaseCheck>.Fail(refusal);
        var connectionString = input.ToConnectionString();
        var check = await OwnDatabaseProbe.CheckAsync(connectionString, ct);
        if (!check.Usable) return WorkspaceResult<OwnDatabaseCheck>.Fail(check.Error!);

        var current = await GetStatusAsync(workspaceId, actorId, ct);
        if (current?.Placement == DataPlacement.OwnDatabase)
            return WorkspaceResult<OwnDatabaseCheck>.Fail("This workspace already uses its own database. Moving to another " +
                "database is not supported yet.");
        var platformStore = options.Value.PlatformTenant;
        var existing = await TenantStoreRows.CountAsync(sources, platformStore, workspaceId, ct);
        if (existing.Where(kv => kv.Key != "ai_personalities").Sum(kv => kv.Value) > 0)
            return WorkspaceResult<OwnDatabaseCheck>.Fail("This workspace already has documents or chats on the platform " +
                "database. Moving existing data to another database is not supported yet.");

        var hint = ConnectionStrings.Hint(connectionString);
        string? schemaVersion;
        try
        {
            schemaVersion = await migrator.MigrateTenantStoreAsync(connectionString, appRole: null, ct);
            await using var tenant = tenants.Create(connectionString, DbSession.ForWorkspace(workspaceId, actorId));
            await tenant.Database.BeginTransactionAsync(ct);
            if (!await tenant.AiPersonalities.AnyAsync(ct)) WorkspaceProvisioning.AddTenantDefaults(tenant);
            await tenant.CommitAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or DbUpdateException)
        {
            logger.LogWarning(e, "Workspace {WorkspaceId}: migrating its own database {Hint} failed", workspaceId, hint);
            var reason = (e as PostgresException)?.MessageText ?? e.InnerException?.Message ?? e.Message;
            await RecordAppAsync(workspaceId, actorId, connectionString, hint, WorkspaceAppStatus.Failed, null, reason, switchTo: false, ct);
            await sources.ForgetAsync(connectionString);
            return WorkspaceResult<OwnDatabaseCheck>.Fail($"Preparing the database failed: {reason}. Nothing was switched: the " +
                "workspace keeps using the platform database. Fix the problem and try again.");
        }

        await RecordAppAsync(workspaceId, actorId, connectionString, hint, WorkspaceAppStatus.Ready, schemaVersion, null, switchTo: true, ct);
        resolver.Invalidate(workspaceId);
        // The old (empty but for defaults) copy on the platform database is no longer read; tidy it away.
        try { await TenantStoreRows.DeleteAsync(sources, platformStore, workspaceId, ct); }
        catch (NpgsqlException e) { logger.LogWarning(e, "Workspace {WorkspaceId}: leftover platform rows not removed", workspaceId); }
        return check;
    }

    /// <summary>"Re-check": reachability and schema version of the workspace's own database; brings the schema up
    /// to date when it is behind. A transient failure is recorded but does not switch anything.</summary>
    public async Task<WorkspaceResult<DataStatus>> RecheckAsync(Guid workspaceId, Guid actorId, CancellationToken ct = default)
    {
        if (await permissions.CheckAsync(workspaceId, actorId, WorkspacePermission.ManageSettings, ct) is { } refusal)
            return WorkspaceResult<DataStatus>.Fail(refusal);
        await using (var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct))
        {
            var app = await db.WorkspaceApps.Where(a => a.WorkspaceId == workspaceId).OrderByDescending(a => a.CreatedAt).FirstOrDefaultAsync(ct);
            if (app is null) return WorkspaceResult<DataStatus>.Fail("This workspace has no database of its own; its data is on the platform database.");
            var connectionString = resolver.Protector.Unprotect(app.EncryptedConnectionString);
            var check = await OwnDatabaseProbe.CheckAsync(connectionString, ct);
            app.LastCheckedAt = DateTimeOffset.UtcNow;
            app.LastError = check.Error;
            if (check.Usable && app.Status == WorkspaceAppStatus.Ready && check.ExistingSchemaVersion != LatestSchemaVersion)
            {
                try { app.SchemaVersion = await migrator.MigrateTenantStoreAsync(connectionString, appRole: null, ct); }
                catch (NpgsqlException e) { app.LastError = $"Schema update failed: {e.Message}"; }
            }
            else if (check.ExistingSchemaVersion is not null) app.SchemaVersion = check.ExistingSchemaVersion;
            AuditTrail.Add(db, workspaceId, actorId, "data.rechecked", "workspace_app", app.Id, new { ok = app.LastError is null });
            await db.SaveChangesAsync(ct);
            await db.Database.CommitTransactionAsync(ct);
        }
        return (await GetStatusAsync(workspaceId, actorId, ct))!;
    }

    private async Task RecordAppAsync(Guid workspaceId, Guid actorId, string connectionString, string hint,
        WorkspaceAppStatus status, string? schemaVersion, string? error, bool switchTo, CancellationToken ct)
    {
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct);
        // One connection row per workspace: a retry replaces the failed attempt instead of piling up rows.
        var app = await db.WorkspaceApps.Where(a => a.WorkspaceId == workspaceId).OrderByDescending(a => a.CreatedAt).FirstOrDefaultAsync(ct);
        if (app is null)
        {
            app = new WorkspaceApp { WorkspaceId = workspaceId, EncryptedConnectionString = "", ConnectionHint = hint };
            db.WorkspaceApps.Add(app);
        }
        app.EncryptedConnectionString = resolver.Protector.Protect(connectionString);
        app.ConnectionHint = hint;
        app.Status = status;
        app.SchemaVersion = schemaVersion;
        app.LastError = error;
        app.LastCheckedAt = DateTimeOffset.UtcNow;
        if (switchTo)
            await db.Workspaces.Where(w => w.Id == workspaceId)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.DataPlacement, DataPlacement.OwnDatabase), ct);
        AuditTrail.Add(db, workspaceId, actorId, switchTo ? "data.own_database_connected" : "data.own_database_failed",
            "workspace_app", app.Id, new { hint, error });
        await db.SaveChangesAsync(ct);
        await db.Database.CommitTransactionAsync(ct);
    }
}
