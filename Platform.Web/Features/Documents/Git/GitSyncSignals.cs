using Platform.Web.Infrastructure;


namespace Platform.Web.Features.Documents.Git;

/// <summary>A Git source's state changed (pages reload it).</summary>
public sealed record GitSourceChange(Guid WorkspaceId, Guid SourceId, string Status);

/// <summary>"Sync now" tells the <see cref="GitSyncWorker"/> a workspace has a sync queued; the worker tells open
/// pages how each source is doing.</summary>
public sealed class GitSyncSignals(ILogger<GitSyncSignals> logger) : WorkspaceSignals<GitSourceChange>(logger);
