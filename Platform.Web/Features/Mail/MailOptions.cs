namespace Platform.Web.Features.Mail;

/// <summary>The "Mail" section of appsettings.json.</summary>
public sealed class MailOptions
{
    public const string Section = "Mail";

    /// <summary>Outbox rows older than this are deleted: they hold live links (password reset, confirmation,
    /// invites), and a mail that old has been delivered or is of no use any more.</summary>
    public TimeSpan PurgeAfter { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the purge runs.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);
}
