using Platform.Web.Infrastructure;


namespace Platform.Web.Features.Documents.Ingestion;

/// <summary>A document's state as the page shows it.</summary>
public sealed record DocumentChange(Guid WorkspaceId, Guid DocumentId, string Status, int Progress, string? Reason);

/// <summary>Uploads tell the <see cref="IngestionWorker"/> a workspace has work; the worker tells open pages how each
/// document is doing.</summary>
public sealed class IngestionSignals(ILogger<IngestionSignals> logger) : WorkspaceSignals<DocumentChange>(logger);
