using Microsoft.EntityFrameworkCore;
using Platform.Data.Tenancy;
using Platform.Web.Features.Workspaces;

namespace Platform.Web.Features.Admin;

/// <summary>
/// "Is this user a platform admin?" asked of the database, for every admin-only service: the cost views
/// and the admin console (<see cref="AdminConsole"/>). The page policy reads a claim in the cookie, which
/// stays true until the cookie is re-issued; the flag in the database is the truth.
/// </summary>
public sealed class PlatformAdmins(MainDbFactory main)
{
    public async Task<bool> IsAdminAsync(Guid userId, CancellationToken ct = default)
    {
        await using var db = main.Create(DbSession.None);
        return await db.Users.AnyAsync(u => u.Id == userId && u.IsPlatformAdmin, ct);
    }

    /// <summary>Where an admin without two-factor authentication is sent when Platform:RequireAdminTwoFactor is on.</summary>
    public const string TwoFactorSetupUrl = "/Account/Manage/TwoFactorAuthentication?reason=admin";

    public async Task<bool> HasTwoFactorAsync(Guid userId, CancellationToken ct = default)
    {
        await using var db = main.Create(DbSession.None);
        return await db.Users.AnyAsync(u => u.Id == userId && u.TwoFactorEnabled, ct);
    }

    /// <summary>Throws <see cref="WorkspaceAccessDeniedException"/> (message fit to show) unless the user is an admin now.</summary>
    public async Task RequireAsync(Guid userId, CancellationToken ct = default)
    {
        if (!await IsAdminAsync(userId, ct))
            throw new WorkspaceAccessDeniedException("Only platform admins can see the platform's costs.");
    }
}
