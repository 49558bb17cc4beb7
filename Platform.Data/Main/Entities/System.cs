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

/// <summary>Mail the platform sent. In development this is the whole mail system: the outbox page shows it.</summary>
public class OutboxEmail
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string To { get; set; }
    public required string Subject { get; set; }
    public required string HtmlBody { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? SentAt { get; set; }
}

/// <summary>Platform-wide flags such as "the demo seed ran once".</summary>
public class PlatformState
{
    public required string Key { get; set; }
    public string Value { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}
