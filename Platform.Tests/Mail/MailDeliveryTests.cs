using System.Text.Encodings.Web;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Tests.Infrastructure;
using Platform.Tests.Workspaces;
using Platform.Web.Features.Account;
using Platform.Web.Features.Mail;

namespace Platform.Tests.Mail;

/// <summary>The outbox is delivered over SMTP to a real server on 127.0.0.1 (the SmtpServer package): delivered once,
/// kept and retried while the server refuses or is down, given up only after repeated permanent refusals.</summary>
public class MailDeliveryTests(MailDeliveryPlatform platform) : IClassFixture<MailDeliveryPlatform>
{
    private static string NewAddress(string what) => $"{what}-{Guid.NewGuid():N}@mail.test";

    [Fact]
    public async Task Confirmation_mail_is_delivered_as_text_and_html_with_the_PublicUrl_link()
    {
        await using var smtp = new TestSmtpServer().Start();
        var to = NewAddress("confirm");
        var link = platform.Get<PublicLinks>().To("Account/ConfirmEmail", new Dictionary<string, string?> { ["userId"] = "u1", ["code"] = "c0de" });
        Assert.StartsWith(MailDeliveryPlatform.PublicUrl + "/", link);
        await platform.Get<OutboxEmailSender>().SendConfirmationLinkAsync(new AppUser(), to, HtmlEncoder.Default.Encode(link));

        var clock = new TestClock();
        await platform.Delivery(MailDeliveryPlatform.Options(smtp.Port), clock).DeliverDueAsync();

        var mail = Assert.Single(smtp.To(to));
        Assert.Equal("Confirm your email", mail.Subject);
        Assert.Equal("no-reply@platform.example.test", mail.From.Mailboxes.Single().Address);
        var alternative = Assert.IsType<MultipartAlternative>(mail.Body);
        Assert.Contains(link, mail.TextBody);
        Assert.Contains(HtmlEncoder.Default.Encode(link), mail.HtmlBody);
        Assert.Contains("Platform", mail.TextBody);
        Assert.Equal(2, alternative.Count);

        var row = await platform.RowToAsync(to);
        Assert.Equal(OutboxEmailStatus.Sent, row.Status);
        Assert.NotNull(row.SentAt);
        Assert.Equal(1, row.Attempts);
        Assert.Null(row.FailureReason);
    }

    [Fact]
    public async Task Html_is_sanitized_and_the_text_part_writes_links_out()
    {
        var message = MailComposer.Compose(MailDeliveryPlatform.Options(25).Smtp, "a@mail.test", "Hi",
            "Join <b>Acme<script>alert(1)</script></b>: <a href='https://platform.example.test/invite/x'>Accept</a> <a href='javascript:alert(1)'>bad</a>");
        Assert.DoesNotContain("<script", message.HtmlBody);
        Assert.DoesNotContain("javascript:", message.HtmlBody);
        Assert.Contains("Accept (https://platform.example.test/invite/x)", message.TextBody);
        Assert.DoesNotContain("<b>", message.TextBody);
    }

    [Theory]
    [InlineData(451, "4.2.1 Mailbox busy, try again later")]
    [InlineData(550, "5.7.1 Rejected by policy")]
    public async Task A_refused_mail_waits_with_the_servers_reason_and_goes_out_when_the_server_accepts_it(int code, string text)
    {
        await using var smtp = new TestSmtpServer().Start();
        var to = NewAddress("refused");
        smtp.Refuse(to, code, text);
        var id = await platform.MailAsync(to);
        var clock = new TestClock();
        var delivery = platform.Delivery(MailDeliveryPlatform.Options(smtp.Port, maxAttempts: 3), clock);

        await delivery.DeliverDueAsync();
        var row = await platform.RowAsync(id);
        Assert.Equal(OutboxEmailStatus.Queued, row.Status);
        Assert.Equal(1, row.Attempts);
        Assert.StartsWith($"{code} {text}", row.FailureReason); // the server's own words (this one adds its retry count)
        Assert.True(row.NextAttemptAt > clock.GetUtcNow());

        // Not tried again before its backoff is over.
        await delivery.DeliverDueAsync();
        Assert.Equal(1, (await platform.RowAsync(id)).Attempts);

        smtp.Refusals.Clear();
        clock.Advance(delivery.Backoff(1));
        await delivery.DeliverDueAsync();

        row = await platform.RowAsync(id);
        Assert.Equal(OutboxEmailStatus.Sent, row.Status);
        Assert.Equal(2, row.Attempts);
        Assert.Single(smtp.To(to));
    }

