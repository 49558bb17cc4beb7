using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Tests.Infrastructure;
using Platform.Tests.Workspaces;
using Platform.Web.Features.Account;
using Platform.Web.Features.Mail;
using Platform.Web.Hosting;
using Platform.Web.Infrastructure;

namespace Platform.Tests.Mail;

/// <summary>The Mail feature with SMTP delivery configured, a known Platform:PublicUrl, and helpers to build delivery
/// workers (each with its own clock and SMTP port) as the host would.</summary>
public sealed class MailDeliveryPlatform() : PlatformFixture(PlatformMode.Local)
{
    public const string PublicUrl = "https://platform.example.test";

    protected override void AddSettings(IDictionary<string, string?> settings)
    {
        settings["Platform:PublicUrl"] = PublicUrl;
    }

    protected override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PlatformOptions>().Bind(configuration.GetSection(PlatformOptions.Section));
        services.AddMailFeature(configuration);
        services.AddSingleton<PublicLinks>();
        services.AddSingleton<OutboxEmailSender>();
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public static MailOptions Options(int port, int maxAttempts = 3, int batchSize = 20) => new()
    {
        Smtp = new SmtpOptions
        {
            Host = "127.0.0.1", Port = port, Tls = SmtpTlsMode.None, FromName = "Platform", FromAddress = "no-reply@platform.example.test",
            MaxAttempts = maxAttempts, BatchSize = batchSize, InitialBackoff = TimeSpan.FromMinutes(1), MaxBackoff = TimeSpan.FromMinutes(10),
            Timeout = TimeSpan.FromSeconds(20),
        },
    };

    /// <summary>A delivery worker as one app instance runs it (not started: tests drive its rounds).</summary>
    public OutboxDelivery Delivery(MailOptions options, TimeProvider clock) =>
        new(Main, Microsoft.Extensions.Options.Options.Create(options), clock, new WorkerHeartbeats(clock),
            Get<ILoggerFactory>().CreateLogger<OutboxDelivery>());

    public OutboxPurge Purge(MailOptions options) =>
        new(Main, Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, new WorkerHeartbeats(TimeProvider.System),
            Get<ILoggerFactory>().CreateLogger<OutboxPurge>());

    public async Task<Guid> MailAsync(string to, string subject = "Hello", string body = "<p>Hello</p>")
    {
        await using var db = Main.Create(DbSession.None);
        var mail = new OutboxEmail { To = to, Subject = subject, HtmlBody = body };
        db.OutboxEmails.Add(mail);
        await db.SaveChangesAsync();
        return mail.Id;
    }

    public async Task<OutboxEmail> RowAsync(Guid id)
    {
        await using var db = Main.Create(DbSession.None);
        return await db.OutboxEmails.AsNoTracking().SingleAsync(m => m.Id == id);
    }

    public async Task<OutboxEmail> RowToAsync(string to)
    {
        await using var db = Main.Create(DbSession.None);
        return await db.OutboxEmails.AsNoTracking().SingleAsync(m => m.To == to);
    }
}
