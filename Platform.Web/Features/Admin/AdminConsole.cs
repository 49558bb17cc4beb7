using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Main;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Web.Features.Workspaces;
using Platform.Web.Features.Costs.Budgets;
using Platform.Web.Infrastructure;

namespace Platform.Web.Features.Admin;

public sealed record AdminWorkspaceRow(Guid Id, string Name, string Slug, WorkspaceStatus Status, WorkspacePlan Plan,
    DataPlacement Placement, int Members, DateTimeOffset CreatedAt, WorkspaceAppStatus? DatabaseStatus, string? DatabaseHint,
    string? DatabaseError, bool OnboardingFinished);

public sealed record AdminUserRow(Guid Id, string? Email, string? DisplayName, bool IsPlatformAdmin, bool EmailConfirmed,
    bool TwoFactorEnabled, DateTimeOffset? LockoutEnd, int AccessFailedCount, DateTimeOffset CreatedAt,
    IReadOnlyList<string> Memberships)
{
    public bool Locked => LockoutEnd > DateTimeOffset.UtcNow;
}

public sealed record AuditRow(long Id, DateTimeOffset CreatedAt, string Action, string? WorkspaceSlug, Guid? WorkspaceId,
    string? UserEmail, string? TargetType, string? TargetId, string Details);

public sealed record AuditFilter(string? Workspace = null, string? User = null, string? Action = null,
    DateTime? From = null, DateTime? To = null);

public sealed record HealthRow(string Component, bool Healthy, string Detail);

