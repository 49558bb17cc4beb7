using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Identity;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;

namespace Platform.Web.Features.Account;

/// <summary>
/// Identity's mail goes into main.email_outbox; Features/Mail/OutboxDelivery sends it over SMTP (Mail:Smtp) as
/// plain text + sanitized HTML. With no mail server configured that outbox is the mail system: in Development,
/// /dev/outbox shows each visitor their own mail (Features/Mail/OutboxViewer). OutboxPurge deletes rows after
/// Mail:PurgeAfter. Links in the bodies are built by the callers from Platform:PublicUrl (PublicLinks).
/// </summary>
public sealed class OutboxEmailSender(MainDbFactory main) : IEmailSender<AppUser>
{
    public Task SendConfirmationLinkAsync(AppUser user, string email, string confirmationLink) =>
        SendAsync(email, "Confirm your email",
            // Identity's pages pass links already HTML-encoded.
            $"Please confirm your Platform account by <a href='{confirmationLink}'>clicking here</a>.");

    public Task SendPasswordResetLinkAsync(AppUser user, string email, string resetLink) =>
        SendAsync(email, "Reset your password",
            $"Reset your Platform password by <a href='{resetLink}'>clicking here</a>.");

    public Task SendPasswordResetCodeAsync(AppUser user, string email, string resetCode) =>
        SendAsync(email, "Reset your password",
            $"Your Platform password reset code: {HtmlEncoder.Default.Encode(resetCode)}");

    public async Task SendAsync(string to, string subject, string htmlBody)
    {
        await using var db = main.Create(DbSession.None);
        db.OutboxEmails.Add(new OutboxEmail { To = to, Subject = subject, HtmlBody = htmlBody });
        await db.SaveChangesAsync();
    }
}
