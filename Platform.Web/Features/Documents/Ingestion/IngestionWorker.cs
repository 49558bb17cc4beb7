using Microsoft.Extensions.Options;
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
    WorkerHeartbeats heartbeats, ILogger<IngestionWorker> logger)
    : WorkspaceSweepWorker(signals.Work, main, heartbeats, logger)
{
    public const string WorkerName = "Document ingestion";

    protected override string Name => WorkerName;

    protected override TimeSpan SweepEvery => TimeSpan.FromSeconds(options.Value.SweepSeconds);

    protected override Task DrainAsync(Guid workspaceId, CancellationToken ct) => processor.DrainAsync(workspaceId, ct);
}
