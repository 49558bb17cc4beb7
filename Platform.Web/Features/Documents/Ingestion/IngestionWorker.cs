using Microsoft.Extensions.Options;
using Platform.Data.Tenancy;
using Platform.Web.Infrastructure;

namespace Platform.Web.Features.Documents.Ingestion;

/// <summary>
/// The background side of ingestion (not the page: it goes on when the tab closes). Wakes up when an upload
/// signals a workspace, and sweeps every workspace at start and every few seconds for work it was not told
/// about: documents left queued or processing by a restart, a crash or another instance. Several workspaces are
/// served at once and in turn, one document at a time each (see <see cref="Concurrency"/>).
/// </summary>
public sealed class IngestionWorker(
    DocumentProcessor processor, IngestionSignals signals, MainDbFactory main, IOptions<DocumentsOptions> options,
    WorkerHeartbeats heartbeats, ILogger<IngestionWorker> logger)
    : WorkspaceSweepWorker(signals.Work, main, heartbeats, logger)
{
    public const string WorkerName = "Document ingestion";

    protected override string Name => WorkerName;

    protected override TimeSpan SweepEvery => TimeSpan.FromSeconds(options.Value.SweepSeconds);

    /// <summary>Documents of different workspaces are processed side by side (one at a time per workspace), so a
    /// slow or hostile document holds one slot, never the whole queue.</summary>
    protected override int Concurrency => Math.Max(1, options.Value.WorkerConcurrency);

    /// <summary>One document per turn: a workspace with more waiting goes to the back of the line, behind the
    /// workspaces that were signalled meanwhile (round-robin), instead of draining its whole pile first.</summary>
    protected override async Task DrainAsync(Guid workspaceId, CancellationToken ct)
    {
        if (await processor.ProcessNextAsync(workspaceId, ct)) signals.WorkAvailable(workspaceId);
    }
}
