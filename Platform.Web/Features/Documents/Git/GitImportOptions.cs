namespace Platform.Web.Features.Documents.Git;

/// <summary>appsettings "Documents:Git".</summary>
public sealed class GitImportOptions
{
    public const string Section = "Documents:Git";

    /// <summary>Folders under which local repositories may be imported. Empty (the default) = local import disabled:
    /// on a shared server a path would otherwise let any workspace read any repository the app can see.</summary>
    public string[] LocalRoots { get; set; } = [];

    /// <summary>A git command (clone, ls-remote) taking longer is killed with its process tree.</summary>
    public int TimeoutSeconds { get; set; } = 120;

    /// <summary>Markdown files per sync; a repository with more fails the run (nothing is changed).</summary>
    public int MaxFiles { get; set; } = 2000;

    /// <summary>Total bytes of the Markdown files read per sync.</summary>
    public long MaxTotalBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Interrupted syncs (restart, crash) are retried this many times before the source is marked failed.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Allow https repositories on loopback/private/link-local addresses (off: users could otherwise make the
    /// server fetch from its own network). For self-hosted setups with an internal Git server.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>The git executable (on PATH by default).</summary>
    public string GitExecutable { get; set; } = "git";

    /// <summary>How long a worker owns a sync; longer than the clone timeout so a live sync is never taken over.</summary>
    public TimeSpan Lease => TimeSpan.FromSeconds(TimeoutSeconds * 3 + 60);
}
