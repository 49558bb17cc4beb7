using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;

namespace Platform.Web.Hosting;

/// <summary>
/// A background worker for work kept per workspace in the database (never in a circuit: it goes on when the tab
/// closes). It wakes when a page signals a workspace, and sweeps every active workspace at start and every
/// <see cref="SweepEvery"/> for work it was not told about: left unfinished by a restart or a crash, or queued by
/// another instance. A failed round is logged and reported to <see cref="WorkerHeartbeats"/>; the loop goes on.
/// </summary>
public abstract class WorkspaceSweepWorker(
    ChannelReader<Guid> work, MainDbFactory main, WorkerHeartbeats heartbeats, ILogger logger) : BackgroundService
{
    /// <summary>The worker's name on the admin health page.</summary>
    protected abstract string Name { get; }

    protected abstract TimeSpan SweepEvery { get; }

    /// <summary>Does the queued work of one workspace.</summary>
    protected abstract Task DrainAsync(Guid workspaceId, CancellationToken ct);

    /// <summary>Runs for each active workspace at each sweep, before its work is drained.</summary>
    protected virtual Task OnSweepAsync(Guid workspaceId, CancellationToken ct) => Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        heartbeats.Register(Name, SweepEvery);
        var pending = new Queue<Guid>();
        var nextSweep = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (DateTimeOffset.UtcNow >= nextSweep)
                {
                    foreach (var id in await ActiveWorkspacesAsync(stoppingToken))
                    {
                        await OnSweepAsync(id, stoppingToken);
                        pending.Enqueue(id);
                    }
                    nextSweep = DateTimeOffset.UtcNow + SweepEvery;
                    heartbeats.Ok(Name);
                }
                if (!pending.TryDequeue(out var workspaceId) && !work.TryRead(out workspaceId))
                {
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    wait.CancelAfter(nextSweep - DateTimeOffset.UtcNow is var d && d > TimeSpan.Zero ? d : TimeSpan.Zero);
                    try
                    {
                        workspaceId = await work.ReadAsync(wait.Token);
                    }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                    {
                        continue; // time to sweep
                    }
                }
                await DrainAsync(workspaceId, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A database hiccup must not end the worker for the life of the process.
                logger.LogError(e, "{Worker} loop failed; continuing", Name);
                heartbeats.Failed(Name, e);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            }
        }
    }

    private async Task<List<Guid>> ActiveWorkspacesAsync(CancellationToken ct)
    {
        // The workspace directory carries no workspace_id (no RLS): listing ids needs no session.
        await using var db = main.Create(DbSession.None);
        return await db.Workspaces.Where(w => w.Status == WorkspaceStatus.Active).Select(w => w.Id).ToListAsync(ct);
    }
}
