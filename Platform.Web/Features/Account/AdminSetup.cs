using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Web.Features.Workspaces;
using Platform.Web.Hosting;

namespace Platform.Web.Features.Account;

/// <summary>
/// The first platform admin of an install without one. "The first user to register becomes admin" is a race that an
/// attacker wins against a freshly deployed public instance, so instead the app prints a one-time setup link to its
/// own log (which only the operator reads): a random token, valid for <see cref="PlatformOptions.SetupLinkValidFor"/>,
/// of which only the SHA-256 hash is stored. Using it makes one account a platform admin (audited) and deletes every
/// setup token; it does nothing once any admin exists. The tokens live in main.platform_state (platform-wide state)
/// under <see cref="KeyPrefix"/>, one row per token, so several app instances can each print a working link.
/// </summary>
public sealed class AdminSetup(MainDbFactory main, IOptions<PlatformOptions> options, TimeProvider clock)
{
    public const string KeyPrefix = "admin_setup:";
    public const string InvalidLink =
        "This setup link is invalid, already used or expired, or a platform admin already exists. Restart the app for a new link.";

    /// <summary>A new token when no platform admin exists (expired ones are dropped); null when one does.</summary>
    public async Task<string?> IssueIfNoAdminAsync(CancellationToken ct = default)
    {
        await using var db = main.Create(DbSession.None);
        if (await db.Users.AnyAsync(u => u.IsPlatformAdmin, ct))
        {
            await db.PlatformState.Where(s => s.Key.StartsWith(KeyPrefix)).ExecuteDeleteAsync(ct);
            return null;
        }
        var cutoff = ValidSince();
        await db.PlatformState.Where(s => s.Key.StartsWith(KeyPrefix) && s.UpdatedAt <= cutoff).ExecuteDeleteAsync(ct);
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        db.PlatformState.Add(new PlatformState
        {
            Key = KeyFor(token), Value = "one-time link to make the first platform admin", UpdatedAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
        return token;
    }

    public async Task<bool> IsValidAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token)) return false;
        await using var db = main.Create(DbSession.None);
        var key = KeyFor(token);
        var cutoff = ValidSince();
        return await db.PlatformState.AnyAsync(s => s.Key == key && s.UpdatedAt > cutoff, ct)
               && !await db.Users.AnyAsync(u => u.IsPlatformAdmin, ct);
    }

    /// <summary>Makes <paramref name="userId"/> the platform admin and uses the token up, in one transaction.</summary>
    public async Task<Result> ClaimAsync(string? token, Guid userId, string? ipAddress, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token)) return Result.Fail(InvalidLink);
        await using var db = await main.OpenAsync(DbSession.None, ct);
        var key = KeyFor(token);
        var cutoff = ValidSince();
        // The delete is the check: of two simultaneous claims only one removes the row.
        if (await db.PlatformState.Where(s => s.Key == key && s.UpdatedAt > cutoff).ExecuteDeleteAsync(ct) != 1
            || await db.Users.AnyAsync(u => u.IsPlatformAdmin, ct))
            return Result.Fail(InvalidLink);
        await db.PlatformState.Where(s => s.Key.StartsWith(KeyPrefix)).ExecuteDeleteAsync(ct);
        if (await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsPlatformAdmin, true), ct) != 1)
            return Result.Fail(InvalidLink);
        await AuditTrail.AddPlatformEventAsync(db, userId, "admin.first_admin_claimed", "user", userId.ToString(),
            new { via = "setup link" }, ipAddress, ct);
        await db.CommitAsync(ct);
        return Result.Success;
    }

    public TimeSpan ValidFor => options.Value.SetupLinkValidFor;

    private DateTimeOffset ValidSince() => clock.GetUtcNow() - options.Value.SetupLinkValidFor;

    private static string KeyFor(string token) =>
        KeyPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
