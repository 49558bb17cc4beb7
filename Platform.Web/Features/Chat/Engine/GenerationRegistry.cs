using System.Collections.Concurrent;

namespace Platform.Web.Features.Chat.Engine;

/// <summary>A chat's state changed (generation started or ended, title set): sidebars refresh.</summary>
public sealed record ChatActivity(Guid WorkspaceId, Guid UserId, Guid ChatId);

/// <summary>The live generations of this process, by message, and the activity feed sidebars listen to.</summary>
public sealed class GenerationRegistry(ILogger<GenerationRegistry> logger)
{
    private readonly ConcurrentDictionary<Guid, GenerationHub> _hubs = new();

    /// <summary>Chats whose state changed, for the sidebars.</summary>
    public Signal<ChatActivity> Activity { get; } = new(logger, nameof(ChatActivity));

    public int Count => _hubs.Count;
    public IEnumerable<GenerationHub> All => _hubs.Values;

    public bool TryAdd(GenerationHub hub) => _hubs.TryAdd(hub.MessageId, hub);

    public GenerationHub? Find(Guid workspaceId, Guid messageId) =>
        _hubs.TryGetValue(messageId, out var hub) && hub.WorkspaceId == workspaceId ? hub : null;

    public bool IsLive(Guid messageId) => _hubs.ContainsKey(messageId);

    public void Remove(GenerationHub hub) => _hubs.TryRemove(new KeyValuePair<Guid, GenerationHub>(hub.MessageId, hub));

    public void Announce(ChatActivity activity) => Activity.Publish(activity);
}
