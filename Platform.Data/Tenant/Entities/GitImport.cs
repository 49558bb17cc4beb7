namespace Platform.Data.Tenant.Entities;

/// <summary>A Git repository (public https URL, or a local path under a configured root) whose Markdown files are
/// imported as documents and kept in step by sync runs.</summary>
public class GitSource : TenantEntity
{
    /// <summary>The https URL or the local path as validated when the source was added.</summary>
    public required string Repository { get; set; }
    public bool IsLocal { get; set; }

    /// <summary>Short name shown in lists and given to the documents as their category ("docs-site").</summary>
    public required string Name { get; set; }

    /// <summary>Null: the remote's default branch (see <see cref="ResolvedBranch"/>).</summary>
    public string? Branch { get; set; }
    public string? ResolvedBranch { get; set; }

    /// <summary>Only Markdown under this folder of the repository (relative, '/'-separated); null = whole tree.</summary>
    public string? SubFolder { get; set; }

    /// <summary>idle, queued, syncing or failed.</summary>
    public string Status { get; set; } = GitSourceStatus.Queued;
    public string? StatusReason { get; set; }

    /// <summary>What started the next run (first, manual, auto, retry), copied into its history row.</summary>
    public string NextTrigger { get; set; } = GitSyncTrigger.First;
    public Guid? NextRequestedByUserId { get; set; }

    public string? LastCommit { get; set; }
    public DateTimeOffset? LastSyncedAt { get; set; }

    /// <summary>While syncing: the worker's lease; another instance may take the source over after it.</summary>
    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>Claims without a finished run (an interrupted sync is retried up to a limit).</summary>
    public int Attempts { get; set; }

    /// <summary>Optional periodic sync; null = only on demand.</summary>
    public int? AutoSyncMinutes { get; set; }

    public Guid? CreatedByUserId { get; set; }
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}

public static class GitSourceStatus
{
    public const string Idle = "idle";
    public const string Queued = "queued";
    public const string Syncing = "syncing";
    public const string Failed = "failed";
}

public static class GitSyncTrigger
{
    public const string First = "first";
    public const string Manual = "manual";
    public const string Auto = "auto";
    public const string Retry = "retry";
}

/// <summary>One sync of a <see cref="GitSource"/>: what it found and what it changed, or why it failed.</summary>
public class GitSyncRun : TenantEntity
{
    public Guid SourceId { get; set; }

    /// <summary>running, succeeded, no_changes or failed.</summary>
    public string Status { get; set; } = GitSyncRunStatus.Running;
    public string Trigger { get; set; } = GitSyncTrigger.Manual;
    public Guid? RequestedByUserId { get; set; }

    public DateTimeOffset StartedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? FinishedAt { get; set; }
    public string? Commit { get; set; }

    public int Added { get; set; }
    public int Updated { get; set; }
    public int Removed { get; set; }
    public int Unchanged { get; set; }
    public int Rejected { get; set; }

    /// <summary>"path: reason" for each rejected file (the first hundred).</summary>
    public List<string> Rejections { get; set; } = [];
    public string? Error { get; set; }
}

public static class GitSyncRunStatus
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string NoChanges = "no_changes";
    public const string Failed = "failed";
}
