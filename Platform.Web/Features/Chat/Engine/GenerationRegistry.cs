using System.Collections.Concurrent;

namespace Platform.Web.Features.Chat.Engine;

/// <summary>A chat's state changed (generation started or ended, title set): sidebars refresh.</summary>
public sealed record ChatActivity(Guid WorkspaceId, Guid UserId, Guid ChatId);

/// <summary>The live generations of this process, by message, and the activity feed sidebars listen to.</summary>
public sealed class GenerationRegistry
{
    private readonly ConcurrentDictionary<Guid, GenerationHub> _hubs = new();

    public event Action<ChatActivity>? Activity;

    public int Count => _hubs.Count;
    public IEnumerable<GenerationHub> All => _hubs.Values;

    public bool TryAdd(GenerationHub hub) => _hubs.TryAdd(hub.MessageId, hub);

    public GenerationHub? Find(Guid workspaceId, Guid messageId) =>
        _hubs.TryGetValue(messageId, out var hub) && hub.WorkspaceId == workspaceId ? hub : null;

    public bool IsLive(Guid messageId) => _hubs.ContainsKey(messageId);

    public void Remove(GenerationHub hub) => _hubs.TryRemove(new KeyValuePair<Guid, GenerationHub>(hub.MessageId, hub));

    public void Announce(ChatActivity activity)
    {
        var handlers = Activity;
        if (handlers is null) return;
        foreach (var h in handlers.GetInvocationList().Cast<Action<ChatActivity>>())
        {
            try { h(activity); }
            catch { /* a closed circuit's handler must not break others */ }
        }
    }
}
