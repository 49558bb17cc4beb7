using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Data.Tenancy;
using Platform.Data.Tenant.Entities;
using Platform.Web.Ai.Chat;
using Platform.Web.Hosting;

namespace Platform.Web.Features.Chat.Engine;

/// <summary>
/// After a crash, generations left "streaming" have nobody writing them. At start-up, once more when every
/// pre-crash heartbeat has gone stale, and then periodically (other instances' crashes), each workspace's
/// stale streams are marked interrupted; their messages keep the partial text and can be regenerated.
/// </summary>
public sealed class GenerationRecovery(
    MainDbFactory main, TenantDbFactory tenants, GenerationRegistry registry, IOptions<ChatEngineOptions> options,
    WorkerHeartbeats heartbeats, ILogger<GenerationRecovery> logger) : BackgroundService
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
        await db.Messages.Where(m => messageIds.Contains(m.Id) && (m.Status == MessageStatus.Streaming || m.Status == MessageStatus.Pending))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Interrupted)
                .SetProperty(m => m.FinishReason, "interrupted")
                .SetProperty(m => m.ErrorKind, ProviderFailure.Interrupted)
                .SetProperty(m => m.Error, "This answer was interrupted (the server stopped while writing it). The partial answer is kept; regenerate to try again.")
                .SetProperty(m => m.UpdatedAt, now), ct);
        await db.Chats.Where(c => chatIds.Contains(c.Id) && c.GenerationStatus == ChatGenerationStatus.Generating)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.GenerationStatus, ChatGenerationStatus.Failed), ct);
        await db.CommitAsync(ct);
        foreach (var g in stale) registry.Announce(new ChatActivity(workspaceId, g.UserId, g.ChatId));
        return stale.Count;
    }
}
