using Microsoft.EntityFrameworkCore;
using Platform.Data.Tenancy;
using Platform.Web.Features.Mail;

namespace Platform.Tests.Mail;

/// <summary>/dev/outbox's rule: nobody reads mail addressed to someone else; every view is audited.</summary>
public class OutboxVisibilityTests(MailPlatform platform) : IClassFixture<MailPlatform>
{
    private OutboxViewer Viewer => platform.Get<OutboxViewer>();
    private static string NewEmail(string who) => $"{who}-{Guid.NewGuid():N}@mail.test";

    [Fact]
    public async Task A_signed_out_visitor_does_not_see_the_reset_link_they_asked_for_someone_else()
    {
        var admin = NewEmail("admin");
        await platform.CreateUserAsync(admin, admin: true);
        var reset = await platform.MailAsync(admin, "Reset your password", "<a href='http://x/Account/ResetPassword?code=SECRET'>reset</a>");

        var anonymous = await Viewer.ViewAsync(new OutboxVisitor(null, null, "127.0.0.1"));
        Assert.DoesNotContain(anonymous, m => m.Id == reset);
        var filtered = await Viewer.ViewAsync(new OutboxVisitor(null, null, "127.0.0.1"), to: admin);
        Assert.Empty(filtered);
    }

    [Fact]
    public async Task A_signed_in_user_sees_their_own_mail_only_whatever_the_case_of_the_address()
    {
        var alice = NewEmail("alice");
        var bob = NewEmail("bob");
        var aliceId = await platform.CreateUserAsync(alice, admin: false);
        await platform.CreateUserAsync(bob, admin: false);
        var toAlice = await platform.MailAsync(alice.ToUpperInvariant(), "Confirm your email", "alice's link");
        var toBob = await platform.MailAsync(bob, "Reset your password", "bob's link");

        var seen = await Viewer.ViewAsync(new OutboxVisitor(aliceId, null, "127.0.0.1"));
        Assert.Contains(seen, m => m.Id == toAlice && m.HtmlBody == "alice's link");
        Assert.DoesNotContain(seen, m => m.Id == toBob);
        Assert.Empty(await Viewer.ViewAsync(new OutboxVisitor(aliceId, null, "127.0.0.1"), to: bob));
    }

    [Fact]
    public async Task The_address_a_browser_registered_shows_only_mail_sent_to_it_since_then()
    {
        var carol = NewEmail("carol");
        var before = await platform.MailAsync(carol, "Reset your password", "older mail", DateTimeOffset.UtcNow.AddMinutes(-10));
        var proof = new OutboxProof.Proof(carol, DateTimeOffset.UtcNow.AddMinutes(-1));
        var confirmation = await platform.MailAsync(carol, "Confirm your email", "the confirmation link");
        var other = await platform.MailAsync(NewEmail("dave"), "Confirm your email", "dave's link");

        var seen = await Viewer.ViewAsync(new OutboxVisitor(null, proof, "127.0.0.1"));
        Assert.Contains(seen, m => m.Id == confirmation && m.HtmlBody == "the confirmation link");
        Assert.DoesNotContain(seen, m => m.Id == before);
        Assert.DoesNotContain(seen, m => m.Id == other);
    }

    [Fact]
    public async Task A_platform_admin_sees_everyones_mail_but_not_the_text_of_mail_to_other_admins()
    {
        var me = NewEmail("admin-me");
        var other = NewEmail("admin-other");
        var user = NewEmail("user");
        var meId = await platform.CreateUserAsync(me, admin: true);
        await platform.CreateUserAsync(other, admin: true);
        await platform.CreateUserAsync(user, admin: false);
        var toMe = await platform.MailAsync(me, "Reset your password", "my link");
        var toOther = await platform.MailAsync(other, "Reset your password", "other admin's link");
        var toUser = await platform.MailAsync(user, "Confirm your email", "user's link");

        var seen = await Viewer.ViewAsync(new OutboxVisitor(meId, null, "127.0.0.1"));
        Assert.Equal("my link", seen.Single(m => m.Id == toMe).HtmlBody);
        Assert.Equal("user's link", seen.Single(m => m.Id == toUser).HtmlBody);
        var hidden = seen.Single(m => m.Id == toOther);
        Assert.Null(hidden.HtmlBody);
        Assert.Equal(("Reset your password", other), (hidden.Subject, hidden.To));
    }

    [Fact]
    public async Task Every_view_is_audited_with_who_and_from_where()
    {
        var erin = NewEmail("erin");
        var erinId = await platform.CreateUserAsync(erin, admin: false);
        await platform.MailAsync(erin, "Confirm your email", "erin's link");

        await Viewer.ViewAsync(new OutboxVisitor(erinId, null, "127.0.0.7"));
        await Viewer.ViewAsync(new OutboxVisitor(null, null, "127.0.0.8"));

        // Platform-level audit entries are readable by platform admins only (RLS).
        await using var db = await platform.Main.OpenAsync(DbSession.ForPlatformAdmin(Guid.Empty));
        var entries = await db.AuditLog.Where(a => a.Action == "mail.outbox_viewed" && (a.IpAddress == "127.0.0.7" || a.IpAddress == "127.0.0.8"))
            .ToListAsync();
        Assert.Contains(entries, a => a.UserId == erinId && a.IpAddress == "127.0.0.7" && a.Details.Contains("\"shown\": 1"));
        Assert.Contains(entries, a => a.UserId == null && a.IpAddress == "127.0.0.8");
    }
}
