namespace Platform.Web.Features.Mail;

/// <summary>The "Mail" section of appsettings.json.</summary>
public sealed class MailOptions
{
    public const string Section = "Mail";

    /// <summary>Sent mail is deleted this long after it went out, and mail that was never delivered (failed, or
    /// outbox-only without SMTP) this long after it was written: the rows hold live links (password reset,
    /// confirmation, invites). Mail still waiting for an SMTP server is kept: nothing is lost while it is down.</summary>
    public TimeSpan PurgeAfter { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the purge runs.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);

    public SmtpOptions Smtp { get; set; } = new();
}

/// <summary>Mail:Smtp. No Host = no delivery: the outbox is the mail system (Development's /dev/outbox).</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public SmtpTlsMode Tls { get; set; } = SmtpTlsMode.Auto;
    public string? User { get; set; }
    public string? Password { get; set; }
    public string FromName { get; set; } = "Platform";
    public string FromAddress { get; set; } = "no-reply@localhost";

    /// <summary>How often the worker looks for due mail when it has nothing to do.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Mail sent per round by one instance.</summary>
    public int BatchSize { get; set; } = 20;

    /// <summary>A mail the server refuses permanently (5xx) is tried this often before it is marked failed. Temporary
    /// failures (4xx, server unreachable) never give up: the mail waits until the server takes it.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Wait after the first failure; doubled after each further one, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a claimed mail is reserved for the instance sending it. If that instance dies mid-send the
    /// mail is tried again after this (the one case where a mail may go out twice).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Connect/command timeout of one SMTP conversation.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);
}

public enum SmtpTlsMode { None, StartTls, SslOnConnect, Auto }
