using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Web.Infrastructure;

namespace Platform.Web.Features.Mail;

/// <summary>
/// Deletes outbox mail <see cref="MailOptions.PurgeAfter"/> after it was sent (or, never delivered, after it was
/// written): its rows carry live tokens (password reset, email confirmation, invites), which should not sit in the
/// database for longer than a mail takes to be read.
/// </summary>
public sealed class OutboxPurge(MainDbFactory main, IOptions<MailOptions> options, TimeProvider clock, WorkerHeartbeats heartbeats,
    ILogger<OutboxPurge> logger) : BackgroundService
{
    public const string Name = "Mail outbox purge";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        heartbeats.Register(Name, options.Value.PurgeInterval);
        try
        {
            using var timer = new PeriodicTimer(options.Value.PurgeInterval);
            do await heartbeats.RoundAsync(Name, PurgeAsync, logger, stoppingToken);
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) { }
    }

    public async Task<int> PurgeAsync(CancellationToken ct = default)
    {
        var before = clock.GetUtcNow() - options.Value.PurgeAfter;
        // With SMTP, mail still waiting for the server is kept (nothing is lost while it is down); without SMTP the
        // outbox is all there is, and its mail goes after PurgeAfter like the rest.
        var keepQueued = options.Value.Smtp.Enabled;
        await using var db = main.Create(DbSession.None);
        var purged = await db.OutboxEmails.Where(m =>
                m.Status == OutboxEmailStatus.Sent ? m.SentAt < before
                : m.Status == OutboxEmailStatus.Failed ? m.CreatedAt < before
                : !keepQueued && m.CreatedAt < before)
            .ExecuteDeleteAsync(ct);
        if (purged > 0) logger.LogInformation("Purged {Count} outbox mail(s) older than {PurgeAfter}", purged, options.Value.PurgeAfter);
        return purged;
    }
}
