namespace Platform.Data.Tenant.Entities;

public class Chat : TenantEntity
{
    /// <summary>Threads are per user inside a workspace (main database user id; no cross-store foreign key).</summary>
    public Guid UserId { get; set; }
    public string Title { get; set; } = "New chat";
    public Guid? PersonalityId { get; set; }
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public List<Message> Messages { get; set; } = [];
}

public class Message : TenantEntity
{
    public Guid ChatId { get; set; }
    public Chat? Chat { get; set; }

    /// <summary>user, assistant or system.</summary>
    public required string Role { get; set; }
    public string Content { get; set; } = "";
}
