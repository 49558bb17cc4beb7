using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Data.Tenancy;
using Platform.Web.Features.Account;
using Platform.Web.Hosting;

namespace Platform.Tests.Mail;

/// <summary>The first platform admin: a listed email, or the one-time setup link; never "whoever registers first".</summary>
public class AdminSetupTests
{
    [Fact]
    public void Only_listed_emails_become_admins_when_they_register_not_the_first_user()
    {
        var policy = new PlatformAdminPolicy(Options.Create(new PlatformOptions { AdminEmails = ["Boss@Example.test", ""] }));
        Assert.True(policy.ShouldBeAdmin("boss@example.test"));
        Assert.False(policy.ShouldBeAdmin("first@example.test"));
        Assert.False(policy.ShouldBeAdmin(""));
    }

    /// <summary>Each test gets its own databases: the link exists only while no admin does.</summary>
    public sealed class OnAnEmptyInstall : IAsyncLifetime
    {
        private readonly MailPlatform _platform = new();
        private AdminSetup Setup => _platform.Get<AdminSetup>();

        public Task InitializeAsync() => _platform.InitializeAsync();
        public Task DisposeAsync() => _platform.DisposeAsync();

        [Fact]
        public async Task The_link_makes_one_user_admin_once_stores_only_a_hash_and_is_audited()
        {
            var token = await Setup.IssueIfNoAdminAsync();
            Assert.NotNull(token);
            await using (var db = _platform.Main.Create(DbSession.None))
                Assert.DoesNotContain(await db.PlatformState.Select(s => s.Key + s.Value).ToListAsync(), s => s.Contains(token));
            Assert.True(await Setup.IsValidAsync(token));

            var first = await _platform.CreateUserAsync("first@setup.test", admin: false);
            var second = await _platform.CreateUserAsync("second@setup.test", admin: false);
            Assert.True((await Setup.ClaimAsync(token, first, "127.0.0.1")).Ok);
            Assert.False((await Setup.ClaimAsync(token, second, "127.0.0.1")).Ok);
            Assert.False(await Setup.IsValidAsync(token));

            await using var check = await _platform.Main.OpenAsync(DbSession.ForPlatformAdmin(Guid.Empty));
            Assert.Equal([first], await check.Users.Where(u => u.IsPlatformAdmin).Select(u => u.Id).ToListAsync());
            Assert.Empty(await check.PlatformState.Where(s => s.Key.StartsWith(AdminSetup.KeyPrefix)).ToListAsync());
            Assert.True(await check.AuditLog.AnyAsync(a => a.Action == "admin.first_admin_claimed" && a.UserId == first));
            Assert.Null(await Setup.IssueIfNoAdminAsync()); // an admin exists: no more links
        }

        [Fact]
        public async Task An_expired_or_made_up_link_does_nothing()
        {
            var token = await Setup.IssueIfNoAdminAsync();
            var user = await _platform.CreateUserAsync("late@setup.test", admin: false);
            Assert.False((await Setup.ClaimAsync("made-up", user, null)).Ok);
            _platform.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
            Assert.False(await Setup.IsValidAsync(token));
            Assert.False((await Setup.ClaimAsync(token, user, null)).Ok);
            await using var db = _platform.Main.Create(DbSession.None);
            Assert.False(await db.Users.AnyAsync(u => u.IsPlatformAdmin));
        }
    }
}
