using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Platform.Data.Tenancy;
using Platform.Data.Text;
using Platform.Data.Tenant.Entities;
using Platform.Web.Ai;
using Platform.Web.Ai.Chat;
using Platform.Web.Ai.Pricing;
using Platform.Web.Features.Chat.Settings;

namespace Platform.Web.Features.Chat.Engine;

/// <summary>
/// Produces one assistant message: retrieve, build the prompt, reserve budget, stream from the provider into the
/// hub, flush to the database periodically (with a heartbeat), then persist the outcome, record usage, and write
/// the follow-ups (title, suggestions). Runs on the worker, never in a circuit.
/// </summary>
public sealed class GenerationRunner(
    TenantDbFactory tenants,
    PreferencesStore preferences,
    IWorkspaceAiSettingsProvider aiSettings,
    IKnowledgeSearch knowledge,
    IAiBudgetGuard budget,
    IAiUsageRecorder usage,
    ChatProviderFactory providers,
    FollowUpWriter followUps,
    GenerationRegistry registry,
    PriceTable prices,
    TokenCounter tokens,
    WorkspaceGenerationSlots slots,
    IOptions<ChatEngineOptions> options,
    ILogger<GenerationRunner> logger)
{
    public static readonly string InstanceId = $"{Environment.MachineName}/{Environment.ProcessId}";

    public async Task RunAsync(GenerationHub hub, CancellationToken shutdown)
    {
        var slot = new SlotHolder();
        try
        {
            await RunCoreAsync(hub, shutdown, slot);
        }
        finally
        {
            slot.Slot?.Dispose();
        }
    }

    /// <summary>The workspace slot this generation holds (answer and follow-ups), given back when it ends.</summary>
    private sealed class SlotHolder
    {
        public IDisposable? Slot { get; set; }
    }

    private async Task RunCoreAsync(GenerationHub hub, CancellationToken shutdown, SlotHolder slot)
    {
        var o = options.Value;
        var clock = Stopwatch.StartNew();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(hub.StopRequested, shutdown);
        var ct = linked.Token;
        var outcome = new Outcome();
        ChatProvider? provider = null;
        IReadOnlyList<Citation> citations = [];
        HistoryMessage? question = null;
        using var flushStop = new CancellationTokenSource();
        Task? flusher = null;
        try
        {
            var context = await LoadAsync(hub, ct);
            question = context.Question;
            var settings = await aiSettings.GetAsync(hub.WorkspaceId, ct);
            provider = ChooseProvider(settings, context, out var refusal);
            if (provider is null)
            {
                outcome.Failure = new ProviderFailure(ProviderFailure.Model, refusal!);
            }
            else
            {
                // Heartbeats start now: a generation waiting for its workspace's slot is alive, not crashed.
                flusher = FlushLoopAsync(hub, flushStop.Token);
                slot.Slot = await slots.AcquireAsync(hub.WorkspaceId, ct);

                var passages = await RetrieveAsync(hub, context.Question.Content, o.PassageCount, context.PreferredDocumentIds, ct);
                citations = Citation.From(passages);
                var messages = ChatPrompt.Build(context.PersonalityPrompt, context.CustomInstructions, context.History,
                    context.Question.Content, passages);
                var chatOptions = context.Options(provider);
                if (provider.IsOffline) (chatOptions.AdditionalProperties ??= [])[OfflineAssistant.PassagesKey] = passages;

                var reservation = await ReserveAsync(hub, provider, messages, chatOptions, outcome, ct);
                if (!reservation.Allowed)
                {
                    outcome.Failure = new ProviderFailure(ProviderFailure.Budget, reservation.Refusal ?? "The workspace's AI budget does not allow this answer.");
                }
                else
                {
                    await SaveCitationsAsync(hub, provider, context.PersonalityId, citations, outcome.PromptTokens, ct);
                    try
                    {
                        outcome.CallStarted = true;
                        await StreamAsync(hub, provider, messages, chatOptions, outcome, clock, ct);
                    }
                    finally
                    {
                        await SettleAsync(hub, provider, reservation, outcome);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (hub.IsStopRequested)
        {
            outcome.Status = MessageStatus.Cancelled;
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            outcome.Status = MessageStatus.Interrupted;
            outcome.Failure = new ProviderFailure(ProviderFailure.Interrupted, "The server restarted while this answer was being written. The partial answer is kept.");
        }
        catch (Exception e)
        {
            outcome.Failure = ProviderFailure.From(e, outcome.ReceivedTokens);
            if (outcome.Failure.Kind == ProviderFailure.Internal) logger.LogError(e, "Generation {MessageId} failed", hub.MessageId);
            else logger.LogWarning("Generation {MessageId}: provider failure {Kind}: {Error}", hub.MessageId, outcome.Failure.Kind, e.Message);
        }

        flushStop.Cancel();
        if (flusher is not null) await flusher;
        outcome.DurationMs = (int)clock.ElapsedMilliseconds;
        if (outcome.Status == MessageStatus.Streaming)
            outcome.Status = outcome.Failure is null ? MessageStatus.Complete : MessageStatus.Failed;

        // Only a call that was made is billed (a refused model or budget never reached the provider).
        if (provider is not null && question is not null && outcome.CallStarted)
            RecordUsage(hub, provider, outcome, "answer");

        var final = PostgresText.Clean(hub.Snapshot().Text);
        if (!await PersistOutcomeAsync(hub, final, outcome) && await MarkUnsavedAsync(hub))
        {
            outcome.Status = MessageStatus.Failed;
            outcome.Failure = UnsavedFailure;
        }
        hub.Finish(outcome.Status, outcome.Failure?.Message);
        registry.Remove(hub);
        registry.Announce(new ChatActivity(hub.WorkspaceId, hub.UserId, hub.ChatId));

        if (outcome.Status == MessageStatus.Complete && provider is not null && question is not null && !shutdown.IsCancellationRequested)
        {
            await followUps.WriteAsync(hub, provider, question.Content, final, citations, shutdown);
            registry.Announce(new ChatActivity(hub.WorkspaceId, hub.UserId, hub.ChatId));
        }
    }

    private async Task StreamAsync(GenerationHub hub, ChatProvider provider, List<ChatMessage> messages, ChatOptions chatOptions,
        Outcome outcome, Stopwatch clock, CancellationToken ct)
    {
        await foreach (var update in provider.Client.GetStreamingResponseAsync(messages, chatOptions, ct))
        {
            // A model may stream U+0000, which PostgreSQL text cannot hold: it never reaches the hub or the saves.
            var text = update.Text.Replace("\0", "");
            if (text.Length > 0)
            {
                if (!outcome.ReceivedTokens) outcome.FirstTokenMs = (int)clock.ElapsedMilliseconds;
                outcome.ReceivedTokens = true;
                hub.Append(text);
            }
            if (update.FinishReason is { } reason) outcome.FinishReason = reason.Value;
            foreach (var u in update.Contents.OfType<UsageContent>())
            {
                outcome.InputTokens = u.Details.InputTokenCount ?? outcome.InputTokens;
                outcome.OutputTokens = u.Details.OutputTokenCount ?? outcome.OutputTokens;
            }
        }
        // A stream that ends without a finish reason was cut (the provider or a proxy closed it early).
        if (outcome.FinishReason is null)
            outcome.Failure = new ProviderFailure(ProviderFailure.Cut, outcome.ReceivedTokens
                ? "The answer was cut off before the AI provider finished it. The partial answer is kept."
                : "The AI provider closed the stream without an answer.");
    }

    /// <summary>Writes the text so far every flush interval (only when it changed) and beats the heartbeat.</summary>
    private async Task FlushLoopAsync(GenerationHub hub, CancellationToken stop)
    {
        long flushed = 0;
        var interval = options.Value.FlushInterval;
        var beatEvery = TimeSpan.FromTicks(Math.Max(interval.Ticks, options.Value.StaleAfter.Ticks / 3));
        var lastBeat = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var changed = hub.TryGetTextIfChanged(flushed, out var text, out var version);
                if (!changed && lastBeat.Elapsed < beatEvery) continue;
                try
                {
                    await FlushAsync(hub, changed ? text : null, stop);
                    flushed = version;
                    lastBeat.Restart();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The next tick tries again; the final write keeps everything anyway.
                    logger.LogWarning(e, "Flush of generation {MessageId} failed", hub.MessageId);
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task FlushAsync(GenerationHub hub, string? text, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        await using var db = await tenants.OpenAsync(hub.WorkspaceId, hub.UserId, ct);
        if (text is not null)
            await db.Messages.Where(m => m.Id == hub.MessageId && m.Status == MessageStatus.Streaming)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Content, PostgresText.Clean(text)).SetProperty(m => m.UpdatedAt, now), ct);
        await db.GenerationStreams.Where(g => g.MessageId == hub.MessageId && g.Status == MessageStatus.Streaming)
            .ExecuteUpdateAsync(s => s.SetProperty(g => g.HeartbeatAt, now), ct);
        await db.CommitAsync(ct);
    }

    private async Task<IReadOnlyList<KnowledgePassage>> RetrieveAsync(GenerationHub hub, string query, int k,
        IReadOnlyList<Guid> preferred, CancellationToken ct)
    {
        try
        {
            if (preferred.Count == 0) return await knowledge.SearchAsync(hub.WorkspaceId, hub.UserId, query, k, ct: ct);
            // Files attached in this chat come first; the rest of the knowledge base fills the remaining places.
            var attached = await knowledge.SearchAsync(hub.WorkspaceId, hub.UserId, query, k, new KnowledgeFilters(DocumentIds: preferred), ct);
            if (attached.Count >= k) return attached;
            var others = await knowledge.SearchAsync(hub.WorkspaceId, hub.UserId, query, k, ct: ct);
            return attached.Concat(others.Where(p => attached.All(a => a.ChunkId != p.ChunkId))).Take(k).ToList();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // An answer without sources beats no answer; the prompt then says nothing relevant was found.
            logger.LogWarning(e, "Knowledge search failed for generation {MessageId}", hub.MessageId);
            return [];
        }
    }

    private async Task<GenerationContext> LoadAsync(GenerationHub hub, CancellationToken ct)
    {
        await using var db = await tenants.OpenAsync(hub.WorkspaceId, hub.UserId, ct);
        var chat = await db.Chats.AsNoTracking().SingleAsync(c => c.Id == hub.ChatId, ct);
        var messages = await db.Messages.AsNoTracking().Where(m => m.ChatId == hub.ChatId)
            .Select(m => new { m.Id, m.ParentId, m.Role, m.Content, m.Status, m.Attachments }).ToDictionaryAsync(m => m.Id, ct);
        var assistant = messages[hub.MessageId];
        var branch = new List<HistoryMessage>();
        var attachedIds = new HashSet<Guid>();
        for (var id = assistant.ParentId; id is { } current && messages.TryGetValue(current, out var m); id = m.ParentId)
        {
            if (m.Content.Length > 0 && m.Status != MessageStatus.Failed) branch.Add(new HistoryMessage(m.Role, m.Content));
            foreach (var a in ChatAttachment.Parse(m.Attachments)) attachedIds.Add(a.DocumentId);
        }
        branch.Reverse();
        if (branch.Count == 0 || branch[^1].Role != "user") throw new InvalidOperationException("An answer needs a question.");

        var personality = chat.PersonalityId is { } pid
            ? await db.AiPersonalities.AsNoTracking().SingleOrDefaultAsync(p => p.Id == pid, ct)
            : await db.AiPersonalities.AsNoTracking().Where(p => p.IsDefault && p.IsActive).FirstOrDefaultAsync(ct);
        // Attached files are preferred once ingested; before that, the rest of the knowledge base answers.
        var ready = attachedIds.Count == 0 ? [] : await db.Documents.AsNoTracking()
            .Where(d => attachedIds.Contains(d.Id) && d.Status == DocumentStatus.Ready).Select(d => d.Id).ToListAsync(ct);
        var prefs = await preferences.GetAsync(hub.UserId, ct);
        var history = branch[..^1].TakeLast(options.Value.HistoryMessages).ToList();
        return new GenerationContext(branch[^1], history, personality?.Id, personality?.SystemPrompt,
            prefs.CustomInstructions, chat.Model, personality?.Model, prefs.DefaultModel,
            personality?.Temperature, personality?.MaxTokens, personality?.TopP, personality?.FrequencyPenalty, personality?.PresencePenalty)
            { PreferredDocumentIds = ready };
    }

    /// <summary>Before the call: citations, and who is called with how many prompt tokens (what recovery bills
    /// with the streamed text if this process dies mid-answer).</summary>
    private async Task SaveCitationsAsync(GenerationHub hub, ChatProvider provider, Guid? personalityId,
        IReadOnlyList<Citation> citations, long promptTokens, CancellationToken ct)
    {
        var json = Citation.Serialize(citations);
        await using var db = await tenants.OpenAsync(hub.WorkspaceId, hub.UserId, ct);
        await db.Messages.Where(m => m.Id == hub.MessageId).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Citations, json).SetProperty(m => m.Provider, provider.Name)
            .SetProperty(m => m.Model, provider.Model).SetProperty(m => m.PersonalityId, personalityId)
            .SetProperty(m => m.InputTokens, (long?)promptTokens), ct);
        await db.CommitAsync(ct);
    }

    private async Task<bool> PersistOutcomeAsync(GenerationHub hub, string text, Outcome outcome)
    {
        // Not the generation's token: a stopped or shut-down generation must still be written down.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var ct = timeout.Token;
        try
        {
            await using var db = await tenants.OpenAsync(hub.WorkspaceId, hub.UserId, ct);
            var message = await db.Messages.SingleAsync(m => m.Id == hub.MessageId, ct);
            message.Content = text;
            message.Status = outcome.Status;
            message.FinishReason = outcome.Status switch
            {
                MessageStatus.Cancelled => "cancelled",
                MessageStatus.Interrupted => "interrupted",
                _ => outcome.FinishReason ?? (outcome.Failure is null ? null : "error"),
            };
            message.InputTokens = outcome.InputTokens;
            message.OutputTokens = outcome.OutputTokens;
            message.CostUsd = outcome.Cost;
            message.FirstTokenMs = outcome.FirstTokenMs;
            message.DurationMs = outcome.DurationMs;
            message.Error = outcome.Failure?.Message;
            message.ErrorKind = outcome.Failure?.Kind;
            message.RetryAfterSeconds = outcome.Failure?.RetryAfterSeconds;
            message.UpdatedAt = DateTimeOffset.UtcNow;

            var now = DateTimeOffset.UtcNow;
            await db.GenerationStreams.Where(g => g.MessageId == hub.MessageId).ExecuteUpdateAsync(s => s
                .SetProperty(g => g.Status, outcome.Status).SetProperty(g => g.EndedAt, now).SetProperty(g => g.HeartbeatAt, now), ct);
            var chatStatus = outcome.Status switch
            {
                MessageStatus.Complete => ChatGenerationStatus.Idle,
                MessageStatus.Cancelled => ChatGenerationStatus.Cancelled,
                _ => ChatGenerationStatus.Failed,
            };
            await db.Chats.Where(c => c.Id == hub.ChatId).ExecuteUpdateAsync(s => s
                .SetProperty(c => c.GenerationStatus, chatStatus).SetProperty(c => c.UpdatedAt, now), ct);
            await db.CommitAsync(ct);
            return true;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not persist the end of generation {MessageId}", hub.MessageId);
            return false;
        }
    }

    private static readonly ProviderFailure UnsavedFailure = new(ProviderFailure.Internal,
        "This answer could not be saved. The text saved before the error is kept; regenerate to try again.");

    /// <summary>The final save failed: say so honestly (failed, not "interrupted by a server stop", which recovery
    /// would otherwise report for a generation left streaming). Only status columns are written, so this works even
    /// when the text was what the database refused. False when even that failed (the database is down): then
    /// recovery is the only one left to close it.</summary>
    private async Task<bool> MarkUnsavedAsync(GenerationHub hub)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var ct = timeout.Token;
        try
        {
            var now = DateTimeOffset.UtcNow;
            await using var db = await tenants.OpenAsync(hub.WorkspaceId, hub.UserId, ct);
            await db.Messages.Where(m => m.Id == hub.MessageId).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, MessageStatus.Failed).SetProperty(m => m.FinishReason, "error")
                .SetProperty(m => m.ErrorKind, UnsavedFailure.Kind).SetProperty(m => m.Error, UnsavedFailure.Message)
                .SetProperty(m => m.UpdatedAt, now), ct);
            await db.GenerationStreams.Where(g => g.MessageId == hub.MessageId).ExecuteUpdateAsync(s => s
                .SetProperty(g => g.Status, MessageStatus.Failed).SetProperty(g => g.EndedAt, now).SetProperty(g => g.HeartbeatAt, now), ct);
            await db.Chats.Where(c => c.Id == hub.ChatId).ExecuteUpdateAsync(s => s
                .SetProperty(c => c.GenerationStatus, ChatGenerationStatus.Failed).SetProperty(c => c.UpdatedAt, now), ct);
            await db.CommitAsync(ct);
            return true;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not mark generation {MessageId} as failed after its save failed", hub.MessageId);
            return false;
        }
    }

    /// <summary>The answer's cost event. Its id is the message id: whoever bills this answer (this runner, or the
    /// recovery sweep after a crash) bills it once, as the cost store skips an id it already holds.</summary>
    private void RecordUsage(GenerationHub hub, ChatProvider provider, Outcome outcome, string operation) =>
        usage.Record(new AiUsage(hub.WorkspaceId, hub.UserId, AiService.Llm, provider.Name, provider.Model,
            outcome.InputTokens ?? 0, outcome.OutputTokens ?? 0, TimeSpan.FromMilliseconds(outcome.DurationMs ?? 0),
            outcome.Status == MessageStatus.Complete, hub.ChatId, hub.MessageId, operation,
            outcome.Failure is null ? null : $"{outcome.Failure.Kind}: {outcome.Failure.Message}")
        { CallId = AnswerCallId(hub.MessageId) });

    /// <summary>The cost event id of an assistant message's answer call (see <see cref="RecordUsage"/>).</summary>
    public static Guid AnswerCallId(Guid messageId) => messageId;

    /// <summary>Which model answers, from the workspace's catalog only: the chat's choice, else the personality's
    /// (either refused when not in the catalog: a stale or tampered name is never sent), else the user's
    /// preferred model when this workspace offers it (preferences span workspaces, so another workspace's model
    /// is skipped, not refused), else the workspace's default (null).</summary>
    private static (string? Model, string? Refusal) ChooseModel(WorkspaceAiSettings settings, GenerationContext context)
    {
        var catalog = ChatModelCatalog.From(settings.Chat);
        foreach (var named in new[] { context.ChatModel, context.PersonalityModel })
        {
            if (string.IsNullOrWhiteSpace(named)) continue;
            return ChatModelCatalog.Find(catalog, named) is { } offered
                ? (offered, null)
                : (null, ChatModelCatalog.NotConfigured(named) + " Pick another model for this chat.");
        }
        return (ChatModelCatalog.Find(catalog, context.PreferredModel), null);
    }

    /// <summary>The provider that answers, or null with the refusal to show when the model may not be used (not in
    /// the catalog, or a paid provider's model without a price, which would run unbilled): no call is made then.</summary>
    private ChatProvider? ChooseProvider(WorkspaceAiSettings settings, GenerationContext context, out string? refusal)
    {
        (var model, refusal) = ChooseModel(settings, context);
        if (refusal is not null) return null;
        // The built-in assistant can be picked per chat even when the workspace has an endpoint.
        var provider = model == OfflineAssistant.ModelId ? providers.Create(null) : providers.Create(settings.Chat, model);
        if (provider.IsOffline || prices.CanBill(provider.Name, provider.Model)) return provider;
        refusal = PriceTable.Unpriced(provider.Model);
        return null;
    }

    /// <summary>Reserves the most this answer can cost: the prompt's tokens (counted with the tokenizer) at the input
    /// price plus the output limit at the output price. The same limit is sent as max_tokens, so the answer cannot
    /// run past what was reserved.</summary>
    private Task<BudgetReservation> ReserveAsync(GenerationHub hub, ChatProvider provider, List<ChatMessage> messages,
        ChatOptions chatOptions, Outcome outcome, CancellationToken ct)
    {
        chatOptions.MaxOutputTokens ??= options.Value.MaxOutputTokens;
        outcome.PromptTokens = tokens.CountMessages(messages.Select(m => m.Text));
        var max = prices.MaxCost(provider.Name, provider.Model, outcome.PromptTokens, chatOptions.MaxOutputTokens.Value);
        return budget.ReserveAsync(hub.WorkspaceId, hub.UserId, AiService.Llm, max, ct);
    }

    /// <summary>After the call, however it ended: what was used (the provider's usage, else — when it streamed text,
    /// so it surely read the prompt — the tokenizer's count of the prompt and of the text received) priced from the
    /// one price table, and the reservation settled with it. A call refused before any text bills what the provider
    /// reported, if anything.</summary>
    private async Task SettleAsync(GenerationHub hub, ChatProvider provider, BudgetReservation reservation, Outcome outcome)
    {
        if (outcome.ReceivedTokens)
        {
            outcome.InputTokens ??= outcome.PromptTokens;
            outcome.OutputTokens ??= tokens.Count(hub.Snapshot().Text);
        }
        outcome.Cost = prices.Quote(provider.Name, provider.Model, outcome.InputTokens ?? 0, outcome.OutputTokens ?? 0).CostUsd;
        await reservation.SettleAsync(outcome.Cost.Value);
    }


    private sealed class Outcome
    {
        public string Status { get; set; } = MessageStatus.Streaming;
        public bool ReceivedTokens { get; set; }
        public bool CallStarted { get; set; }
        public long PromptTokens { get; set; }
        public string? FinishReason { get; set; }
        public long? InputTokens { get; set; }
        public long? OutputTokens { get; set; }
        public decimal? Cost { get; set; }
        public int? FirstTokenMs { get; set; }
        public int? DurationMs { get; set; }
        public ProviderFailure? Failure { get; set; }
    }

    private sealed record GenerationContext(HistoryMessage Question, IReadOnlyList<HistoryMessage> History,
        Guid? PersonalityId, string? PersonalityPrompt, string? CustomInstructions,
        string? ChatModel, string? PersonalityModel, string? PreferredModel,
        double? Temperature, int? MaxTokens, double? TopP, double? FrequencyPenalty, double? PresencePenalty)
    {
        public IReadOnlyList<Guid> PreferredDocumentIds { get; init; } = [];

        public ChatOptions Options(ChatProvider provider) => new()
        {
            ModelId = provider.Model,
            Temperature = (float?)Temperature,
            MaxOutputTokens = MaxTokens,
            TopP = (float?)TopP,
            FrequencyPenalty = (float?)FrequencyPenalty,
            PresencePenalty = (float?)PresencePenalty,
        };
    }
}
