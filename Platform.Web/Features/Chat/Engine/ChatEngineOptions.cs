namespace Platform.Web.Features.Chat.Engine;

/// <summary>appsettings "Chat": how generations stream, persist and recover.</summary>
public sealed class ChatEngineOptions
{
    public const string Section = "Chat";

    /// <summary>How often a streaming answer is written to the database (what a crash can lose at most).</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(750);

    /// <summary>A streaming generation whose heartbeat is older than this belongs to a dead process.
    /// Heartbeats ride on the flushes, so this must be several flush intervals.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the recovery sweep looks for stale generations after the start-up sweep (other
    /// instances' crashes); it visits every workspace, so not too often.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Provider network timeout, per request and per stream read.</summary>
    public TimeSpan ProviderTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Pause between the offline assistant's streamed words.</summary>
    public TimeSpan OfflineChunkDelay { get; set; } = TimeSpan.FromMilliseconds(15);

    /// <summary>Passages retrieved per answer.</summary>
    public int PassageCount { get; set; } = 5;

    /// <summary>How many earlier messages of the branch go into the prompt.</summary>
    public int HistoryMessages { get; set; } = 20;

    /// <summary>Soft-deleted chats stay restorable this long.</summary>
    public TimeSpan RestorableFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often chats deleted longer ago than <see cref="RestorableFor"/> are removed for good.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Answer length limit sent to the provider (max_tokens) when the personality sets none. The budget
    /// reservation assumes exactly this many output tokens, so the two must be the same number.</summary>
    public int MaxOutputTokens { get; set; } = 2048;

    /// <summary>Generations of one workspace that run at once in this instance; more wait their turn in order (the
    /// answer shows as still being written). Bounds how much of a budget is reserved at once, so the budget
    /// promise "overshoot ≤ one call" holds under load, and stops one workspace from taking every provider
    /// connection. Per instance (see <see cref="WorkspaceGenerationSlots"/>): several instances need a shared
    /// counter (Redis) later.</summary>
    public int MaxConcurrentGenerationsPerWorkspace { get; set; } = 4;
}
