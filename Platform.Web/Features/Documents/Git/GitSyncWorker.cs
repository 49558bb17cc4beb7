using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Data.Tenancy;
using Platform.Data.Tenant.Entities;
using Platform.Web.Infrastructure;

namespace Platform.Web.Features.Documents.Git;

/// <summary>
/// The background side of Git import (never the circuit: a clone may take minutes and must survive a closed tab).
/// Wakes up when a sync is queued here, and sweeps every workspace at start and every few seconds for syncs it was
/// not told about — queued by another instance, or left "syncing" by a restart (taken over once the lease ran out) —
/// and for sources whose auto-sync interval has passed.
/// </summary>
public sealed class GitSyncWorker(
    GitSyncer syncer, GitSyncSignals signals, MainDbFactory main, TenantDbFactory tenants, IOptions<DocumentsOptions> options,
    WorkerHeartbeats heartbeats, ILogger<GitSyncWorker> logger)
    : WorkspaceSweepWorker(signals.Work, main, heartbeats, logger)
{
    public const string WorkerName = "Git sync";

    protected override string Name => WorkerName;

    protected override TimeSpan SweepEvery => TimeSpan.FromSeconds(options.Value.SweepSeconds);

    /// <summary>Workspaces sync side by side (one sync at a time per workspace), so a slow or hanging Git host holds
    /// one slot until its timeout, not every workspace's imports.</summary>
    protected override int Concurrency => Math.Max(1, options.Value.WorkerConcurrency);

    protected override Task DrainAsync(Guid workspaceId, CancellationToken ct) => syncer.DrainAsync(workspaceId, ct);

    protected override Task OnSweepAsync(Guid workspaceId, CancellationToken ct) => QueueDueAutoSyncsAsync(workspaceId, ct);

    /// <summary>Queues idle or failed sources whose auto-sync interval has passed since their last sync.</summary>
    private async Task QueueDueAutoSyncsAsync(Guid workspaceId, CancellationToken ct)
    {
        await using var db = await tenants.OpenAsync(workspaceId, null, ct);
        await db.Database.ExecuteSqlAsync($"""
            UPDATE tenant.git_sources
               SET status = 'queued', next_trigger = {GitSyncTrigger.Auto}, next_requested_by_user_id = NULL, updated_at = now()
             WHERE workspace_id = {workspaceId} AND auto_sync_minutes IS NOT NULL AND status IN ('idle', 'failed')
               AND coalesce(last_synced_at, created_at) + make_interval(mins => auto_sync_minutes) < now()
            """, ct);
        await db.CommitAsync(ct);
    }
}
