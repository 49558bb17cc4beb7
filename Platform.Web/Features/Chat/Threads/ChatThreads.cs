using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Data.Tenancy;
using Platform.Data.Tenant;
using Platform.Data.Tenant.Entities;
using Platform.Web.Features.Chat.Engine;
using Platform.Web.Features.Workspaces;
using ChatEntity = Platform.Data.Tenant.Entities.Chat;

namespace Platform.Web.Features.Chat.Threads;

/// <summary>The sidebar's threads: list, rename, pin, archive, soft delete and restore, share, search.
/// Every call enters through a <see cref="WorkspaceScope"/> (membership and an active workspace re-checked): a removed
/// member's sidebar lists nothing and their changes are refused with the scope's message.</summary>
public sealed class ChatThreads(WorkspaceDirectory workspaces, GenerationRegistry registry, IOptions<ChatEngineOptions> options)
{
    public async Task<IReadOnlyList<ChatSummary>> ListAsync(ChatActor actor, ChatListFilter filter, CancellationToken ct = default)
    {
        var restorableSince = DateTimeOffset.UtcNow - options.Value.RestorableFor;
        var scope = workspaces.MemberScope(actor.WorkspaceId, actor.UserId);
        if (await scope.RecheckAsync(ct) is not null) return [];
        await using var db = await scope.OpenTenantAsync(ct);
        var query = db.Chats.AsNoTracking().Where(c => c.UserId == actor.UserId);
        query = filter.Deleted
            ? query.Where(c => c.DeletedAt != null && c.DeletedAt > restorableSince)
            : query.Where(c => c.DeletedAt == null && c.IsArchived == filter.Archived);
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var pattern = Like(filter.Search);
            query = query.Where(c => EF.Functions.ILike(c.Title, pattern)
                || db.Messages.Any(m => m.ChatId == c.Id && EF.Functions.ILike(m.Content, pattern)));
        }
        return await query
            .OrderByDescending(c => c.IsPinned).ThenByDescending(c => c.UpdatedAt).Take(200)
            .Select(c => new ChatSummary(c.Id, c.Title, c.GenerationStatus, c.IsPinned, c.IsArchived, c.DeletedAt, c.UpdatedAt,
                db.Messages.Count(m => m.ChatId == c.Id),
                db.Messages.Where(m => m.ChatId == c.Id).Sum(m => (m.InputTokens ?? 0) + (m.OutputTokens ?? 0)),
                c.SharedWithWorkspace))
            .ToListAsync(ct);
    }

    /// <summary>The user's most recently active chats (not archived or deleted), for the home page: light, no counts.</summary>
    public async Task<IReadOnlyList<RecentChat>> RecentAsync(ChatActor actor, int take, CancellationToken ct = default)
    {
        var scope = workspaces.MemberScope(actor.WorkspaceId, actor.UserId);
        if (await scope.RecheckAsync(ct) is not null) return [];
        await using var db = await scope.OpenTenantAsync(ct);
        return await db.Chats.AsNoTracking()
            .Where(c => c.UserId == actor.UserId && c.DeletedAt == null && !c.IsArchived)
            .OrderByDescending(c => c.UpdatedAt).Take(take)
            .Select(c => new RecentChat(c.Id, c.Title, c.UpdatedAt))
            .ToListAsync(ct);
    }

    /// <summary>Chats whose title or messages contain the text, with a snippet of the first matching message.</summary>
    public async Task<IReadOnlyList<ChatSearchHit>> SearchAsync(ChatActor actor, string text, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var pattern = Like(text);
        var scope = workspaces.MemberScope(actor.WorkspaceId, actor.UserId);
        if (await scope.RecheckAsync(ct) is not null) return [];
        await using var db = await scope.OpenTenantAsync(ct);
        // ILIKE, not full-text: @@ is not leakproof, so under RLS its index would not be used anyway, and a
        // user's own chats are a small set.
        var hits = await db.Chats.AsNoTracking().Where(c => c.UserId == actor.UserId && c.DeletedAt == null)
            .Select(c => new
            {
                c.Id, c.Title, c.UpdatedAt,
                TitleHit = EF.Functions.ILike(c.Title, pattern),
                Snippet = db.Messages.Where(m => m.ChatId == c.Id && EF.Functions.ILike(m.Content, pattern))
                    .OrderByDescending(m => m.CreatedAt).Select(m => m.Content).FirstOrDefault(),
            })
            .Where(x => x.TitleHit || x.Snippet != null)
            .OrderByDescending(x => x.UpdatedAt).Take(30).ToListAsync(ct);
        return hits.Select(h => new ChatSearchHit(h.Id, h.Title, h.Snippet is null ? null : Snippet(h.Snippet, text))).ToList();
    }

    public Task<Result<bool>> RenameAsync(ChatActor actor, Guid chatId, string title, CancellationToken ct = default)
    {
        title = title.Trim();
        if (title.Length == 0) return Task.FromResult(Result<bool>.Fail("A title can't be empty."));
        if (title.Length > 200) return Task.FromResult(Result<bool>.Fail("A title can be at most 200 characters."));
        return UpdateAsync(actor, chatId, c => { c.Title = title; c.TitleIsCustom = true; }, ct);
    }

    public Task<Result<bool>> SetPinnedAsync(ChatActor actor, Guid chatId, bool pinned, CancellationToken ct = default) =>
        UpdateAsync(actor, chatId, c => c.IsPinned = pinned, ct);

    public Task<Result<bool>> SetArchivedAsync(ChatActor actor, Guid chatId, bool archived, CancellationToken ct = default) =>
        UpdateAsync(actor, chatId, c => c.IsArchived = archived, ct);

    public Task<Result<bool>> SetSharedAsync(ChatActor actor, Guid chatId, bool shared, CancellationToken ct = default) =>
        UpdateAsync(actor, chatId, c => c.SharedWithWorkspace = shared, ct);

    /// <summary>Soft delete: the chat disappears from the list and can be restored for a while.</summary>
    public Task<Result<bool>> DeleteAsync(ChatActor actor, Guid chatId, CancellationToken ct = default) =>
        UpdateAsync(actor, chatId, c => c.DeletedAt = DateTimeOffset.UtcNow, ct, includeDeleted: false);

    public Task<Result<bool>> RestoreAsync(ChatActor actor, Guid chatId, CancellationToken ct = default) =>
        UpdateAsync(actor, chatId, c => c.DeletedAt = null, ct, includeDeleted: true);

    private async Task<Result<bool>> UpdateAsync(ChatActor actor, Guid chatId, Action<ChatEntity> change,
        CancellationToken ct, bool includeDeleted = false)
    {
        var scope = workspaces.MemberScope(actor.WorkspaceId, actor.UserId);
        if (await scope.RecheckAsync(ct) is { } gone) return gone;
        await using var db = await scope.OpenTenantAsync(ct);
        var chat = await db.Chats.SingleOrDefaultAsync(c => c.Id == chatId && c.UserId == actor.UserId
            && (includeDeleted ? c.DeletedAt != null : c.DeletedAt == null), ct);
        if (chat is null) return Failure.NotFound("This chat does not exist or is not yours.");
        change(chat);
        await db.CommitAsync(ct);
        registry.Announce(new ChatActivity(actor.WorkspaceId, actor.UserId, chatId));
        return Result<bool>.Of(true);
    }

    private static string Like(string text) =>
        "%" + text.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";

    private static string Snippet(string content, string text)
    {
        var i = content.IndexOf(text.Trim(), StringComparison.OrdinalIgnoreCase);
        var start = Math.Max(0, i - 40);
        var s = content.Substring(start, Math.Min(140, content.Length - start)).ReplaceLineEndings(" ");
        return (start > 0 ? "…" : "") + s + (start + 140 < content.Length ? "…" : "");
    }
}
