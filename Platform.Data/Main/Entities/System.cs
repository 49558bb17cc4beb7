namespace Platform.Data.Main.Entities;

/// <summary>Who did what, when. Platform-level events (sign-in failures, admin actions) have no workspace.</summary>
public class AuditLogEntry
{
    public long Id { get; set; }
    public Guid? WorkspaceId { get; set; }
    public Guid? UserId { get; set; }
    public required string Action { get; set; }
    public string? TargetType { get; set; }
    public string? TargetId { get; set; }

    /// <summary>jsonb with the action's details.</summary>
    public string Details { get; set; } = "{}";

    public string? IpAddress { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}

/// <summary>Mail the platform sends. Written in the same transaction as whatever caused it; the mail delivery worker
/// sends it over SMTP when one is configured. In development without SMTP this is the whole mail system: the outbox
/// page shows it.</summary>
public class OutboxEmail
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string To { get; set; }
    public required string Subject { get; set; }
    public required string HtmlBody { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? SentAt { get; set; }
    public OutboxEmailStatus Status { get; set; } = OutboxEmailStatus.Queued;

    /// <summary>Delivery attempts started (counted when a sender claims the mail).</summary>
    public int Attempts { get; set; }

    /// <summary>When a sender may (next) pick the mail up: null = now. While a sender holds the mail this is the end
    /// of its lease, so another instance does not take it meanwhile.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>The SMTP server's answer (or "could not connect …") of the last failed attempt; never .NET stack text.</summary>
    public string? FailureReason { get; set; }
}

public enum OutboxEmailStatus
{
    Queued,
    Sent,
    /// <summary>Given up: refused permanently (5xx) on every attempt up to Mail:Smtp:MaxAttempts.</summary>
    Failed,
}

/// <summary>Platform-wide flags such as "the demo seed ran once".</summary>
public class PlatformState
{
    public required string Key { get; set; }
    public string Value { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}
