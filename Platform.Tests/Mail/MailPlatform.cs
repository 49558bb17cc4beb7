using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Tests.Infrastructure;
using Platform.Tests.Workspaces;
using Platform.Web.Features.Account;
using Platform.Web.Features.Mail;
using Platform.Web.Hosting;

namespace Platform.Tests.Mail;

/// <summary>The platform with the Mail feature (outbox viewer, proof cookie, purge) and the admin setup link.</summary>
public sealed class MailPlatform() : PlatformFixture(PlatformMode.Local)
{
    public TestClock Clock { get; } = new();

    protected override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<TimeProvider>(Clock);
        services.AddOptions<PlatformOptions>();
        services.AddMailFeature(configuration);
        services.AddSingleton<AdminSetup>();
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public async Task<Guid> CreateUserAsync(string email, bool admin)
    {
        var id = await CreateUserAsync(email);
        await using var db = Main.Create(DbSession.None);
        await db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsPlatformAdmin, admin));
        return id;
    }

    public async Task<Guid> MailAsync(string to, string subject, string body, DateTimeOffset? at = null)
    {
        await using var db = Main.Create(DbSession.None);
        var mail = new OutboxEmail { To = to, Subject = subject, HtmlBody = body, CreatedAt = at ?? DateTimeOffset.UtcNow };
        db.OutboxEmails.Add(mail);
        await db.SaveChangesAsync();
        return mail.Id;
    }
}
