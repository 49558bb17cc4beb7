using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Web.Hosting;

namespace Platform.Web.Features.Documents.Ingestion;

/// <summary>
/// The background side of ingestion (not the page: it goes on when the tab closes). Wakes up when an upload
/// signals a workspace, and sweeps every workspace at start and every few seconds for work it was not told
/// about: documents left queued or processing by a restart, a crash or another instance.
/// </summary>
public sealed class IngestionWorker(
    DocumentProcessor processor, IngestionSignals signals, MainDbFactory main, IOptions<DocumentsOptions> options,
    WorkerHeartbeats heartbeats, ILogger<IngestionWorker> logger) : BackgroundService
{
    public const string Name = "Document ingestion";

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
                    foreach (var id in await WorkspaceIdsAsync(stoppingToken)) signals.WorkAvailable(id);
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
                await processor.DrainAsync(workspaceId, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A database hiccup must not end ingestion for the life of the process.
                logger.LogError(e, "Ingestion worker loop failed; continuing");
                heartbeats.Failed(Name, e);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            }
        }
    }

    private async Task<List<Guid>> WorkspaceIdsAsync(CancellationToken ct)
    {
        await using var db = main.Create(DbSession.None);
        return await db.Workspaces.Where(w => w.Status == WorkspaceStatus.Active).Select(w => w.Id).ToListAsync(ct);
    }
}
