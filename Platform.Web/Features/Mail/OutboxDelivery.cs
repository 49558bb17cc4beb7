using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Web.Infrastructure;

namespace Platform.Web.Features.Mail;

/// <summary>
/// Delivers main.email_outbox over SMTP (Mail:Smtp). Each round claims due mail with <c>FOR UPDATE SKIP LOCKED</c>
/// and, in the same statement, leases it (next_attempt_at = now + Lease, attempts + 1), so instances running side by
/// side never take the same mail; then sends it over one SMTP connection and records each outcome:
/// <list type="bullet">
/// <item>accepted → sent;</item>
/// <item>server unreachable, connection lost, or a temporary refusal (4xx) → stays queued with the reason and waits
/// (exponential backoff, capped); it goes out when the server takes it, however long that is;</item>
/// <item>a permanent refusal (5xx) → retried the same way, then marked failed after Mail:Smtp:MaxAttempts.</item>
/// </list>
/// Without Mail:Smtp:Host the worker idles and the outbox is the mail system (Development's /dev/outbox).
/// </summary>
public sealed class OutboxDelivery(MainDbFactory main, IOptions<MailOptions> options, TimeProvider clock, WorkerHeartbeats heartbeats,
    ILogger<OutboxDelivery> logger) : BackgroundService
{
    public const string Name = "Mail delivery";
    private SmtpOptions Smtp => options.Value.Smtp;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Smtp.Enabled)
        {
            logger.LogInformation("Mail:Smtp:Host is not set: mail is not delivered, it stays in the outbox (/dev/outbox in Development)");
            return;
        }
        heartbeats.Register(Name, Smtp.PollInterval);
        logger.LogInformation("Delivering mail through {Host}:{Port} ({Tls})", Smtp.Host, Smtp.Port, Smtp.Tls);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var sent = 0;
                await heartbeats.RoundAsync(Name, async ct => sent = await DeliverDueAsync(ct), logger, stoppingToken);
                // A full batch means more may be due: go on at once.
                if (sent < Smtp.BatchSize) await Task.Delay(Smtp.PollInterval, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Read with the model's snake_case naming (id, to, subject, html_body, attempts).</summary>
    private sealed record Claimed(Guid Id, string To, string Subject, string HtmlBody, int Attempts);

    /// <summary>One round: claim due mail, send it, record the outcomes. Returns how many mails were claimed.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct = default)
    {
        if (!Smtp.Enabled) return 0;
        var claimed = await ClaimAsync(ct);
        if (claimed.Count == 0) return 0;

        using var client = new SmtpClient { Timeout = (int)Smtp.Timeout.TotalMilliseconds };
        var connectionFailure = await ConnectAsync(client, ct);
        foreach (var mail in claimed)
        {
            if (connectionFailure is not null)
            {
                await RecordFailureAsync(mail, connectionFailure, permanent: false, ct);
                continue;
            }
            try
            {
                await client.SendAsync(MailComposer.Compose(Smtp, mail.To, mail.Subject, mail.HtmlBody), ct);
                await RecordSentAsync(mail, ct);
            }
            catch (SmtpCommandException e)
            {
                // A 5xx about this mail (its recipient or its content) is permanent; one about our sender address
                // (e.g. 530 authentication required) is the server's configuration, which an operator fixes: wait.
                var code = (int)e.StatusCode;
                await RecordFailureAsync(mail, $"{code} {e.Message}",
                    permanent: code >= 500 && e.ErrorCode != SmtpErrorCode.SenderNotAccepted, ct);
            }
            catch (Exception e) when (e is SmtpProtocolException or IOException or SocketException or ServiceNotConnectedException
                                          or OperationCanceledException && !ct.IsCancellationRequested)
            {
                // The conversation broke off: this mail and the rest of the batch wait for the next round.
                connectionFailure = $"Connection to {Smtp.Host}:{Smtp.Port} lost: {e.Message}";
                await RecordFailureAsync(mail, connectionFailure, permanent: false, ct);
            }
            catch (FormatException)
            {
                // MimeKit refused the address: the mail cannot be sent, ever.
                await RecordFailureAsync(mail, $"Not a valid recipient address: {mail.To}", permanent: true, ct, giveUp: true);
            }
        }
        if (client.IsConnected)
        {
            try { await client.DisconnectAsync(quit: true, ct); }
            catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or SmtpCommandException) { }
        }
        return claimed.Count;
    }

    /// <summary>Takes up to BatchSize due mails for this instance: locked rows (another instance's claim in flight) are
    /// skipped, and the lease written in the same statement keeps them from every other instance afterwards.</summary>
    private async Task<List<Claimed>> ClaimAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var db = main.Create(DbSession.None);
        return await db.Database.SqlQueryRaw<Claimed>("""
            UPDATE main.email_outbox SET attempts = attempts + 1, next_attempt_at = @lease_end
            WHERE id IN (SELECT id FROM main.email_outbox
                         WHERE status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= @now)
                         ORDER BY created_at LIMIT @batch
                         FOR UPDATE SKIP LOCKED)
            RETURNING id, "to", subject, html_body, attempts
            """,
            new NpgsqlParameter("now", now), new NpgsqlParameter("lease_end", now + Smtp.Lease),
            new NpgsqlParameter("batch", Smtp.BatchSize)).ToListAsync(ct);
    }

    /// <summary>Null when connected, else why not (for the mail's failure reason).</summary>
    private async Task<string?> ConnectAsync(SmtpClient client, CancellationToken ct)
    {
        try
        {
            await client.ConnectAsync(Smtp.Host!, Smtp.Port, Smtp.Tls switch
            {
                SmtpTlsMode.None => SecureSocketOptions.None,
                SmtpTlsMode.StartTls => SecureSocketOptions.StartTls,
                SmtpTlsMode.SslOnConnect => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.Auto,
            }, ct);
            if (!string.IsNullOrEmpty(Smtp.User)) await client.AuthenticateAsync(Smtp.User, Smtp.Password ?? "", ct);
            return null;
        }
        catch (SocketException e)
        {
            logger.LogWarning("Mail delivery: cannot connect to {Host}:{Port} ({Error}); mail waits", Smtp.Host, Smtp.Port, e.SocketErrorCode);
            return $"Could not connect to {Smtp.Host}:{Smtp.Port} ({e.SocketErrorCode})";
        }
        catch (AuthenticationException e)
        {
            logger.LogWarning("Mail delivery: {Host} refused the credentials of Mail:Smtp:User: {Reason}", Smtp.Host, e.Message);
            return $"Authentication refused by {Smtp.Host}: {e.Message}";
        }
        catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or IOException or SslHandshakeException
                                      or NotSupportedException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Mail delivery: {Host}:{Port} did not accept a connection: {Reason}", Smtp.Host, Smtp.Port, e.Message);
            return $"Could not connect to {Smtp.Host}:{Smtp.Port}: {e.Message}";
        }
    }

    private async Task RecordSentAsync(Claimed mail, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var db = main.Create(DbSession.None);
        await db.OutboxEmails.Where(m => m.Id == mail.Id).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, OutboxEmailStatus.Sent).SetProperty(m => m.SentAt, now)
            .SetProperty(m => m.NextAttemptAt, (DateTimeOffset?)null).SetProperty(m => m.FailureReason, (string?)null), CancellationToken.None);
    }

    private async Task RecordFailureAsync(Claimed mail, string reason, bool permanent, CancellationToken ct, bool giveUp = false)
    {
        giveUp |= permanent && mail.Attempts >= Smtp.MaxAttempts;
        var next = giveUp ? (DateTimeOffset?)null : clock.GetUtcNow() + Backoff(mail.Attempts);
        var status = giveUp ? OutboxEmailStatus.Failed : OutboxEmailStatus.Queued;
        reason = Trim(reason);
        logger.LogWarning("Mail {MailId} to {To} not delivered (attempt {Attempt}): {Reason}{Outcome}", mail.Id, mail.To, mail.Attempts,
            reason, giveUp ? "; given up" : $"; next attempt at {next:u}");
        await using var db = main.Create(DbSession.None);
        // Not cancelled with the worker: the outcome must be stored even while the host stops.
        await db.OutboxEmails.Where(m => m.Id == mail.Id).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, status).SetProperty(m => m.NextAttemptAt, next)
            .SetProperty(m => m.FailureReason, reason), CancellationToken.None);
    }

    /// <summary>InitialBackoff after the first failed attempt, doubling after each further one, at most MaxBackoff.</summary>
    public TimeSpan Backoff(int attempts)
    {
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        var wait = Smtp.InitialBackoff.TotalSeconds * factor;
        return wait >= Smtp.MaxBackoff.TotalSeconds ? Smtp.MaxBackoff : TimeSpan.FromSeconds(wait);
    }

    /// <summary>One line of at most 500 characters (the column's size): servers may answer with several lines.</summary>
    private static string Trim(string reason)
    {
        var line = string.Join(' ', reason.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length <= 500 ? line : line[..497] + "...";
    }
}
