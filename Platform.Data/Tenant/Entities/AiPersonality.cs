namespace Platform.Data.Tenant.Entities;

public class AiPersonality : TenantEntity
{
    public required string Name { get; set; }
    public string? Description { get; set; }
    public required string SystemPrompt { get; set; }

    /// <summary>Model id; null = the workspace default.</summary>
    public string? Model { get; set; }

    public double Temperature { get; set; } = 0.7;
    public int? MaxTokens { get; set; }
    public double? TopP { get; set; }
    public double? FrequencyPenalty { get; set; }
    public double? PresencePenalty { get; set; }
    public bool IsDefault { get; set; }
    public bool IsActive { get; set; } = true;
}
