using System.Threading.Channels;

namespace Platform.Web.Features.Documents.Ingestion;

/// <summary>A document's state as the page shows it.</summary>
public sealed record DocumentChange(Guid WorkspaceId, Guid DocumentId, string Status, int Progress, string? Reason);

/// <summary>
/// In-process wiring between uploads, the worker and open pages: "workspace X has work" for the worker, and
/// "document Y changed" for pages. Other instances find the same work through the worker's periodic sweep and
/// pages reload state from the database, so nothing depends on this being the only instance.
/// </summary>
public sealed class IngestionSignals
{
    private readonly Channel<Guid> _work = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });

    public event Action<DocumentChange>? Changed;

    public void WorkAvailable(Guid workspaceId) => _work.Writer.TryWrite(workspaceId);

    internal ChannelReader<Guid> Work => _work.Reader;

    public void Publish(DocumentChange change)
    {
        foreach (var handler in Changed?.GetInvocationList() ?? [])
        {
            try { ((Action<DocumentChange>)handler)(change); }
            catch (Exception) { /* a closed page's handler must not stop the worker */ }
        }
    }
}
