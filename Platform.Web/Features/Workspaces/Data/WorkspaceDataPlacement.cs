using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;

namespace Platform.Web.Features.Workspaces;

/// <summary>A stored own database judged by today's rules: <see cref="Flag"/> says what to fix (null: nothing);
/// <see cref="Refused"/>: it is not opened at all.</summary>
public sealed record OwnDatabaseReview(bool Refused, string? Flag, string? Pinned = null);

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
    OwnDatabaseAddress address, ILogger<WorkspaceDataPlacement> logger)
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

    /// <summary>"Test connection" (manage_settings: the form reaches out to servers, so not everyone may use it).</summary>
    public async Task<OwnDatabaseCheck> TestAsync(Guid workspaceId, Guid actorId, OwnDatabaseInput input, CancellationToken ct = default)
    {
        if (await permissions.CheckAsync(workspaceId, actorId, WorkspacePermission.ManageSettings, ct) is { } refusal)
            return new OwnDatabaseCheck(refusal.Message);
        return (await ProbeAsync(input.ToConnectionString(), alreadyConnected: false, ct)).Check;
    }

    /// <summary>Checks the host (<see cref="OwnDatabaseAddress"/>: refused hosts get one fixed message before any
    /// connection), then probes the checked address. Returns the pinned connection string to use from here on.</summary>
    private async Task<(OwnDatabaseCheck Check, string? Pinned)> ProbeAsync(string connectionString, bool alreadyConnected, CancellationToken ct)
    {
        var target = await address.CheckAsync(connectionString, alreadyConnected, ct);
        if (!target.Allowed) return (new OwnDatabaseCheck(target.Refusal), null);
        var typed = new NpgsqlConnectionStringBuilder(connectionString);
        var check = await OwnDatabaseProbe.CheckAsync(target.ConnectionString!, $"{typed.Host}:{typed.Port}",
            await address.PlatformSystemIdentifiersAsync(ct), options.Value.OwnDatabases.ConnectTimeoutSeconds, ct);
        return (check, target.ConnectionString);
    }

    /// <summary>What is wrong with a workspace's stored own database by today's rules (the role, the host), or null.
    /// <see cref="OwnDatabaseReview.Refused"/>: it is not opened at all (it points at the platform's own server or a
    /// socket). Shown on the Data tab and the admin health page; unreachable databases are not flagged here.</summary>
    public async Task<OwnDatabaseReview> ReviewStoredAsync(string connectionString, CancellationToken ct = default)
    {
        var target = await address.CheckAsync(connectionString, alreadyConnected: true, ct);
        if (!target.Allowed) return new OwnDatabaseReview(true, target.Refusal);
        try
        {
            var b = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Pooling = false, Timeout = 5 };
            await using var c = new NpgsqlConnection(b.ConnectionString);
            await c.OpenAsync(ct);
            var role = await OwnDatabaseProbe.ReadRoleAsync(c, ct);
            var flags = new[] { OwnDatabaseProbe.RoleRefusal(role, await address.PlatformSystemIdentifiersAsync(ct)), target.Warning }
                .Where(f => f is not null).ToList();
            return new OwnDatabaseReview(false, flags.Count == 0 ? null : string.Join(" ", flags), target.ConnectionString);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or IOException)
        {
            return new OwnDatabaseReview(false, target.Warning, target.ConnectionString);
        }
    }

    /// <summary>The Data tab's review of this workspace's own database (null flag: nothing to fix).</summary>
    public async Task<OwnDatabaseReview?> ReviewAsync(Guid workspaceId, Guid actorId, CancellationToken ct = default)
    {
        if (!await permissions.HasAsync(workspaceId, actorId, WorkspacePermission.ManageSettings, ct)) return null;
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct);
        var app = await db.WorkspaceApps.Where(a => a.WorkspaceId == workspaceId && a.Status == WorkspaceAppStatus.Ready)
            .OrderByDescending(a => a.CreatedAt).FirstOrDefaultAsync(ct);
        return app is null ? null : await ReviewStoredAsync(resolver.Protector.Unprotect(app.EncryptedConnectionString), ct);
    }

    /// <summary>Tests, migrates and switches the workspace to its own database.</summary>
    public async Task<Result<OwnDatabaseCheck>> ConnectAsync(Guid workspaceId, Guid actorId, OwnDatabaseInput input,
        CancellationToken ct = default)
    {
        if (await permissions.CheckAsync(workspaceId, actorId, WorkspacePermission.ManageSettings, ct) is { } refusal)
            return refusal;
        var connectionString = input.ToConnectionString();
        var (check, pinned) = await ProbeAsync(connectionString, alreadyConnected: false, ct);
        if (!check.Usable) return Result<OwnDatabaseCheck>.Fail(check.Error!);

        var current = await GetStatusAsync(workspaceId, actorId, ct);
        if (current?.Placement == DataPlacement.OwnDatabase)
            return Result<OwnDatabaseCheck>.Fail("This workspace already uses its own database. Moving to another " +
                "database is not supported yet.");
        var platformStore = options.Value.PlatformTenant;
        var existing = await TenantStoreRows.CountAsync(sources, platformStore, workspaceId, ct);
        if (existing.Where(kv => kv.Key != "ai_personalities").Sum(kv => kv.Value) > 0)
            return Result<OwnDatabaseCheck>.Fail("This workspace already has documents or chats on the platform " +
                "database. Moving existing data to another database is not supported yet.");

        var hint = ConnectionStrings.Hint(connectionString);
        string? schemaVersion;
        try
        {
            schemaVersion = await migrator.MigrateTenantStoreAsync(pinned!, appRole: null, ct);
            await using var tenant = tenants.Create(pinned!, DbSession.ForWorkspace(workspaceId, actorId));
            await tenant.Database.BeginTransactionAsync(ct);
            if (!await tenant.AiPersonalities.AnyAsync(ct)) WorkspaceProvisioning.AddTenantDefaults(tenant);
            await tenant.CommitAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or DbUpdateException)
        {
            logger.LogWarning(e, "Workspace {WorkspaceId}: migrating its own database {Hint} failed", workspaceId, hint);
            // The server's own words when it answered (they name what to grant); never .NET's exception text.
            var reason = (e as PostgresException ?? e.InnerException as PostgresException)?.MessageText
                         ?? "the database stopped answering or answered unexpectedly";
            await RecordAppAsync(workspaceId, actorId, connectionString, hint, WorkspaceAppStatus.Failed, null, reason, switchTo: false, ct);
            await sources.ForgetAsync(pinned!);
            return Result<OwnDatabaseCheck>.Fail($"Preparing the database failed: {reason}. Nothing was switched: the " +
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
    public async Task<Result<DataStatus>> RecheckAsync(Guid workspaceId, Guid actorId, CancellationToken ct = default)
    {
        if (await permissions.CheckAsync(workspaceId, actorId, WorkspacePermission.ManageSettings, ct) is { } refusal)
            return refusal;
        await using (var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct))
        {
            var app = await db.WorkspaceApps.Where(a => a.WorkspaceId == workspaceId).OrderByDescending(a => a.CreatedAt).FirstOrDefaultAsync(ct);
            if (app is null) return Result<DataStatus>.Fail("This workspace has no database of its own; its data is on the platform database.");
            var connectionString = resolver.Protector.Unprotect(app.EncryptedConnectionString);
            // A role refused by today's rules shows up as LastError but the workspace keeps its Ready status (it keeps
            // working, flagged); only a refused host (the platform's own server, a socket) is not opened at all.
            var (check, pinned) = await ProbeAsync(connectionString, alreadyConnected: true, ct);
            app.LastCheckedAt = DateTimeOffset.UtcNow;
            app.LastError = check.Error;
            if (check.Usable && app.Status == WorkspaceAppStatus.Ready && check.ExistingSchemaVersion != LatestSchemaVersion)
            {
                try { app.SchemaVersion = await migrator.MigrateTenantStoreAsync(pinned!, appRole: null, ct); }
                catch (NpgsqlException e)
                {
                    logger.LogWarning(e, "Workspace {WorkspaceId}: updating its own database's schema failed", workspaceId);
                    app.LastError = "Schema update failed: " + ((e as PostgresException)?.MessageText ?? "the database did not answer.");
                }
            }
            else if (check.ExistingSchemaVersion is not null) app.SchemaVersion = check.ExistingSchemaVersion;
            await db.CommitAsync(AuditTrail.Entry(workspaceId, actorId, "data.rechecked", "workspace_app", app.Id, new { ok = app.LastError is null }), ct);
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
        await db.CommitAsync(AuditTrail.Entry(workspaceId, actorId, switchTo ? "data.own_database_connected" : "data.own_database_failed",
            "workspace_app", app.Id, new { hint, error }), ct);
    }
}
