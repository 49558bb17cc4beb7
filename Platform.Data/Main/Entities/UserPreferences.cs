namespace Platform.Data.Main.Entities;

/// <summary>A user's chat and display preferences. System data (main store): they follow the user across
/// workspaces. Row-level security admits only the user's own row (policy in the ChatPreferences migration).</summary>
public class UserPreferences
{
    public Guid UserId { get; set; }

    /// <summary>Model id to start new chats with; null = the personality's or the workspace default.</summary>
    public string? DefaultModel { get; set; }

    /// <summary>Personality to start new chats with, when it exists in the workspace at hand.</summary>
    public Guid? DefaultPersonalityId { get; set; }

    /// <summary>Appended to the personality's system prompt.</summary>
    public string? CustomInstructions { get; set; }

    /// <summary>light, dark or system.</summary>
    public string Theme { get; set; } = "system";

    /// <summary>true: Enter sends (Shift+Enter = new line). false: Ctrl+Enter sends.</summary>
    public bool SendWithEnter { get; set; } = true;

    public bool ShowStatsForNerds { get; set; }

    /// <summary>Hide the user's name and e-mail in the interface (screen sharing).</summary>
    public bool HidePersonalInfo { get; set; }

    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}