    [Fact]
    public async Task Mail_waits_while_the_server_is_down_and_goes_out_when_it_is_back()
    {
        var smtp = new TestSmtpServer(); // not started: nothing listens on its port
        var to = NewAddress("down");
        var id = await platform.MailAsync(to);
        var clock = new TestClock();
        var delivery = platform.Delivery(MailDeliveryPlatform.Options(smtp.Port, maxAttempts: 1), clock);

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await delivery.DeliverDueAsync();
            var row = await platform.RowAsync(id);
            Assert.Equal(OutboxEmailStatus.Queued, row.Status); // unreachable never gives up, even past MaxAttempts
            Assert.Equal(attempt, row.Attempts);
            Assert.StartsWith($"Could not connect to 127.0.0.1:{smtp.Port}", row.FailureReason);
            Assert.DoesNotContain("Exception", row.FailureReason);
            Assert.DoesNotContain(" at ", row.FailureReason);
            clock.Advance(delivery.Backoff(attempt));
        }

        await using (smtp.Start())
        {
            await delivery.DeliverDueAsync();
            Assert.Equal(OutboxEmailStatus.Sent, (await platform.RowAsync(id)).Status);
            Assert.Single(smtp.To(to));
        }
    }

    [Fact]
    public async Task A_permanent_refusal_is_marked_failed_with_the_reason_after_MaxAttempts()
    {
        await using var smtp = new TestSmtpServer().Start();
        var to = NewAddress("nosuchuser");
        smtp.Refuse(to, 550, "5.1.1 No such user here");
        var id = await platform.MailAsync(to);
        var clock = new TestClock();
        var delivery = platform.Delivery(MailDeliveryPlatform.Options(smtp.Port, maxAttempts: 3), clock);

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await delivery.DeliverDueAsync();
            Assert.Equal(attempt < 3 ? OutboxEmailStatus.Queued : OutboxEmailStatus.Failed, (await platform.RowAsync(id)).Status);
            clock.Advance(TimeSpan.FromHours(1));
        }
        await delivery.DeliverDueAsync();

        var row = await platform.RowAsync(id);
        Assert.Equal(OutboxEmailStatus.Failed, row.Status);
        Assert.Equal(3, row.Attempts);
        Assert.StartsWith("550 5.1.1 No such user here", row.FailureReason);
        Assert.Null(row.NextAttemptAt);
        Assert.Empty(smtp.To(to));
    }

    [Fact]
    public async Task A_server_refusing_our_sender_address_is_a_configuration_problem_and_mail_waits_for_it()
    {
        await using var smtp = new TestSmtpServer().Start();
        smtp.SenderRefusal = (553, "5.7.1 Sender address rejected: not owned by user");
        var to = NewAddress("sender-refused");
        var id = await platform.MailAsync(to);
        var clock = new TestClock();
        var delivery = platform.Delivery(MailDeliveryPlatform.Options(smtp.Port, maxAttempts: 1), clock);

        for (var attempt = 1; attempt <= 2; attempt++)
        {
            await delivery.DeliverDueAsync();
            var row = await platform.RowAsync(id);
            Assert.Equal((OutboxEmailStatus.Queued, attempt), (row.Status, row.Attempts));
            Assert.StartsWith("553 5.7.1 Sender address rejected", row.FailureReason);
            clock.Advance(delivery.Backoff(attempt));
        }

        smtp.SenderRefusal = null; // the operator fixed Mail:Smtp:FromAddress / the server
        await delivery.DeliverDueAsync();
        Assert.Equal(OutboxEmailStatus.Sent, (await platform.RowAsync(id)).Status);
        Assert.Single(smtp.To(to));
    }

    [Fact]
    public async Task Two_instances_sending_at_once_deliver_each_mail_exactly_once()
    {
        await using var smtp = new TestSmtpServer().Start();
        var addresses = Enumerable.Range(0, 30).Select(i => NewAddress($"twice{i}")).ToList();
        foreach (var to in addresses) await platform.MailAsync(to);
        var options = MailDeliveryPlatform.Options(smtp.Port, batchSize: 3);
        var clock = new TestClock();
        var instances = new[] { platform.Delivery(options, clock), platform.Delivery(options, clock) };

        await Task.WhenAll(instances.Select(instance => Task.Run(async () =>
        {
            while (await instance.DeliverDueAsync() > 0) { }
        })));

        foreach (var to in addresses) Assert.Single(smtp.To(to));
        await using var db = platform.Main.Create(DbSession.None);
        var rows = await db.OutboxEmails.Where(m => addresses.Contains(m.To)).ToListAsync();
        Assert.All(rows, r => Assert.Equal((OutboxEmailStatus.Sent, 1), (r.Status, r.Attempts)));
    }

    [Fact]
    public async Task A_mail_another_instance_is_claiming_is_skipped_not_waited_for_or_taken()
    {
        await using var smtp = new TestSmtpServer().Start();
        var (busyTo, freeTo) = (NewAddress("locked"), NewAddress("free"));
        var busy = await platform.MailAsync(busyTo);
        var free = await platform.MailAsync(freeTo);
        var delivery = platform.Delivery(MailDeliveryPlatform.Options(smtp.Port), new TestClock());

        // Another instance's claim in flight: its transaction holds the row lock.
        await using (var other = await platform.Main.OpenAsync(DbSession.None))
        {
            await other.Database.ExecuteSqlInterpolatedAsync($"SELECT id FROM main.email_outbox WHERE id = {busy} FOR UPDATE");
            var round = delivery.DeliverDueAsync();
            // A claim that waited for the lock would never finish while it is held: fail instead of hanging.
            Assert.Same(round, await Task.WhenAny(round, Task.Delay(TimeSpan.FromSeconds(60))));
            await round;
            Assert.Equal(0, (await platform.RowAsync(busy)).Attempts);
            Assert.Equal(OutboxEmailStatus.Sent, (await platform.RowAsync(free)).Status);
        }

        await delivery.DeliverDueAsync();
        Assert.Equal(OutboxEmailStatus.Sent, (await platform.RowAsync(busy)).Status);
        Assert.Single(smtp.To(busyTo));
        Assert.Single(smtp.To(freeTo));
    }

    [Fact]
    public async Task Sent_mail_is_purged_PurgeAfter_after_it_went_out_and_mail_waiting_for_the_server_is_kept()
    {
        var sentLongAgo = await platform.MailAsync(NewAddress("sent-old"));
        var sentRecently = await platform.MailAsync(NewAddress("sent-new"));
        var waitingLong = await platform.MailAsync(NewAddress("waiting"));
        var failedLongAgo = await platform.MailAsync(NewAddress("failed"));
        var old = DateTimeOffset.UtcNow.AddDays(-8);
        await using (var db = platform.Main.Create(DbSession.None))
        {
            await db.OutboxEmails.Where(m => m.Id == sentLongAgo).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.CreatedAt, old).SetProperty(m => m.SentAt, old).SetProperty(m => m.Status, OutboxEmailStatus.Sent));
            await db.OutboxEmails.Where(m => m.Id == sentRecently).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.CreatedAt, old).SetProperty(m => m.SentAt, DateTimeOffset.UtcNow.AddDays(-1))
                .SetProperty(m => m.Status, OutboxEmailStatus.Sent));
            await db.OutboxEmails.Where(m => m.Id == waitingLong).ExecuteUpdateAsync(s => s.SetProperty(m => m.CreatedAt, old));
            await db.OutboxEmails.Where(m => m.Id == failedLongAgo).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.CreatedAt, old).SetProperty(m => m.Status, OutboxEmailStatus.Failed));
        }

        await platform.Purge(MailDeliveryPlatform.Options(25)).PurgeAsync();

        await using var check = platform.Main.Create(DbSession.None);
        var left = await check.OutboxEmails.Where(m => new[] { sentLongAgo, sentRecently, waitingLong, failedLongAgo }.Contains(m.Id))
            .Select(m => m.Id).ToListAsync();
        Assert.Equal(new[] { sentRecently, waitingLong }.Order(), left.Order());
    }

    [Fact]
    public async Task Without_an_SMTP_host_the_worker_sends_nothing_and_mail_stays_in_the_outbox()
    {
        var to = NewAddress("outbox-only");
        var id = await platform.MailAsync(to);
        Assert.Equal(0, await platform.Delivery(new MailOptions(), new TestClock()).DeliverDueAsync());
        var row = await platform.RowAsync(id);
        Assert.Equal((OutboxEmailStatus.Queued, 0), (row.Status, row.Attempts));
    }

    [Fact]
    public void Backoff_doubles_from_InitialBackoff_up_to_MaxBackoff()
    {
        var delivery = platform.Delivery(MailDeliveryPlatform.Options(25), new TestClock());
        Assert.Equal(TimeSpan.FromMinutes(1), delivery.Backoff(1));
        Assert.Equal(TimeSpan.FromMinutes(2), delivery.Backoff(2));
        Assert.Equal(TimeSpan.FromMinutes(8), delivery.Backoff(4));
        Assert.Equal(TimeSpan.FromMinutes(10), delivery.Backoff(9));
        Assert.Equal(TimeSpan.FromMinutes(10), delivery.Backoff(1000));
    }
}
