using System.Collections.Concurrent;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Data.Main.Entities;

namespace Platform.Data.Tenancy;

/// <summary>
/// The one place that decides which database holds a workspace's application data (host vs tenant connection
/// strings, resolved per workspace): the workspace's own database when it has a ready one in workspace_apps, else
/// the platform's tenant store (Local mode: the main database; Hosted mode: the default tenant database).
/// Own databases are honoured in both modes, so a self-hosted install can also give a team its own database.
/// The own database's host is checked and pinned by <see cref="IOwnDatabaseGate"/> on every resolution.
/// Answers are cached for a minute per instance; <see cref="Invalidate"/> drops one at once when it changes here.
/// </summary>
public sealed class TenantConnectionResolver(
    IOptions<DatabaseOptions> options, MainDbFactory main, IDataProtectionProvider protection, IOwnDatabaseGate gate)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);
    public const string ConnectionStringPurpose = "Platform.WorkspaceApps.ConnectionString";

    private readonly ConcurrentDictionary<Guid, (string ConnectionString, DateTimeOffset Until)> _cache = new();

    public IDataProtector Protector => protection.CreateProtector(ConnectionStringPurpose);

    public async Task<string> ResolveAsync(Guid workspaceId, CancellationToken ct = default)
    {
        var o = options.Value;
        if (_cache.TryGetValue(workspaceId, out var hit) && hit.Until > DateTimeOffset.UtcNow) return hit.ConnectionString;

        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId), ct);
        var placement = await db.Workspaces.Where(w => w.Id == workspaceId).Select(w => (DataPlacement?)w.DataPlacement)
            .SingleOrDefaultAsync(ct) ?? throw new WorkspaceNotFoundException(workspaceId);
        var connectionString = o.PlatformTenant;
        if (placement == DataPlacement.OwnDatabase)
        {
            var app = await db.WorkspaceApps.Where(a => a.Status == WorkspaceAppStatus.Ready)
                .OrderByDescending(a => a.CreatedAt).FirstOrDefaultAsync(ct)
                ?? throw new WorkspaceDatabaseUnavailableException(workspaceId, "its own database is not ready");
            // Pinned to the checked address; an own database that points at the platform's own servers (or a Unix
            // socket) is never opened, whatever was accepted when it was connected: that is how RLS was bypassed.
            var target = await gate.CheckAsync(Protector.Unprotect(app.EncryptedConnectionString), alreadyConnected: true, ct);
            connectionString = target.ConnectionString
                ?? throw new WorkspaceDatabaseUnavailableException(workspaceId, $"its own database is refused: {target.Refusal}");
        }
        _cache[workspaceId] = (connectionString, DateTimeOffset.UtcNow + CacheFor);
        return connectionString;
    }

    public void Invalidate(Guid workspaceId) => _cache.TryRemove(workspaceId, out _);
}

public sealed class WorkspaceNotFoundException(Guid workspaceId)
    : Exception($"Workspace {workspaceId} does not exist.");

public sealed class WorkspaceDatabaseUnavailableException(Guid workspaceId, string reason)
    : Exception($"The data of workspace {workspaceId} is unavailable: {reason}.");
