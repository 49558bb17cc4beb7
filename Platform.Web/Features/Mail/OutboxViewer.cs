using Microsoft.EntityFrameworkCore;
using Platform.Data.Tenancy;
using Platform.Web.Features.Workspaces;

namespace Platform.Web.Features.Mail;

/// <summary>Who is looking at the outbox: the signed-in user (if any), the address this browser proved it
/// registered (if any, see <see cref="OutboxProof"/>), and where the request came from (for the audit log).</summary>
public sealed record OutboxVisitor(Guid? UserId, OutboxProof.Proof? Proof, string? IpAddress);

/// <param name="HtmlBody">Null when the visitor may see that the mail exists but not read it.</param>
/// <param name="Delivery">"queued", "sent", or "failed: 550 …" (the SMTP server's answer); queued mail that was refused
/// carries the reason too.</param>
public sealed record OutboxMail(Guid Id, string To, string Subject, DateTimeOffset CreatedAt, string? HtmlBody, string Delivery = "queued");

/// <summary>
/// The development outbox holds live secrets (password-reset and confirmation links, invites), so nobody reads mail
/// addressed to someone else. The rule:
/// <list type="bullet">
/// <item>A signed-in user sees the mail addressed to their own email.</item>
/// <item>Any visitor, signed in or not, also sees mail to the address this browser registered, sent since then.</item>
/// <item>A platform admin (checked in the database, not the cookie) sees every mail, but only the recipient and
/// subject of mail addressed to another platform admin: an admin must not be able to take over another admin.</item>
/// </list>
/// So a signed-out visitor who asks for a password reset of someone else's account never sees the link. Every view
/// is audited (who, from where, how many mails shown).
/// </summary>
public sealed class OutboxViewer(MainDbFactory main)
{
    public const int Limit = 50;

    public async Task<IReadOnlyList<OutboxMail>> ViewAsync(OutboxVisitor visitor, string? to = null, CancellationToken ct = default)
    {
        await using var db = main.Create(DbSession.None);
        var user = visitor.UserId is { } id
            ? await db.Users.Where(u => u.Id == id).Select(u => new { u.NormalizedEmail, u.IsPlatformAdmin }).SingleOrDefaultAsync(ct)
            : null;
        var own = user?.NormalizedEmail;
        var proven = visitor.Proof?.Email.ToUpperInvariant();
        var provenSince = visitor.Proof?.Since ?? DateTimeOffset.MaxValue;
        var isAdmin = user?.IsPlatformAdmin == true;

        var query = db.OutboxEmails.AsNoTracking();
        if (!isAdmin)
            query = query.Where(m => (own != null && m.To.ToUpper() == own) ||
                                     (proven != null && m.To.ToUpper() == proven && m.CreatedAt >= provenSince));
        var filter = string.IsNullOrWhiteSpace(to) ? null : to.Trim().ToUpperInvariant();
        if (filter is not null) query = query.Where(m => m.To.ToUpper() == filter);
        var rows = await query.OrderByDescending(m => m.CreatedAt).Take(Limit).ToListAsync(ct);

        var otherAdmins = isAdmin
            ? (await db.Users.Where(u => u.IsPlatformAdmin && u.Id != visitor.UserId && u.NormalizedEmail != null)
                .Select(u => u.NormalizedEmail!).ToListAsync(ct)).ToHashSet()
            : [];
        var mails = rows.Select(m => new OutboxMail(m.Id, m.To, m.Subject, m.CreatedAt,
            otherAdmins.Contains(m.To.ToUpperInvariant()) ? null : m.HtmlBody, DeliveryOf(m))).ToList();

        await AuditTrail.AddPlatformEventAsync(db, visitor.UserId, "mail.outbox_viewed", "outbox", null, new
        {
            scope = isAdmin ? "admin" : "own", registeredAddress = visitor.Proof?.Email, filter = to,
            shown = mails.Count, bodiesHidden = mails.Count(m => m.HtmlBody is null),
        }, visitor.IpAddress, ct);
        return mails;
    }

    private static string DeliveryOf(Platform.Data.Main.Entities.OutboxEmail m) => m.Status.ToString().ToLowerInvariant() +
        (m.FailureReason is { } reason && m.Status != Platform.Data.Main.Entities.OutboxEmailStatus.Sent
            ? $" (attempt {m.Attempts}: {reason})" : "");
}
