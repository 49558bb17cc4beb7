using Platform.Web.Ai;
using Platform.Web.Ai.Chat;

namespace Platform.Web.Features.Chat;

/// <summary>A model a chat can use: its id (stored in chats.model) and what the picker shows.</summary>
public sealed record ChatModelOption(string Id, string Label, bool IsOffline);

/// <summary>
/// The models a workspace has configured for chat: the endpoint's model (when the workspace or the platform has
/// one) and the built-in offline assistant (always available, so a chat can fall back to it).
/// </summary>
public sealed class ChatModelCatalog(IWorkspaceAiSettingsProvider settings)
{
    public async Task<IReadOnlyList<ChatModelOption>> ListAsync(Guid workspaceId, CancellationToken ct = default) =>
        From((await settings.GetAsync(workspaceId, ct)).Chat);

    /// <summary>The catalog of a workspace whose chat endpoint is <paramref name="endpoint"/> (null = offline only).</summary>
    public static IReadOnlyList<ChatModelOption> From(AiEndpoint? endpoint)
    {
        var offline = new ChatModelOption(OfflineAssistant.ModelId, $"Built-in ({ChatProvider.OfflineLabel})", IsOffline: true);
        return endpoint is null || string.IsNullOrWhiteSpace(endpoint.BaseUrl) || string.IsNullOrWhiteSpace(endpoint.Model)
            ? [offline]
            : [new ChatModelOption(endpoint.Model, endpoint.Model, IsOffline: false), offline];
    }

    /// <summary>The model id if the workspace offers it; null (= default) for empty or unknown ones.</summary>
    public async Task<string?> ValidateAsync(Guid workspaceId, string? model, CancellationToken ct = default) =>
        Find(await ListAsync(workspaceId, ct), model);

    /// <summary>The catalog's id for <paramref name="model"/>, or null when empty or not offered.</summary>
    public static string? Find(IReadOnlyList<ChatModelOption> catalog, string? model) =>
        string.IsNullOrWhiteSpace(model) ? null : catalog.FirstOrDefault(m => m.Id == model.Trim())?.Id;

    /// <summary>Null when <paramref name="model"/> is empty (= default) or offered; else the refusal to show.</summary>
    public async Task<string?> RefusalAsync(Guid workspaceId, string? model, CancellationToken ct = default) =>
        string.IsNullOrWhiteSpace(model) || await ValidateAsync(workspaceId, model, ct) is not null ? null : NotConfigured(model);

    public static string NotConfigured(string model) => $"“{model.Trim()}” is not a model this workspace has configured.";
}
