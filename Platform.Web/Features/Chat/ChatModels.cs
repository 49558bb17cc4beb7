using Platform.Data.Tenant.Entities;
using Platform.Web.Features.Chat.Engine;

namespace Platform.Web.Features.Chat;

/// <summary>Who acts: the workspace (entered through membership) and the signed-in user.</summary>
public sealed record ChatActor(Guid WorkspaceId, Guid UserId);

/// <summary>A chat as the home page lists it.</summary>
public sealed record RecentChat(Guid Id, string Title, DateTimeOffset UpdatedAt);

/// <summary>A thread in the sidebar, with its per-thread analytics.</summary>
public sealed record ChatSummary(Guid Id, string Title, string GenerationStatus, bool IsPinned, bool IsArchived,
    DateTimeOffset? DeletedAt, DateTimeOffset UpdatedAt, int MessageCount, long Tokens, bool Shared);

public sealed record ChatListFilter(bool Archived = false, bool Deleted = false, string? Search = null);

/// <summary>One message on the branch being shown, with where it sits among its versions.</summary>
public sealed record MessageView(
    Guid Id, Guid? ParentId, string Role, string Content, string Status, string? FinishReason,
    string? Provider, string? Model, Guid? PersonalityId, long? InputTokens, long? OutputTokens, decimal? CostUsd,
    int? FirstTokenMs, int? DurationMs, string? Error, string? ErrorKind, int? RetryAfterSeconds,
    IReadOnlyList<Citation> Citations, DateTimeOffset CreatedAt,
    int VersionIndex, int VersionCount, IReadOnlyList<Guid> VersionIds,
    short? MyVote, string? MyVoteReason, IReadOnlyList<string> Suggestions)
{
    public bool IsLive => MessageStatus.IsLive(Status);
    public IReadOnlyList<ChatAttachment> Attachments { get; init; } = [];
    public bool IsAssistant => Role == "assistant";
}

public sealed record ChatView(Guid Id, string Title, bool TitleIsCustom, Guid? PersonalityId, string? Model,
    string GenerationStatus, bool IsOwner, bool Shared, IReadOnlyList<MessageView> Messages);

/// <summary>A search hit: a chat by title or by one of its messages.</summary>
public sealed record ChatSearchHit(Guid ChatId, string Title, string? Snippet);

/// <summary>What the chat page shows first (see ChatPage.Prerendered): loaded once by prerendering, handed to the circuit.</summary>
public sealed record ChatPageData(ChatActor Actor, Guid? ChatId, Platform.Data.Main.Entities.UserPreferences Preferences,
    List<AiPersonality> Personalities, IReadOnlyList<ChatModelOption> Models, IReadOnlyList<string> Samples, ChatView? View);
