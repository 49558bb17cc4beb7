using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Data.Tenant.Entities;
using Platform.Web.Hosting;

namespace Platform.Web.Features.Documents.Git;

/// <summary>
/// The background side of Git import (never the circuit: a clone may take minutes and must survive a closed tab).
/// Wakes up when a sync is queued here, and sweeps every workspace at start and every few seconds for syncs it was
/// not told about — queued by another instance, or left "syncing" by a restart (taken over once the lease ran out) —
/// and for sources whose auto-sync interval has passed.
/// </summary>
public sealed class GitSyncWorker(
    GitSyncer syncer, GitSyncSignals signals, MainDbFactory main, TenantDbFactory tenants, IOptions<DocumentsOptions> options,
    WorkerHeartbeats heartbeats, ILogger<GitSyncWorker> logger) : BackgroundService
{
    public const string Name = "Git sync";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        heartbeats.Register(Name, TimeSpan.FromSeconds(options.Value.SweepSeconds));
        var nextSweep = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (DateTimeOffset.UtcNow >= nextSweep)
                {
                    foreach (var id in await WorkspaceIdsAsync(stoppingToken))
                    {
                        await QueueDueAutoSyncsAsync(id, stoppingToken);
                        signals.WorkAvailable(id);
                    }
                    nextSweep = DateTimeOffset.UtcNow.AddSeconds(options.Value.SweepSeconds);
                    heartbeats.Ok(Name);
                }
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wait.CancelAfter(nextSweep - DateTimeOffset.UtcNow is var d && d > TimeSpan.Zero ? d : TimeSpan.Zero);
                Guid workspaceId;
                try
                {
                    workspaceId = await signals.Work.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    continue; // time to sweep
                }
                await syncer.DrainAsync(workspaceId, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A database hiccup must not end Git import for the life of the process.
                logger.LogError(e, "Git sync worker loop failed; continuing");
                heartbeats.Failed(Name, e);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            }
        }
    }

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

    private async Task<List<Guid>> WorkspaceIdsAsync(CancellationToken ct)
    {
        await using var db = main.Create(DbSession.None);
        return await db.Workspaces.Where(w => w.Status == WorkspaceStatus.Active).Select(w => w.Id).ToListAsync(ct);
    }
}
