using System.Threading.Channels;

namespace Platform.Web.Infrastructure;

/// <summary>
/// In-process wiring between the pages that queue work, the worker that does it and the pages that show it:
/// "workspace X has work" for the worker, "this item changed" for open pages. Other instances find the same work
/// through their worker's periodic sweep and pages reload state from the database, so nothing depends on this
/// being the only instance.
/// </summary>
public abstract class WorkspaceSignals<TChange>(ILogger logger)
{
    private readonly Channel<Guid> _work = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>"This item changed", for open pages.</summary>
    public Signal<TChange> Changed { get; } = new(logger, typeof(TChange).Name);

    public void WorkAvailable(Guid workspaceId) => _work.Writer.TryWrite(workspaceId);

    internal ChannelReader<Guid> Work => _work.Reader;

    public void Publish(TChange change) => Changed.Publish(change);
}
