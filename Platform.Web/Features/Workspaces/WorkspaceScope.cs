using Platform.Data.Main;
using Platform.Data.Tenancy;
using Platform.Data.Tenant;

namespace Platform.Web.Features.Workspaces;

/// <summary>
/// One way into a workspace's data: who (a member, or the system) works in which workspace, for one service call.
/// Made by <see cref="CurrentWorkspace.Scope"/> (the circuit's member, after the route's membership check),
/// by <see cref="WorkspaceDirectory.MemberScope"/> (a member named by a service's caller), by
/// <see cref="WorkspaceDirectory.ApiKeyScope"/> (an API request, acting for the key's creator) or by
/// <see cref="WorkspaceDirectory.SystemScope"/> (background workers, explicitly). A member scope re-checks in the
/// database, on the way in, that the user is still a member and the workspace is active: a removed member's open
/// tab is refused on its very next call, not when the gate's timer next looks.
/// </summary>
/// <remarks>
/// The check is one query on two unique indexes (workspace_members (workspace_id, user_id) and the workspaces
/// key). A scope is made per service call, and its check is reused by the units of work that same call opens
/// within <see cref="CheckReusedFor"/> (a send opens several); it is never shared across calls or circuits,
/// so there is nothing to invalidate when a member is removed, on this instance or another.
/// </remarks>
public sealed class WorkspaceScope
{
    /// <summary>How long one call's check covers that same call's further units of work.</summary>
    public static readonly TimeSpan CheckReusedFor = TimeSpan.FromSeconds(2);

    private readonly WorkspaceDirectory _directory;
    private readonly MainDbFactory _main;
    private readonly TenantDbFactory _tenants;
    private readonly TimeProvider _clock;
    private readonly Func<CancellationToken, Task<Failure?>>? _keyCheck;
    private DateTimeOffset? _checkedAt;

    internal WorkspaceScope(WorkspaceDirectory directory, MainDbFactory main, TenantDbFactory tenants, TimeProvider clock,
        Guid workspaceId, Guid? userId, bool isSystem, Guid? apiKeyId = null, Func<CancellationToken, Task<Failure?>>? keyCheck = null)
    {
        (_directory, _main, _tenants, _clock) = (directory, main, tenants, clock);
        (WorkspaceId, UserId, IsSystem, ApiKeyId, _keyCheck) = (workspaceId, userId, isSystem, apiKeyId, keyCheck);
    }

    public Guid WorkspaceId { get; }

    /// <summary>The member; null for a system scope (a background worker).</summary>
    public Guid? UserId { get; }

    /// <summary>A background worker's scope: no membership to check (the work was accepted from a member earlier).</summary>
    public bool IsSystem { get; }

    /// <summary>The API key an API request came with (<see cref="UserId"/> is then the key's creator, for whom it acts).</summary>
    public Guid? ApiKeyId { get; }

    /// <summary>Null while the member may still work here; else the refusal to show ("no longer a member",
    /// "suspended"; for an API key also revoked, expired, or its creator lost a permission a scope needs).
    /// Always asks the database.</summary>
    public async Task<Failure?> RecheckAsync(CancellationToken ct = default)
    {
        if (IsSystem) return null;
        var refusal = _keyCheck is not null ? await _keyCheck(ct) : await _directory.RefusalAsync(WorkspaceId, UserId!.Value, ct);
        _checkedAt = refusal is null ? _clock.GetUtcNow() : null;
        return refusal;
    }

    /// <summary>Throws <see cref="WorkspaceAccessDeniedException"/> (message fit to show) when the member was removed
    /// or the workspace suspended: for the services whose result has no room for a refusal (lists, views).</summary>
    public async Task RequireAsync(CancellationToken ct = default)
    {
        if (IsSystem || _checkedAt is { } at && _clock.GetUtcNow() - at <= CheckReusedFor) return;
        if (await RecheckAsync(ct) is { } refusal) throw new WorkspaceAccessDeniedException(refusal.Message);
    }

    /// <summary>A unit of work in the workspace's application data (transaction begun, tenant set), after the
    /// membership check. Keep writes with <see cref="TenantDbContext.CommitAsync"/>; disposing rolls back.</summary>
    public async Task<TenantDbContext> OpenTenantAsync(CancellationToken ct = default)
    {
        await RequireAsync(ct);
        return await _tenants.OpenAsync(WorkspaceId, UserId, ct);
    }

    /// <summary>A unit of work in the main database bound to this workspace (RLS on its rows), after the
    /// membership check. Keep writes with <see cref="MainDbContext.CommitAsync"/>.</summary>
    public async Task<MainDbContext> OpenMainAsync(CancellationToken ct = default)
    {
        await RequireAsync(ct);
        return await _main.OpenAsync(DbSession.ForWorkspace(WorkspaceId, UserId), ct);
    }
}
