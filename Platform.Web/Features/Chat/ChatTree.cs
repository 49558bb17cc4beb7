using Platform.Data.Tenant.Entities;

namespace Platform.Web.Features.Chat;

/// <summary>Messages form a tree (edits and regenerations are siblings); the chat shows one branch of it.</summary>
public static class ChatTree
{
    /// <summary>Root-to-leaf path ending at <paramref name="leafId"/> (or at the latest leaf when unknown).</summary>
    public static List<Message> PathTo(IReadOnlyList<Message> all, Guid? leafId)
    {
        var byId = all.ToDictionary(m => m.Id);
        if (leafId is null || !byId.ContainsKey(leafId.Value))
        {
            var root = all.Where(m => m.ParentId == null).OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).LastOrDefault();
            if (root is null) return [];
            leafId = LatestLeaf(all, root.Id);
        }
        var path = new List<Message>();
        for (Guid? id = leafId; id is { } current && byId.TryGetValue(current, out var m); id = m.ParentId)
        {
            path.Add(m);
            if (path.Count > all.Count) break; // a cycle can't happen by construction; never loop forever anyway
        }
        path.Reverse();
        return path;
    }

    /// <summary>Versions of a message: its siblings of the same role, oldest first.</summary>
    public static List<Message> Siblings(IReadOnlyList<Message> all, Message m) =>
        all.Where(s => s.ParentId == m.ParentId && s.Role == m.Role).OrderBy(s => s.CreatedAt).ThenBy(s => s.Id).ToList();

    /// <summary>Follows the newest child from <paramref name="fromId"/> down to a leaf.</summary>
    public static Guid LatestLeaf(IReadOnlyList<Message> all, Guid fromId)
    {
        var children = all.Where(m => m.ParentId != null).ToLookup(m => m.ParentId!.Value);
        var current = fromId;
        for (var depth = 0; depth <= all.Count; depth++)
        {
            var next = children[current].OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).LastOrDefault();
            if (next is null) break;
            current = next.Id;
        }
        return current;
    }
}
