using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Data.Tenancy;
using Platform.Data.Tenant.Entities;
using Platform.Web.Ai;
using Platform.Web.Ai.Chat;
using Platform.Web.Ai.Pricing;
using Platform.Web.Infrastructure;

namespace Platform.Web.Features.Chat.Engine;

/// <summary>
/// After a crash, generations left "streaming" have nobody writing them. At start-up, once more when every
/// pre-crash heartbeat has gone stale, and then periodically (other instances' crashes), each workspace's
/// stale streams are marked interrupted; their messages keep the partial text and can be regenerated. What the
/// provider had streamed before the crash is billed, once (see <see cref="BillStreamed"/>).
/// </summary>
public sealed class GenerationRecovery(
    MainDbFactory main, TenantDbFactory tenants, GenerationRegistry registry, IOptions<ChatEngineOptions> options,
    WorkerHeartbeats heartbeats, IAiUsageRecorder usage, PriceTable prices, TokenCounter tokens,
    ILogger<GenerationRecovery> logger) : BackgroundService
{
    public const string Name = "Chat answers";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        heartbeats.Register(Name, options.Value.SweepInterval, () => $"{registry.Count} streaming now");
        try
        {
            await heartbeats.RoundAsync(Name, SweepAsync, logger, stoppingToken);
            await Task.Delay(options.Value.StaleAfter, stoppingToken);
            using var timer = new PeriodicTimer(options.Value.SweepInterval);
            do await heartbeats.RoundAsync(Name, SweepAsync, logger, stoppingToken);
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Marks every stale streaming generation interrupted; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken ct = default)
    {
        var total = await EveryWorkspace.SumAsync(main, logger, "Recovery sweep", SweepWorkspaceAsync, ct);
        if (total > 0) logger.LogInformation("Marked {Count} interrupted generation(s)", total);
        return total;
    }

    public async Task<int> SweepWorkspaceAsync(Guid workspaceId, CancellationToken ct = default)
    {
        var staleBefore = DateTimeOffset.UtcNow - options.Value.StaleAfter;
        await using var db = await tenants.OpenAsync(workspaceId, ct: ct);
        var stale = await db.GenerationStreams
            .Where(g => g.Status == MessageStatus.Streaming && g.HeartbeatAt < staleBefore).ToListAsync(ct);
        stale.RemoveAll(g => registry.IsLive(g.MessageId));
        if (stale.Count == 0) return 0;

        var now = DateTimeOffset.UtcNow;
        var messageIds = stale.Select(g => g.MessageId).ToList();
        var chatIds = stale.Select(g => g.ChatId).Distinct().ToList();
        foreach (var g in stale)
        {
            g.Status = MessageStatus.Interrupted;
            g.EndedAt = now;
        }
        var messages = await db.Messages
            .Where(m => messageIds.Contains(m.Id) && (m.Status == MessageStatus.Streaming || m.Status == MessageStatus.Pending))
            .ToListAsync(ct);
        foreach (var m in messages)
        {
            m.Status = MessageStatus.Interrupted;
            m.FinishReason = "interrupted";
            m.ErrorKind = ProviderFailure.Interrupted;
            m.Error = "This answer was interrupted (the server stopped while writing it). The partial answer is kept; regenerate to try again.";
            m.UpdatedAt = now;
            BillStreamed(workspaceId, stale.First(g => g.MessageId == m.Id).UserId, m);
        }
        await db.Chats.Where(c => chatIds.Contains(c.Id) && c.GenerationStatus == ChatGenerationStatus.Generating)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.GenerationStatus, ChatGenerationStatus.Failed), ct);
        await db.CommitAsync(ct);
        foreach (var g in stale) registry.Announce(new ChatActivity(workspaceId, g.UserId, g.ChatId));
        return stale.Count;
    }

    /// <summary>
    /// Bills an interrupted answer for what the provider had streamed: the prompt tokens the runner counted before
    /// the call and the tokenizer's count of the saved text. Recorded before the commit and under the answer's own
    /// cost event id (<see cref="GenerationRunner.AnswerCallId"/>), so a sweep whose commit is lost, a second
    /// sweep, a restart, or the dying runner itself billing the same answer adds nothing: the cost store keeps
    /// the first event with that id. Nothing streamed (or no call started) = nothing billed.
    /// </summary>
    private void BillStreamed(Guid workspaceId, Guid userId, Message m)
    {
        if (m.Content.Length == 0 || m.Provider is null || m.Model is null) return;
        m.OutputTokens ??= tokens.Count(m.Content);
        m.CostUsd = prices.Quote(m.Provider, m.Model, m.InputTokens ?? 0, m.OutputTokens.Value).CostUsd;
        usage.Record(new AiUsage(workspaceId, userId, AiService.Llm, m.Provider, m.Model, m.InputTokens ?? 0,
            m.OutputTokens.Value, TimeSpan.Zero, Success: false, m.ChatId, m.Id, "answer",
            $"{ProviderFailure.Interrupted}: interrupted by a server stop; billed for the text received")
        { CallId = GenerationRunner.AnswerCallId(m.Id), OccurredAt = m.UpdatedAt });
    }
}
