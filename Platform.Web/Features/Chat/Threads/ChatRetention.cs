using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Data.Tenancy;
using Platform.Web.Features.Chat.Engine;
using Platform.Web.Infrastructure;

namespace Platform.Web.Features.Chat.Threads;

/// <summary>
/// A deleted chat stays restorable for <see cref="ChatEngineOptions.RestorableFor"/>; after that it is removed for
/// good, with its messages, votes and generation records (foreign keys cascade). "Deleted" must end up meaning
/// deleted: the text of a conversation a user threw away should not live on in the database forever.
/// </summary>
public sealed class ChatRetention(
    MainDbFactory main, TenantDbFactory tenants, IOptions<ChatEngineOptions> options, WorkerHeartbeats heartbeats,
    ILogger<ChatRetention> logger)
    : BackgroundService
{
    public const string Name = "Deleted-chat purge";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        heartbeats.Register(Name, options.Value.PurgeInterval);
        try
        {
            // Not at the very start: start-up belongs to migrations, recovery and ingestion.
            await Task.Delay(TimeSpan.FromMinutes(1), stoppingToken);
            using var timer = new PeriodicTimer(options.Value.PurgeInterval);
            do await heartbeats.RoundAsync(Name, PurgeAsync, logger, stoppingToken);
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Purges every workspace; one failing workspace (its database down) does not stop the others.</summary>
    public async Task<int> PurgeAsync(CancellationToken ct = default)
    {
        var total = await EveryWorkspace.SumAsync(main, logger, "Purging deleted chats", PurgeWorkspaceAsync, ct);
        if (total > 0) logger.LogInformation("Purged {Count} chat(s) deleted more than {Days} days ago", total, options.Value.RestorableFor.TotalDays);
        return total;
    }

    public async Task<int> PurgeWorkspaceAsync(Guid workspaceId, CancellationToken ct = default)
    {
        var before = DateTimeOffset.UtcNow - options.Value.RestorableFor;
        await using var db = await tenants.OpenAsync(workspaceId, ct: ct);
        var purged = await db.Chats.Where(c => c.DeletedAt != null && c.DeletedAt < before).ExecuteDeleteAsync(ct);
        await db.CommitAsync(ct);
        return purged;
    }
}
