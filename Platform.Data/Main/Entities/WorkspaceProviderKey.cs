namespace Platform.Data.Main.Entities;

/// <summary>
/// A workspace's own OpenAI-compatible AI provider (keys vault). The API key is encrypted at rest with Data
/// Protection; only <see cref="KeyHint"/> is ever shown back. At most one row per workspace is active: that one
/// answers <c>IWorkspaceAiSettingsProvider</c>.
/// </summary>
public class WorkspaceProviderKey : WorkspaceScoped
{
    public required string Name { get; set; }
    public required string BaseUrl { get; set; }

    /// <summary>Null for endpoints that need no key (a local Ollama, vLLM …).</summary>
    public string? EncryptedApiKey { get; set; }

    /// <summary>"sk-…4f2a": enough to recognise a key, never enough to use it.</summary>
    public string? KeyHint { get; set; }

    public required string ChatModel { get; set; }

    /// <summary>Null: embeddings stay on the platform's (built-in) embedder.</summary>
    public string? EmbeddingModel { get; set; }

    public bool IsActive { get; set; }
    public Guid? CreatedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? RotatedAt { get; set; }
    public DateTimeOffset? LastTestedAt { get; set; }

    /// <summary>"ok" or the reason the last test failed.</summary>
    public string? LastTestResult { get; set; }
}
