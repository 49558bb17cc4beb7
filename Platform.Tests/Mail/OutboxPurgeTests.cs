using Microsoft.EntityFrameworkCore;
using Platform.Data.Tenancy;
using Platform.Web.Features.Mail;

namespace Platform.Tests.Mail;

/// <summary>Outbox rows carry live tokens: they are deleted after Mail:PurgeAfter (7 days by default).</summary>
public class OutboxPurgeTests(MailPlatform platform) : IClassFixture<MailPlatform>
{
    [Fact]
    public async Task Mail_older_than_PurgeAfter_is_deleted_and_newer_mail_kept()
    {
        var to = $"purge-{Guid.NewGuid():N}@mail.test";
        var old = await platform.MailAsync(to, "Reset your password", "old token", DateTimeOffset.UtcNow.AddDays(-8));
        var recent = await platform.MailAsync(to, "Reset your password", "recent token", DateTimeOffset.UtcNow.AddDays(-6));

        Assert.True(await platform.Get<OutboxPurge>().PurgeAsync() >= 1);

        await using var db = platform.Main.Create(DbSession.None);
        var left = await db.OutboxEmails.Where(m => m.To == to).Select(m => m.Id).ToListAsync();
        Assert.Equal([recent], left);
        Assert.DoesNotContain(old, left);
    }
}
