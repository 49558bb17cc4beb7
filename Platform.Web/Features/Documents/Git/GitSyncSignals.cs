using System.Threading.Channels;

namespace Platform.Web.Features.Documents.Git;

/// <summary>A Git source's state changed (pages reload it).</summary>
public sealed record GitSourceChange(Guid WorkspaceId, Guid SourceId, string Status);

/// <summary>
/// In-process wiring like <see cref="Ingestion.IngestionSignals"/>: "workspace X has a sync queued" for the worker,
/// "source Y changed" for open pages. Other instances find queued syncs through the worker's sweep.
/// </summary>
public sealed class GitSyncSignals
{
    private readonly Channel<Guid> _work = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });

    public event Action<GitSourceChange>? Changed;

    public void WorkAvailable(Guid workspaceId) => _work.Writer.TryWrite(workspaceId);

    internal ChannelReader<Guid> Work => _work.Reader;

    public void Publish(GitSourceChange change)
    {
        foreach (var handler in Changed?.GetInvocationList() ?? [])
        {
            try { ((Action<GitSourceChange>)handler)(change); }
            catch (Exception) { /* a closed page's handler must not stop the worker */ }
        }
    }
}