/// <summary>
/// The platform admin console's operations. Every method checks, in the database, that the caller is a platform
/// admin (the page's policy is not the only gate), works with the admin scope over system tables, and writes an
/// audit entry for each change and for opening a workspace as admin.
/// </summary>
public sealed class AdminConsole(MainDbFactory main, DataSourceRegistry sources, IOptions<DatabaseOptions> options,
    TenantConnectionResolver resolver, WorkerHeartbeats workers, WorkspaceDataPlacement placement, PlatformAdmins admins)
{

    public async Task<IReadOnlyList<AdminWorkspaceRow>> WorkspacesAsync(Guid adminId, string? search, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(adminId, ct);
        var q = db.Workspaces.AsQueryable();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var s = $"%{search.Trim()}%";
            q = q.Where(w => EF.Functions.ILike(w.Name, s) || EF.Functions.ILike(w.Slug, s));
        }
        return await q.OrderByDescending(w => w.CreatedAt).Take(500)
            .Select(w => new AdminWorkspaceRow(w.Id, w.Name, w.Slug, w.Status, w.Plan, w.DataPlacement,
                db.WorkspaceMembers.Count(m => m.WorkspaceId == w.Id), w.CreatedAt,
                db.WorkspaceApps.Where(a => a.WorkspaceId == w.Id).OrderByDescending(a => a.CreatedAt).Select(a => (WorkspaceAppStatus?)a.Status).FirstOrDefault(),
                db.WorkspaceApps.Where(a => a.WorkspaceId == w.Id).OrderByDescending(a => a.CreatedAt).Select(a => a.ConnectionHint).FirstOrDefault(),
                db.WorkspaceApps.Where(a => a.WorkspaceId == w.Id).OrderByDescending(a => a.CreatedAt).Select(a => a.LastError).FirstOrDefault(),
                w.OnboardingCompletedAt != null))
            .ToListAsync(ct);
    }

    public async Task<Result> SetSuspendedAsync(Guid adminId, Guid workspaceId, bool suspended, string? reason, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(adminId, ct);
        var changed = await db.Workspaces.Where(w => w.Id == workspaceId && w.Status != WorkspaceStatus.Deleting)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.Status, suspended ? WorkspaceStatus.Suspended : WorkspaceStatus.Active), ct);
        if (changed == 0) return Result.Fail("That workspace does not exist (or is being deleted).");
        await db.CommitAsync(AuditTrail.Entry(workspaceId, adminId, suspended ? "admin.workspace_suspended" : "admin.workspace_reactivated",
            "workspace", workspaceId, new { reason }), ct);
        return Result.Success;
    }

    /// <summary>Sets the workspace's plan. Its credit tier follows at once: CreditLimiter reads the plan on every
    /// request (Free → the free tier, Pro/Enterprise → the pro tier).</summary>
    public async Task<Result> SetPlanAsync(Guid adminId, Guid workspaceId, WorkspacePlan plan, CancellationToken ct = default)
    {
        if (!Enum.IsDefined(plan)) return Result.Fail("Unknown plan.");
        await using var db = await OpenAsync(adminId, ct);
        var before = await db.Workspaces.Where(w => w.Id == workspaceId && w.Status != WorkspaceStatus.Deleting)
            .Select(w => (WorkspacePlan?)w.Plan).SingleOrDefaultAsync(ct);
        if (before is null) return Result.Fail("That workspace does not exist (or is being deleted).");
        if (before == plan) return Result.Success;
        await db.Workspaces.Where(w => w.Id == workspaceId).ExecuteUpdateAsync(s => s.SetProperty(w => w.Plan, plan), ct);
        await db.CommitAsync(AuditTrail.Entry(workspaceId, adminId, "admin.workspace_plan_changed", "workspace", workspaceId,
            new { from = before.ToString(), to = plan.ToString() }), ct);
        return Result.Success;
    }

    /// <summary>"Open as admin": a read-only look at the workspace's system data, recorded in its audit log.</summary>
    public async Task<Result<AdminWorkspaceDetails>> OpenWorkspaceAsync(Guid adminId, Guid workspaceId, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(adminId, ct);
        var workspace = await db.Workspaces.SingleOrDefaultAsync(w => w.Id == workspaceId, ct);
        if (workspace is null) return Result<AdminWorkspaceDetails>.Fail("That workspace does not exist.");
        var members = await (from m in db.WorkspaceMembers join u in db.Users on m.UserId equals u.Id
                             where m.WorkspaceId == workspaceId orderby m.JoinedAt
                             select new MemberRow(m.UserId, u.Email, u.DisplayName, m.Role, m.WorkspaceRoleId, null, m.JoinedAt)).ToListAsync(ct);
        var invites = await db.WorkspaceInvites.CountAsync(i => i.WorkspaceId == workspaceId && i.AcceptedAt == null && i.RevokedAt == null, ct);
        var keys = await db.WorkspaceProviderKeys.CountAsync(k => k.WorkspaceId == workspaceId, ct);
        await db.CommitAsync(AuditTrail.Entry(workspaceId, adminId, "admin.workspace_opened", "workspace", workspaceId), ct);
        return new AdminWorkspaceDetails(workspace.Id, workspace.Name, workspace.Slug, workspace.Status, workspace.DataPlacement,
            workspace.CreatedAt, members, invites, keys);
    }

    public async Task<IReadOnlyList<AdminUserRow>> UsersAsync(Guid adminId, string? search, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(adminId, ct);
        var q = db.Users.AsQueryable();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var s = $"%{search.Trim()}%";
            q = q.Where(u => EF.Functions.ILike(u.Email!, s) || EF.Functions.ILike(u.DisplayName!, s));
        }
        var users = await q.OrderBy(u => u.Email).Take(500).ToListAsync(ct);
        var ids = users.Select(u => u.Id).ToList();
        var memberships = await (from m in db.WorkspaceMembers join w in db.Workspaces on m.WorkspaceId equals w.Id
                                 where ids.Contains(m.UserId) select new { m.UserId, Text = w.Slug + " (" + m.Role + ")" }).ToListAsync(ct);
        return users.Select(u => new AdminUserRow(u.Id, u.Email, u.DisplayName, u.IsPlatformAdmin, u.EmailConfirmed,
            u.TwoFactorEnabled, u.LockoutEnd, u.AccessFailedCount, u.CreatedAt,
            memberships.Where(m => m.UserId == u.Id).Select(m => m.Text).ToList())).ToList();
    }

    /// <summary>Locks (until unlocked) or unlocks a user. Locking also changes the security stamp, so their
    /// cookies and open tabs are signed out within the revalidation interval (a minute).</summary>
    public Task<Result> SetLockedAsync(Guid adminId, Guid userId, bool locked, CancellationToken ct = default) =>
        ChangeUserAsync(adminId, userId, locked ? "admin.user_locked" : "admin.user_unlocked", u =>
        {
            if (locked && u.Id == adminId) return "You cannot lock yourself out.";
            u.LockoutEnabled = true;
            u.LockoutEnd = locked ? DateTimeOffset.MaxValue : null;
            u.AccessFailedCount = 0;
            if (locked) u.SecurityStamp = Guid.NewGuid().ToString("N");
            return null;
        }, ct);

    /// <summary>Turns two-factor off and forgets the authenticator key and recovery codes (the user sets it up again).</summary>
    public Task<Result> ResetTwoFactorAsync(Guid adminId, Guid userId, CancellationToken ct = default) =>
        ChangeUserAsync(adminId, userId, "admin.user_2fa_reset", u =>
        {
            u.TwoFactorEnabled = false;
            u.SecurityStamp = Guid.NewGuid().ToString("N");
            return null;
        }, ct, async db => await db.UserTokens
            .Where(t => t.UserId == userId && t.LoginProvider == "[AspNetUserStore]" && (t.Name == "AuthenticatorKey" || t.Name == "RecoveryCodes"))
            .ExecuteDeleteAsync(ct));

    public async Task<IReadOnlyList<HealthRow>> HealthAsync(Guid adminId, CancellationToken ct = default)
    {
        var rows = new List<HealthRow>
        {
            await PingAsync("Main database", options.Value.Main, ct),
            await PingAsync("Platform tenant store", options.Value.PlatformTenant, ct),
        };
        await using var db = await OpenAsync(adminId, ct);
        var apps = await (from a in db.WorkspaceApps join w in db.Workspaces on a.WorkspaceId equals w.Id
                          where a.Status == WorkspaceAppStatus.Ready select new { a.EncryptedConnectionString, w.Slug }).ToListAsync(ct);
        foreach (var app in apps)
        {
            string cs;
            try { cs = resolver.Protector.Unprotect(app.EncryptedConnectionString); }
            catch (System.Security.Cryptography.CryptographicException)
            {
                rows.Add(new HealthRow($"Workspace {app.Slug} database", false, "connection string cannot be decrypted (key ring changed?)"));
                continue;
            }
            // Judged by today's rules: a role (or host) they refuse is listed with the fix; one pointing at the
            // platform's own server is not even pinged (it is not opened).
            var review = await placement.ReviewStoredAsync(cs, ct);
            if (review.Refused)
            {
                rows.Add(new HealthRow($"Workspace {app.Slug} database", false, $"{ConnectionStrings.Hint(cs)} · not opened: {review.Flag}"));
                continue;
            }
            var ping = await PingAsync($"Workspace {app.Slug} database", review.Pinned!, ct, ConnectionStrings.Hint(cs));
            rows.Add(review.Flag is null ? ping : ping with { Healthy = false, Detail = $"{ping.Detail} · needs fixing: {review.Flag}" });
        }
        // This instance's background workers (each instance of a scaled-out deployment runs its own).
        rows.AddRange(workers.Snapshot().Select(w => new HealthRow($"Worker: {w.Worker}", w.Healthy, w.Detail)));
        return rows;
    }

    public async Task<(IReadOnlyList<AuditRow> Rows, int Total)> AuditAsync(Guid adminId, AuditFilter filter, int page, int pageSize,
        CancellationToken ct = default)
    {
        await using var db = await OpenAsync(adminId, ct);
        var q = from a in db.AuditLog
                join w in db.Workspaces on a.WorkspaceId equals w.Id into ws
                from w in ws.DefaultIfEmpty()
                join u in db.Users on a.UserId equals u.Id into us
                from u in us.DefaultIfEmpty()
                select new { a, Slug = w != null ? w.Slug : null, Email = u != null ? u.Email : null };
        if (!string.IsNullOrWhiteSpace(filter.Workspace))
        {
            var ws = filter.Workspace.Trim();
            q = Guid.TryParse(ws, out var wid) ? q.Where(x => x.a.WorkspaceId == wid) : q.Where(x => x.Slug == ws.ToLower());
        }
        if (!string.IsNullOrWhiteSpace(filter.User)) q = q.Where(x => EF.Functions.ILike(x.Email!, $"%{filter.User.Trim()}%"));
        if (!string.IsNullOrWhiteSpace(filter.Action)) q = q.Where(x => x.a.Action.StartsWith(filter.Action.Trim()));
        if (filter.From is { } from) { var f = new DateTimeOffset(DateTime.SpecifyKind(from.Date, DateTimeKind.Utc)); q = q.Where(x => x.a.CreatedAt >= f); }
        if (filter.To is { } to) { var t = new DateTimeOffset(DateTime.SpecifyKind(to.Date.AddDays(1), DateTimeKind.Utc)); q = q.Where(x => x.a.CreatedAt < t); }
        var total = await q.CountAsync(ct);
        var rows = await q.OrderByDescending(x => x.a.CreatedAt).ThenByDescending(x => x.a.Id).Skip(page * pageSize).Take(pageSize)
            .Select(x => new AuditRow(x.a.Id, x.a.CreatedAt, x.a.Action, x.Slug, x.a.WorkspaceId, x.Email, x.a.TargetType, x.a.TargetId, x.a.Details))
            .ToListAsync(ct);
        return (rows, total);
    }

    private async Task<Result> ChangeUserAsync(Guid adminId, Guid userId, string action, Func<AppUser, string?> change,
        CancellationToken ct, Func<MainDbContext, Task>? alsoDo = null)
    {
        await using var db = await OpenAsync(adminId, ct);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null) return Result.Fail("That user does not exist.");
        if (change(user) is { } refusal) return Result.Fail(refusal);
        user.ConcurrencyStamp = Guid.NewGuid().ToString();
        if (alsoDo is not null) await alsoDo(db);
        await db.CommitAsync(AuditTrail.Entry(null, adminId, action, "user", userId, new { user.Email }), ct);
        return Result.Success;
    }

    /// <summary>Admin-scoped unit of work, after checking in the database that the caller is a platform admin.</summary>
    private async Task<MainDbContext> OpenAsync(Guid adminId, CancellationToken ct)
    {
        if (!await admins.IsAdminAsync(adminId, ct)) throw new WorkspaceAccessDeniedException("Only platform admins can use the admin console.");
        return await main.OpenAsync(DbSession.ForPlatformAdmin(adminId), ct);
    }

    private async Task<HealthRow> PingAsync(string component, string connectionString, CancellationToken ct, string? hint = null)
    {
        hint ??= ConnectionStrings.Hint(connectionString);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var started = System.Diagnostics.Stopwatch.StartNew();
            await using var cmd = sources.Get(connectionString).CreateCommand("SELECT 1");
            await cmd.ExecuteScalarAsync(timeout.Token);
            return new HealthRow(component, true, $"{hint} · {started.ElapsedMilliseconds} ms");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            return new HealthRow(component, false, $"{hint} · {e.Message}");
        }
    }
}

public sealed record AdminWorkspaceDetails(Guid Id, string Name, string Slug, WorkspaceStatus Status, DataPlacement Placement,
    DateTimeOffset CreatedAt, IReadOnlyList<MemberRow> Members, int PendingInvites, int ProviderKeys);
