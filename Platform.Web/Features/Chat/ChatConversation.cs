using Microsoft.EntityFrameworkCore;
using Platform.Data.Tenancy;
using Platform.Data.Text;
using Platform.Data.Tenant;
using Platform.Data.Tenant.Entities;
using Platform.Web.Features.Chat.Engine;
using Platform.Web.Features.Workspaces;
using ChatEntity = Platform.Data.Tenant.Entities.Chat;

namespace Platform.Web.Features.Chat;

/// <summary>
/// A conversation: send, edit (a new version of a question), regenerate, stop, switch versions, vote.
/// What the user wrote is saved before any model is called; the answer is produced by the worker.
/// Threads belong to their user: another member can only read a thread shared with the workspace.
/// Every call enters through a <see cref="WorkspaceScope"/>: the membership (and an active workspace) is re-checked
/// in the database first, so a member removed while their tab is open is refused on their very next action.
/// A question costs a message credit only once nothing can refuse it any more, and a failed save refunds it.
/// </summary>
public sealed class ChatConversation(WorkspaceDirectory workspaces, GenerationWorker worker, GenerationRegistry registry,
    ChatModelCatalog models, Platform.Web.Ai.IAiBudgetGuard credits, ILogger<GenerationHub> hubLogger)
{
    public const int MaxMessageLength = 32_000;

    /// <summary>The chat as its reader sees it; null when it does not exist, is not visible to them, or they are no
    /// longer a member of the workspace (their next action then says why).</summary>
    public async Task<ChatView?> LoadAsync(ChatActor actor, Guid chatId, CancellationToken ct = default)
    {
        var scope = Scope(actor);
        if (await scope.RecheckAsync(ct) is not null) return null;
        await using var db = await scope.OpenTenantAsync(ct);
        var chat = await db.Chats.AsNoTracking().SingleOrDefaultAsync(c => c.Id == chatId && c.DeletedAt == null
            && (c.UserId == actor.UserId || c.SharedWithWorkspace), ct);
        if (chat is null) return null;
        var all = await db.Messages.AsNoTracking().Where(m => m.ChatId == chatId).OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).ToListAsync(ct);
        var path = ChatTree.PathTo(all, chat.ActiveLeafId);
        var ids = path.Select(m => m.Id).ToList();
        var votes = await db.MessageVotes.AsNoTracking().Where(v => ids.Contains(v.MessageId) && v.UserId == actor.UserId)
            .ToDictionaryAsync(v => v.MessageId, ct);
        var lastAssistant = path.LastOrDefault(m => m.Role == "assistant")?.Id;
        var suggestions = lastAssistant is { } la
            ? await db.MessageSuggestions.AsNoTracking().Where(s => s.MessageId == la).OrderBy(s => s.Position).Select(s => s.Text).ToListAsync(ct)
            : [];

        var views = path.Select(m =>
        {
            var versions = ChatTree.Siblings(all, m);
            votes.TryGetValue(m.Id, out var vote);
            return new MessageView(m.Id, m.ParentId, m.Role, m.Content, m.Status, m.FinishReason, m.Provider, m.Model,
                m.PersonalityId, m.InputTokens, m.OutputTokens, m.CostUsd, m.FirstTokenMs, m.DurationMs, m.Error, m.ErrorKind,
                m.RetryAfterSeconds, Citation.Parse(m.Citations), m.CreatedAt,
                versions.FindIndex(v => v.Id == m.Id), versions.Count, versions.Select(v => v.Id).ToList(),
                vote?.Value, vote?.Reason, m.Id == lastAssistant ? suggestions : [])
                { Attachments = ChatAttachment.Parse(m.Attachments) };
        }).ToList();
        return new ChatView(chat.Id, chat.Title, chat.TitleIsCustom, chat.PersonalityId, chat.Model, chat.GenerationStatus,
            chat.UserId == actor.UserId, chat.SharedWithWorkspace, views);
    }

    /// <summary>First questions to offer on an empty chat: one about each of the workspace's newest ready documents.
    /// Empty when there are none, or the reader is no longer a member.</summary>
    public async Task<IReadOnlyList<string>> StarterQuestionsAsync(ChatActor actor, int take = 3, CancellationToken ct = default)
    {
        var scope = Scope(actor);
        if (await scope.RecheckAsync(ct) is not null) return [];
        await using var db = await scope.OpenTenantAsync(ct);
        var titles = await db.Documents.AsNoTracking().Where(d => d.Status == DocumentStatus.Ready)
            .OrderByDescending(d => d.CreatedAt).Select(d => d.Title).Take(take).ToListAsync(ct);
        return titles.Select(title => $"What are the key points of “{title}”?").ToList();
    }

    /// <summary>Sends a question (creating the chat when <paramref name="chatId"/> is null) and starts the answer.
    /// Returns the chat id and the assistant message id.</summary>
    public async Task<Result<(Guid ChatId, Guid AssistantId)>> SendAsync(ChatActor actor, Guid? chatId, string text,
        Guid? personalityId = null, string? model = null, CancellationToken ct = default,
        IReadOnlyList<ChatAttachment>? attachments = null)
    {
        var scope = Scope(actor);
        if (await scope.RecheckAsync(ct) is { } gone) return gone;
        if (Validate(text) is { } invalid) return Result<(Guid, Guid)>.Fail(invalid);
        attachments ??= [];
        if (attachments.Count > ChatAttachments.MaxPerMessage)
            return Result<(Guid, Guid)>.Fail($"A message can have at most {ChatAttachments.MaxPerMessage} attachments.");
        // Only a model of this workspace's catalog, never a name the client made up.
        if (await models.RefusalAsync(actor.WorkspaceId, model, ct) is { } notOffered) return Result<(Guid, Guid)>.Fail(notOffered);
        model = await models.ValidateAsync(actor.WorkspaceId, model, ct);
        await using var db = await scope.OpenTenantAsync(ct);
        ChatEntity? chat;
        if (chatId is null)
        {
            chat = new ChatEntity { UserId = actor.UserId, Title = FollowUpWriter.NewChatTitle, PersonalityId = await ActivePersonalityAsync(db, personalityId, ct), Model = model };
            db.Chats.Add(chat);
        }
        else
        {
            chat = await OwnChatAsync(db, actor, chatId.Value, ct);
            if (chat is null) return Failure.NotFound("This chat does not exist or is not yours.");
            if (await BusyAsync(db, chat, ct)) return Failure.Conflict("An answer is still being written. Stop it or wait for it first.");
        }
        // Only documents of this workspace (RLS) can be attached: an id from elsewhere is simply not found.
        var attachedIds = attachments.Select(a => a.DocumentId).Distinct().ToList();
        var found = await db.Documents.Where(d => attachedIds.Contains(d.Id)).Select(d => d.Id).ToListAsync(ct);
        if (found.Count != attachedIds.Count) return Result<(Guid, Guid)>.Fail("An attached file is no longer in the knowledge base. Attach it again.");
        // One message credit per question (tiers in Costs:Tiers), charged last: everything that can refuse the
        // question has been asked, so a refused question costs nothing. Refused before anything is saved, so the
        // text stays in the composer and the refusal says when credits reset.
        if (await ChargeMessageCreditAsync(actor, ct) is { } refused) return refused;
        var question = new Message { ChatId = chat.Id, ParentId = chat.ActiveLeafId, Role = "user", Content = text.Trim(),
            Attachments = ChatAttachment.Serialize(attachments.DistinctBy(a => a.DocumentId).ToList()) };
        db.Messages.Add(question);
        var hub = Begin(db, actor, chat, question.Id);
        await CommitChargedAsync(db, actor, charged: true, ct);
        return Started(chat, hub);
    }

    /// <summary>Edits a question: a new version next to the old one (kept and switchable), answered afresh.</summary>
    public async Task<Result<(Guid ChatId, Guid AssistantId)>> EditAsync(ChatActor actor, Guid userMessageId, string text, CancellationToken ct = default)
    {
        var scope = Scope(actor);
        if (await scope.RecheckAsync(ct) is { } gone) return gone;
        if (Validate(text) is { } invalid) return Result<(Guid, Guid)>.Fail(invalid);
        await using var db = await scope.OpenTenantAsync(ct);
        var original = await db.Messages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == userMessageId && m.Role == "user", ct);
        var chat = original is null ? null : await OwnChatAsync(db, actor, original.ChatId, ct);
        if (original is null || chat is null) return Failure.NotFound("This message does not exist or is not yours.");
        if (await BusyAsync(db, chat, ct)) return Failure.Conflict("An answer is still being written. Stop it or wait for it first.");
        // An edited question is a new question: it costs a credit like a sent one (else editing would ask for free),
        // charged after everything that can refuse it.
        if (await ChargeMessageCreditAsync(actor, ct) is { } refused) return refused;
        // An edited question keeps the files of the original.
        var edited = new Message { ChatId = chat.Id, ParentId = original.ParentId, Role = "user", Content = text.Trim(),
            Attachments = original.Attachments };
        db.Messages.Add(edited);
        var hub = Begin(db, actor, chat, edited.Id);
        await CommitChargedAsync(db, actor, charged: true, ct);
        return Started(chat, hub);
    }

    /// <summary>A new answer to the same question, next to the previous ones (also the "retry" of a failed one).</summary>
    public async Task<Result<(Guid ChatId, Guid AssistantId)>> RegenerateAsync(ChatActor actor, Guid assistantMessageId, CancellationToken ct = default)
    {
        var scope = Scope(actor);
        if (await scope.RecheckAsync(ct) is { } gone) return gone;
        await using var db = await scope.OpenTenantAsync(ct);
        var answer = await db.Messages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == assistantMessageId && m.Role == "assistant", ct);
        var chat = answer is null ? null : await OwnChatAsync(db, actor, answer.ChatId, ct);
        if (answer?.ParentId is null || chat is null) return Failure.NotFound("This answer does not exist or is not yours.");
        if (await BusyAsync(db, chat, ct)) return Failure.Conflict("An answer is still being written. Stop it or wait for it first.");
        // Another answer to a question that was answered is another question's worth of AI: it costs a credit.
        // Retrying an answer that failed or was cut off by the server is free: the user got nothing for the first.
        var charged = answer.Status is not (MessageStatus.Failed or MessageStatus.Interrupted);
        if (charged && await ChargeMessageCreditAsync(actor, ct) is { } refused) return refused;
        var hub = Begin(db, actor, chat, answer.ParentId.Value);
        await CommitChargedAsync(db, actor, charged, ct);
        return Started(chat, hub);
    }

    /// <summary>Consumes one message credit (tier limits in Costs:Tiers); null when allowed, else the refusal to show,
    /// which says when the credits reset. Call it after every check that can refuse the question (a refused
    /// question must cost nothing), and save with <see cref="CommitChargedAsync"/>.</summary>
    private async Task<Failure?> ChargeMessageCreditAsync(ChatActor actor, CancellationToken ct)
    {
        var credit = await credits.ConsumeCreditAsync(actor.WorkspaceId, actor.UserId, Platform.Web.Ai.CreditKind.Message, ct: ct);
        return credit.Allowed ? null : Failure.LimitReached(credit.Refusal ?? "No message credits left for this period.");
    }

    /// <summary>Saves a charged question. The credit lives in the main database and the question in the tenant
    /// store, so one transaction cannot hold both: when the save fails (or is cancelled), a compensating refund
    /// gives the credit back before the failure goes on.</summary>
    private async Task CommitChargedAsync(TenantDbContext db, ChatActor actor, bool charged, CancellationToken ct)
    {
        try
        {
            await db.CommitAsync(ct);
        }
        catch (Exception) when (charged)
        {
            await credits.RefundCreditAsync(actor.WorkspaceId, actor.UserId, Platform.Web.Ai.CreditKind.Message, ct: CancellationToken.None);
            throw;
        }
    }

    private WorkspaceScope Scope(ChatActor actor) => workspaces.MemberScope(actor.WorkspaceId, actor.UserId);

    /// <summary>Chooses the model of a chat (null = the personality's or the workspace's default); the next answer uses it.
    /// Only models the workspace has configured can be chosen.</summary>
    public async Task<Result<string?>> SetModelAsync(ChatActor actor, Guid chatId, string? model, CancellationToken ct = default)
    {
        var scope = Scope(actor);
        if (await scope.RecheckAsync(ct) is { } gone) return gone;
        var chosen = await models.ValidateAsync(actor.WorkspaceId, model, ct);
        if (!string.IsNullOrWhiteSpace(model) && chosen is null) return Result<string?>.Fail(ChatModelCatalog.NotConfigured(model));
        await using var db = await scope.OpenTenantAsync(ct);
        var chat = await OwnChatAsync(db, actor, chatId, ct);
        if (chat is null) return Failure.NotFound("This chat does not exist or is not yours.");
        chat.Model = chosen;
        chat.UpdatedAt = DateTimeOffset.UtcNow;
        await db.CommitAsync(ct);
        return Result<string?>.Of(chosen);
    }

    /// <summary>Stops a generation; the text so far is kept (status cancelled).</summary>
    public async Task<Result<bool>> StopAsync(ChatActor actor, Guid assistantMessageId, CancellationToken ct = default)
    {
        var scope = Scope(actor);
        if (await scope.RecheckAsync(ct) is { } gone) return gone;
        if (registry.Find(actor.WorkspaceId, assistantMessageId) is { } hub)
        {
            if (hub.UserId != actor.UserId) return Result<bool>.Fail("Only the author of the chat can stop this answer.");
            hub.RequestStop();
            return Result<bool>.Of(true);
        }
        // Not running here (another instance, or orphaned): settle it in the database so the chat is usable again.
        await using var db = await scope.OpenTenantAsync(ct);
        var message = await db.Messages.SingleOrDefaultAsync(m => m.Id == assistantMessageId, ct);
        var chat = message is null ? null : await OwnChatAsync(db, actor, message.ChatId, ct);
        if (message is null || chat is null) return Failure.NotFound("This answer does not exist or is not yours.");
        if (!MessageStatus.IsLive(message.Status)) return Result<bool>.Of(false);
        message.Status = MessageStatus.Cancelled;
        message.FinishReason = "cancelled";
        chat.GenerationStatus = ChatGenerationStatus.Cancelled;
        await db.GenerationStreams.Where(g => g.MessageId == message.Id && g.Status == MessageStatus.Streaming)
            .ExecuteUpdateAsync(s => s.SetProperty(g => g.Status, MessageStatus.Cancelled).SetProperty(g => g.EndedAt, DateTimeOffset.UtcNow), ct);
        await db.CommitAsync(ct);
        registry.Announce(new ChatActivity(actor.WorkspaceId, actor.UserId, chat.Id));
        return Result<bool>.Of(true);
    }

    /// <summary>Shows another version of a message: the branch continues with that version's latest descendants.</summary>
    public async Task<Result<bool>> SwitchVersionAsync(ChatActor actor, Guid messageId, CancellationToken ct = default)
    {
        var scope = Scope(actor);
        if (await scope.RecheckAsync(ct) is { } gone) return gone;
        await using var db = await scope.OpenTenantAsync(ct);
        var message = await db.Messages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == messageId, ct);
        var chat = message is null ? null : await OwnChatAsync(db, actor, message.ChatId, ct);
        if (message is null || chat is null) return Failure.NotFound("This message does not exist or is not yours.");
        var all = await db.Messages.AsNoTracking().Where(m => m.ChatId == chat.Id).Select(m => new Message
            { Id = m.Id, ParentId = m.ParentId, Role = m.Role, CreatedAt = m.CreatedAt, ChatId = m.ChatId }).ToListAsync(ct);
        chat.ActiveLeafId = ChatTree.LatestLeaf(all, messageId);
        await db.CommitAsync(ct);
        return Result<bool>.Of(true);
    }

    /// <summary>Up (+1) or down (-1) with an optional reason; 0 removes the vote.</summary>
    public async Task<Result<bool>> VoteAsync(ChatActor actor, Guid assistantMessageId, short value, string? reason, CancellationToken ct = default)
    {
        var scope = Scope(actor);
        if (await scope.RecheckAsync(ct) is { } gone) return gone;
        if (value is not (-1 or 0 or 1)) return Result<bool>.Fail("A vote is up or down.");
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim()[..Math.Min(1000, reason.Trim().Length)];
        await using var db = await scope.OpenTenantAsync(ct);
        var message = await db.Messages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == assistantMessageId && m.Role == "assistant", ct);
        var visible = message is not null && await db.Chats.AnyAsync(c => c.Id == message.ChatId
            && (c.UserId == actor.UserId || c.SharedWithWorkspace), ct);
        if (!visible) return Failure.NotFound("This answer does not exist.");
        var vote = await db.MessageVotes.SingleOrDefaultAsync(v => v.MessageId == assistantMessageId && v.UserId == actor.UserId, ct);
        if (value == 0)
        {
            if (vote is not null) db.MessageVotes.Remove(vote);
        }
        else
        {
            if (vote is null) db.MessageVotes.Add(vote = new MessageVote { MessageId = assistantMessageId, UserId = actor.UserId });
            vote.Value = value;
            vote.Reason = reason;
            vote.UpdatedAt = DateTimeOffset.UtcNow;
        }
        await db.CommitAsync(ct);
        return Result<bool>.Of(true);
    }

    private GenerationHub Begin(TenantDbContext db, ChatActor actor, ChatEntity chat, Guid questionId)
    {
        var answer = new Message { ChatId = chat.Id, ParentId = questionId, Role = "assistant", Status = MessageStatus.Streaming };
        db.Messages.Add(answer);
        db.GenerationStreams.Add(new GenerationStream
        {
            ChatId = chat.Id, MessageId = answer.Id, UserId = actor.UserId, InstanceId = GenerationRunner.InstanceId,
        });
        chat.ActiveLeafId = answer.Id;
        chat.GenerationStatus = ChatGenerationStatus.Generating;
        chat.UpdatedAt = DateTimeOffset.UtcNow;
        return new GenerationHub(actor.WorkspaceId, actor.UserId, chat.Id, answer.Id, hubLogger);
    }

    private Result<(Guid, Guid)> Started(ChatEntity chat, GenerationHub hub)
    {
        // Saved first, started second: if the start fails the recovery sweep marks the answer interrupted.
        worker.Start(hub);
        registry.Announce(new ChatActivity(hub.WorkspaceId, hub.UserId, chat.Id));
        return Result<(Guid, Guid)>.Of((chat.Id, hub.MessageId));
    }

    /// <summary>Judged on the text as it will be stored (the save cleans out NULs): a message of NULs alone is empty.</summary>
    private static string? Validate(string? text) => text is null || string.IsNullOrWhiteSpace(PostgresText.Clean(text)) ? "Write a message first."
        : text.Length > MaxMessageLength ? $"A message can be at most {MaxMessageLength:N0} characters (this one has {text.Length:N0})." : null;

    private static Task<ChatEntity?> OwnChatAsync(TenantDbContext db, ChatActor actor, Guid chatId, CancellationToken ct) =>
        db.Chats.SingleOrDefaultAsync(c => c.Id == chatId && c.UserId == actor.UserId && c.DeletedAt == null, ct);

    private static Task<bool> BusyAsync(TenantDbContext db, ChatEntity chat, CancellationToken ct) =>
        db.Messages.AnyAsync(m => m.ChatId == chat.Id && (m.Status == MessageStatus.Streaming || m.Status == MessageStatus.Pending), ct);

    private static async Task<Guid?> ActivePersonalityAsync(TenantDbContext db, Guid? wanted, CancellationToken ct) =>
        wanted is { } id && await db.AiPersonalities.AnyAsync(p => p.Id == id && p.IsActive, ct) ? id : null;
}
