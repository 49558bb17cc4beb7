namespace Platform.Web.Ai;

/// <summary>An OpenAI-compatible endpoint (OpenAI, Azure OpenAI, Ollama, vLLM, LM Studio, OpenRouter …).</summary>
public sealed record AiEndpoint(string BaseUrl, string? ApiKey, string Model)
{
    /// <summary>Typed in by a workspace (its AI keys), not by the operator: connections to it go through the outbound
    /// address guard (<see cref="WorkspaceAiHttp"/>). The operator's appsettings endpoints are trusted.</summary>
    public bool WorkspaceSupplied { get; init; }
}

/// <summary>Which providers a workspace uses. Null endpoint = the built-in offline provider.</summary>
public sealed record WorkspaceAiSettings(AiEndpoint? Chat, AiEndpoint? Embeddings)
{
    public static readonly WorkspaceAiSettings Offline = new(null, null);
}

/// <summary>Resolves a workspace's AI settings: its own keys (Features/Workspaces, encrypted at rest) or the
/// platform-wide ones from appsettings "Ai".</summary>
public interface IWorkspaceAiSettingsProvider
{
    Task<WorkspaceAiSettings> GetAsync(Guid workspaceId, CancellationToken ct = default);
}

/// <summary>Platform-wide defaults (appsettings "Ai"): empty = offline providers.</summary>
public sealed class PlatformAiOptions
{
    public const string Section = "Ai";
    public AiEndpoint? Chat { get; set; }
    public AiEndpoint? Embeddings { get; set; }

    /// <summary>Allow workspace-supplied AI base URLs on loopback, private and link-local networks (a self-hosted
    /// Ollama on the LAN). Default false. The endpoints above, set by the operator, are never restricted.</summary>
    public bool AllowPrivateNetworks { get; set; }
}
