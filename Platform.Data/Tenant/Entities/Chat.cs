namespace Platform.Data.Tenant.Entities;

/// <summary>A conversation thread. Threads are per user inside a workspace.</summary>
public class Chat : TenantEntity
{
    /// <summary>Main database user id (no cross-store foreign key).</summary>
    public Guid UserId { get; set; }
    public string Title { get; set; } = "New chat";

    /// <summary>True once the user renamed the thread: automatic titles never overwrite it.</summary>
    public bool TitleIsCustom { get; set; }

    public Guid? PersonalityId { get; set; }

    /// <summary>Model chosen for this chat; null = the personality's, else the workspace default.</summary>
    public string? Model { get; set; }

    /// <summary>idle, generating, failed or cancelled (<see cref="ChatGenerationStatus"/>): the sidebar's live state.</summary>
    public string GenerationStatus { get; set; } = ChatGenerationStatus.Idle;

    /// <summary>Last message of the branch the user is looking at (messages form a tree: edits and
    /// regenerations add siblings). Null for an empty chat.</summary>
    public Guid? ActiveLeafId { get; set; }

    public bool IsPinned { get; set; }
    public bool IsArchived { get; set; }

    /// <summary>Soft delete: hidden, restorable until purged.</summary>
    public DateTimeOffset? DeletedAt { get; set; }

    /// <summary>Read-only for the other members of the workspace.</summary>
    public bool SharedWithWorkspace { get; set; }

    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public List<Message> Messages { get; set; } = [];
}

public static class ChatGenerationStatus
{
    public const string Idle = "idle";
    public const string Generating = "generating";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
}

public class Message : TenantEntity
{
    public Guid ChatId { get; set; }
    public Chat? Chat { get; set; }

    /// <summary>The message this one answers or follows; siblings under one parent are versions
    /// (an edited question, a regenerated answer). Null for the first message of a chat.</summary>
    public Guid? ParentId { get; set; }

    /// <summary>user, assistant or system.</summary>
    public required string Role { get; set; }
    public string Content { get; set; } = "";

    /// <summary><see cref="MessageStatus"/>: pending → streaming → complete | cancelled | failed | interrupted.</summary>
    public string Status { get; set; } = MessageStatus.Complete;

    /// <summary>stop, length, content_filter, cancelled, error … as reported by the provider (or us).</summary>
    public string? FinishReason { get; set; }

    public string? Provider { get; set; }
    public string? Model { get; set; }
    public Guid? PersonalityId { get; set; }
    public long? InputTokens { get; set; }
    public long? OutputTokens { get; set; }
    public decimal? CostUsd { get; set; }

    /// <summary>Milliseconds from the request to the first token, and to the end.</summary>
    public int? FirstTokenMs { get; set; }
    public int? DurationMs { get; set; }

    /// <summary>What went wrong, worded for the user; the kind (auth, rate_limit, server, timeout, cut, budget…).</summary>
    public string? Error { get; set; }
    public string? ErrorKind { get; set; }
    public int? RetryAfterSeconds { get; set; }

    /// <summary>jsonb array of the passages the answer cites, numbered as in the text ([1], [2] …).</summary>
    public string Citations { get; set; } = "[]";

    /// <summary>jsonb array of files attached to a user message ({documentId, name}): each was added to the
    /// workspace knowledge base, and answers in this chat prefer it once it is ready.</summary>
    public string Attachments { get; set; } = "[]";

    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}

public static class MessageStatus
{
    public const string Pending = "pending";
    public const string Streaming = "streaming";
    public const string Complete = "complete";
    public const string Cancelled = "cancelled";
    public const string Failed = "failed";
    public const string Interrupted = "interrupted";

    public static bool IsLive(string status) => status is Pending or Streaming;
}

/// <summary>A user's up/down vote on an assistant message, with an optional reason.</summary>
public class MessageVote : TenantEntity
{
    public Guid MessageId { get; set; }
    public Guid UserId { get; set; }

    /// <summary>+1 or -1.</summary>
    public short Value { get; set; }
    public string? Reason { get; set; }
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}

/// <summary>A follow-up question offered after an answer.</summary>
public class MessageSuggestion : TenantEntity
{
    public Guid MessageId { get; set; }
    public int Position { get; set; }
    public required string Text { get; set; }
}

/// <summary>
/// One generation run (an assistant message being produced). The worker that owns it beats its heartbeat on
/// every flush; a streaming row whose heartbeat went stale belongs to a dead process and is recovered as
/// interrupted (its message keeps the partial text).
/// </summary>
public class GenerationStream : TenantEntity
{
    public Guid ChatId { get; set; }
    public Guid MessageId { get; set; }
    public Guid UserId { get; set; }

    /// <summary>streaming, complete, cancelled, failed or interrupted.</summary>
    public string Status { get; set; } = MessageStatus.Streaming;

    /// <summary>Which app instance runs it (machine + process), for diagnosis across instances.</summary>
    public string InstanceId { get; set; } = "";
    public DateTimeOffset HeartbeatAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? EndedAt { get; set; }
}
