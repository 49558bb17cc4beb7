using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Web.Features.Account;
using Platform.Web.Features.Mail;

namespace Platform.Web.Features.Workspaces;

public sealed record InviteRow(Guid Id, string Email, string Role, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? AcceptedAt, DateTimeOffset? RevokedAt)
{
    public string State(DateTimeOffset now) =>
        AcceptedAt is not null ? "accepted" : RevokedAt is not null ? "revoked" : ExpiresAt <= now ? "expired" : "pending";
}

/// <summary>A created invite: the link is shown (and mailed) once; only the token's hash is stored.</summary>
public sealed record CreatedInvite(Guid Id, string Email, string Link);

/// <summary>
/// Invites: single-use random tokens stored as SHA-256 hashes, with an expiry, revocable. The link carries the
/// workspace id (/invite/{workspaceId}/{token}) so the accepting user — not yet a member — can be given a
/// database session scoped to exactly that workspace to look the invite up. The invite is bound to its email:
/// a different signed-in account cannot use a forwarded link.
/// </summary>
public sealed class WorkspaceInvitesService(
    MainDbFactory main, WorkspacePermissions permissions, PublicLinks links,
    TimeProvider clock)
{
    public static readonly TimeSpan DefaultValidity = TimeSpan.FromDays(7);

    public async Task<Result<CreatedInvite>> CreateAsync(Guid workspaceId, Guid actorId, string email, string role,
        TimeSpan? validFor = null, CancellationToken ct = default)
    {
        email = email.Trim();
        if (!EmailAddresses.IsValid(email))
            return Result<CreatedInvite>.Fail($"'{email}' is not an email address.");
        if (!BuiltInRoles.All.Contains(role)) return Result<CreatedInvite>.Fail($"Unknown role '{role}'.");
        var actor = await permissions.GetAsync(workspaceId, actorId, ct);
        if (actor is null || !actor.Has(WorkspacePermission.ManageMembers))
            return Result<CreatedInvite>.Fail("You don't have permission to invite people to this workspace.");
        if (role == BuiltInRoles.Owner && !actor.IsOwner)
            return Result<CreatedInvite>.Fail("Only an owner can invite another owner.");
        if (RoleGrants.CheckCanGrant(actor, WorkspacePermission.ForBuiltInRole(role)) is { } refusal)
            return Failure.Forbidden(refusal);

        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = clock.GetUtcNow();
        var invite = new WorkspaceInvite
        {
            WorkspaceId = workspaceId, Email = email, Role = role, TokenHash = Hash(token),
            ExpiresAt = now + (validFor ?? DefaultValidity), CreatedByUserId = actorId, CreatedAt = now,
        };
        var link = links.To($"invite/{workspaceId}/{token}");
        await using (var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct))
        {
            if (await (from m in db.WorkspaceMembers join u in db.Users on m.UserId equals u.Id
                       where m.WorkspaceId == workspaceId && u.NormalizedEmail == email.ToUpperInvariant() select m).AnyAsync(ct))
                return Result<CreatedInvite>.Fail($"{email} is already a member.");
            var workspaceName = await db.Workspaces.Where(w => w.Id == workspaceId).Select(w => w.Name).SingleAsync(ct);
            db.WorkspaceInvites.Add(invite);
            AuditTrail.Add(db, workspaceId, actorId, "invite.created", "invite", invite.Id, new { email, role, invite.ExpiresAt });
            // The mail goes out with the invite or not at all (same transaction as the outbox row).
            db.OutboxEmails.Add(new OutboxEmail
            {
                To = email, Subject = $"You're invited to {workspaceName} on Platform",
                HtmlBody = $"You have been invited to the workspace <b>{HtmlEncoder.Default.Encode(workspaceName)}</b> as {role}. " +
                           $"<a href='{HtmlEncoder.Default.Encode(link)}'>Accept the invitation</a> " +
                           $"(valid until {invite.ExpiresAt:yyyy-MM-dd HH:mm} UTC).",
            });
            await db.CommitAsync(ct);
        }
        return new CreatedInvite(invite.Id, email, link);
    }

    public async Task<IReadOnlyList<InviteRow>> ListAsync(Guid workspaceId, Guid actorId, CancellationToken ct = default)
    {
        if (!await permissions.HasAsync(workspaceId, actorId, WorkspacePermission.ManageMembers, ct)) return [];
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct);
        return await db.WorkspaceInvites.Where(i => i.WorkspaceId == workspaceId).OrderByDescending(i => i.CreatedAt)
            .Select(i => new InviteRow(i.Id, i.Email, i.Role, i.CreatedAt, i.ExpiresAt, i.AcceptedAt, i.RevokedAt))
            .ToListAsync(ct);
    }

    public async Task<Result> RevokeAsync(Guid workspaceId, Guid actorId, Guid inviteId, CancellationToken ct = default)
    {
        if (await permissions.CheckAsync(workspaceId, actorId, WorkspacePermission.ManageMembers, ct) is { } refusal)
            return refusal;
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct);
        var invite = await db.WorkspaceInvites.SingleOrDefaultAsync(i => i.WorkspaceId == workspaceId && i.Id == inviteId, ct);
        if (invite is null) return Result.Fail("That invite does not exist.");
        if (invite.AcceptedAt is not null) return Result.Fail("That invite was already accepted; remove the member instead.");
        if (invite.RevokedAt is not null) return Result.Success;
        invite.RevokedAt = clock.GetUtcNow();
        await db.CommitAsync(AuditTrail.Entry(workspaceId, actorId, "invite.revoked", "invite", invite.Id, new { invite.Email }), ct);
        return Result.Success;
    }

    /// <summary>Sends a pending or expired invite again: the link is only ever stored as a hash, so a resend is a new
    /// invite (same address and role, a fresh link and expiry, a new mail) and the old link stops working.</summary>
    public async Task<Result<CreatedInvite>> ResendAsync(Guid workspaceId, Guid actorId, Guid inviteId, CancellationToken ct = default)
    {
        InviteRow? row = (await ListAsync(workspaceId, actorId, ct)).FirstOrDefault(i => i.Id == inviteId);
        if (row is null) return Result<CreatedInvite>.Fail("That invite does not exist.");
        if (row.AcceptedAt is not null) return Result<CreatedInvite>.Fail("That invite was already accepted.");
        if (row.RevokedAt is null && await RevokeAsync(workspaceId, actorId, inviteId, ct) is { Ok: false } refused)
            return Result<CreatedInvite>.Fail(refused.Error!);
        return await CreateAsync(workspaceId, actorId, row.Email, row.Role, ct: ct);
    }

    /// <summary>What the invite page shows before the person accepts. Null: no such (usable) invite.</summary>
    public async Task<Result<InvitePreview>> PreviewAsync(Guid workspaceId, string token, CancellationToken ct = default)
    {
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId), ct);
        var hash = Hash(token);
        var row = await (from i in db.WorkspaceInvites
                         join w in db.Workspaces on i.WorkspaceId equals w.Id
                         where i.WorkspaceId == workspaceId && i.TokenHash == hash
                         select new { i, w.Name, w.Status }).SingleOrDefaultAsync(ct);
        if (row is null) return Result<InvitePreview>.Fail("This invite link is not valid.");
        if (Unusable(row.i, row.Status) is { } why) return Result<InvitePreview>.Fail(why);
        return new InvitePreview(row.Name, row.i.Email, row.i.Role, row.i.ExpiresAt);
    }

    /// <summary>
    /// True when the invite page should join this user without asking: they created their account after the invite
    /// was sent, with the invited address, and confirmed that address (by mail or through a provider that verified
    /// it). That is someone who registered because of this invite; "Join" would be a click that decides nothing.
    /// Anyone else (an older account) still confirms with one click.
    /// </summary>
    public async Task<bool> JoinsDirectlyAsync(Guid workspaceId, string token, Guid userId, CancellationToken ct = default)
    {
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, userId), ct);
        var hash = Hash(token);
        var invite = await db.WorkspaceInvites.SingleOrDefaultAsync(i => i.WorkspaceId == workspaceId && i.TokenHash == hash, ct);
        if (invite is null || invite.AcceptedAt is not null || invite.RevokedAt is not null) return false;
        var user = await db.Users.Where(u => u.Id == userId)
            .Select(u => new { u.NormalizedEmail, u.EmailConfirmed, u.CreatedAt }).SingleOrDefaultAsync(ct);
        return user is not null && user.EmailConfirmed && user.CreatedAt >= invite.CreatedAt
               && string.Equals(user.NormalizedEmail, invite.Email.ToUpperInvariant(), StringComparison.Ordinal);
    }

    /// <summary>Joins the signed-in user to the workspace. Single use: the invite is claimed by a conditional
    /// update, so two tabs accepting at once get one membership and one clear refusal.</summary>
    public async Task<Result<string>> AcceptAsync(Guid workspaceId, string token, Guid userId, CancellationToken ct = default)
    {
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, userId), ct);
        var hash = Hash(token);
        var invite = await db.WorkspaceInvites.SingleOrDefaultAsync(i => i.WorkspaceId == workspaceId && i.TokenHash == hash, ct);
        var workspace = await db.Workspaces.SingleOrDefaultAsync(w => w.Id == workspaceId, ct);
        if (invite is null || workspace is null) return Result<string>.Fail("This invite link is not valid.");
        if (Unusable(invite, workspace.Status) is { } why) return Result<string>.Fail(why);

        var email = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).SingleOrDefaultAsync(ct);
        if (!string.Equals(email, invite.Email, StringComparison.OrdinalIgnoreCase))
        {
            await db.CommitAsync(AuditTrail.Entry(workspaceId, userId, "invite.wrong_account", "invite", invite.Id, new { invitedEmail = invite.Email }), ct);
            return Result<string>.Fail($"This invite is for {invite.Email}, but you are signed in as {email}. Sign in with the invited address.");
        }
        if (await db.WorkspaceMembers.AnyAsync(m => m.WorkspaceId == workspaceId && m.UserId == userId, ct))
            return Result<string>.Fail("You are already a member of this workspace.");

        var now = clock.GetUtcNow();
        var claimed = await db.WorkspaceInvites
            .Where(i => i.WorkspaceId == workspaceId && i.Id == invite.Id && i.AcceptedAt == null && i.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedAt, now).SetProperty(i => i.AcceptedByUserId, userId), ct);
        if (claimed != 1) return Result<string>.Fail("This invite has already been used.");

        db.WorkspaceMembers.Add(new WorkspaceMember { WorkspaceId = workspaceId, UserId = userId, Role = invite.Role, JoinedAt = now });
        await db.CommitAsync(AuditTrail.Entry(workspaceId, userId, "invite.accepted", "invite", invite.Id, new { invite.Email, invite.Role }), ct);
        return workspace.Slug;
    }

    private string? Unusable(WorkspaceInvite invite, WorkspaceStatus status) =>
        invite.RevokedAt is not null ? "This invite was revoked. Ask for a new one."
        : invite.AcceptedAt is not null ? "This invite has already been used."
        : invite.ExpiresAt <= clock.GetUtcNow() ? "This invite has expired. Ask for a new one."
        : status != WorkspaceStatus.Active ? "This workspace is not accepting new members right now."
        : null;

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

public sealed record InvitePreview(string WorkspaceName, string Email, string Role, DateTimeOffset ExpiresAt);
