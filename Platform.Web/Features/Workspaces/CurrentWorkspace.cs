using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace Platform.Web.Features.Workspaces;

/// <summary>
/// The workspace this circuit (or request) works in. Scoped: one per circuit, so it follows the user's clicks
/// (HTTP middleware and AsyncLocal would not). Entered from the route's slug and the signed-in user's
/// memberships — never from a client-supplied id alone. Holds no DbContext.
/// Membership is re-checked: by <see cref="WorkspaceGate"/> every <see cref="RecheckEvery"/> and before any unit
/// of work older than that (<see cref="RequireAccessAsync"/>), so a removed member or a suspended workspace loses
/// access in an open tab within a minute.
/// </summary>
public sealed class CurrentWorkspace(AuthenticationStateProvider auth, WorkspaceDirectory directory, ILogger<CurrentWorkspace> logger,
    TimeProvider? time = null)
{
    private readonly TimeProvider clock = time ?? TimeProvider.System;

    public static readonly TimeSpan RecheckEvery = TimeSpan.FromSeconds(20);

    private string? _slug;
    private Guid? _entered;
    private DateTimeOffset _checkedAt;

    public WorkspaceAccess? Access { get; private set; }
    public Guid? UserId { get; private set; }

    /// <summary>Set when the user is a member but this session did not sign in through the single sign-on
    /// provider the workspace requires (its name); <see cref="Access"/> is null then.</summary>
    public string? MissingSignInProvider { get; private set; }

    /// <summary>Published after the workspace changed (the app bar and navigation re-render); carries the new
    /// access (null: lost).</summary>
    public Signal<WorkspaceAccess?> Changed { get; } = new(logger, nameof(CurrentWorkspace));

    public Guid WorkspaceId => Access?.WorkspaceId ?? throw new InvalidOperationException("No workspace has been entered.");

    /// <summary>Enters the workspace with this slug if the signed-in user is a member; null otherwise.
    /// The gate and the page inside it both enter on each navigation: a check younger than
    /// <see cref="RecheckEvery"/> for the same slug is reused instead of asking the database twice.</summary>
    public Task<WorkspaceAccess?> EnterAsync(string slug, CancellationToken ct = default)
    {
        if (_firstEntry)
        {
            _firstEntry = false;
            if (HandOff is { } handed)
            {
                HandOff = null;
                var adopted = AdoptAsync(handed, slug, ct);
                _entering = (slug, adopted);
                return adopted;
            }
        }
        if (Access is not null && string.Equals(_slug, slug, StringComparison.OrdinalIgnoreCase)
                               && clock.GetUtcNow() - _checkedAt <= RecheckEvery)
            return Task.FromResult<WorkspaceAccess?>(Access);
        // On a fresh circuit the page and its gate enter at the same moment: one database check serves both.
        if (_entering is { } pending && string.Equals(pending.Slug, slug, StringComparison.OrdinalIgnoreCase) && !pending.Check.IsCompleted)
            return pending.Check;
        var check = LoadAsync(slug, ct);
        _entering = (slug, check);
        return check;
    }

    private (string Slug, Task<WorkspaceAccess?> Check)? _entering;
    private bool _firstEntry = true;

    /// <summary>The prerendering request's membership check, handed to the circuit that follows it (a persistent
    /// service, see UiServices): the circuit's first entry adopts it instead of asking the database again, so the page
    /// keeps showing what was just prerendered. Adopted only by the same user, for the same slug, while younger than
    /// <see cref="RecheckEvery"/> — the same reuse as between two pages of one circuit — and the gate re-checks at once.</summary>
    [PersistentState] public WorkspaceHandOff? HandOff { get; set; }

    public sealed record WorkspaceHandOff(string Slug, Guid UserId, WorkspaceAccess Access, DateTimeOffset CheckedAt);

    /// <summary>The access came from <see cref="HandOff"/>, not from a check of this circuit's own (yet).</summary>
    public bool AccessWasHandedOver { get; private set; }

    private async Task<WorkspaceAccess?> AdoptAsync(WorkspaceHandOff handed, string slug, CancellationToken ct)
    {
        var userId = await GetUserIdAsync();
        var age = clock.GetUtcNow() - handed.CheckedAt;
        if (userId != handed.UserId || !string.Equals(handed.Slug, slug, StringComparison.OrdinalIgnoreCase)
            || age > RecheckEvery || age < TimeSpan.Zero)
            return await LoadAsync(slug, ct);
        (_slug, _entered, _checkedAt, Access, AccessWasHandedOver) = (slug, handed.Access.WorkspaceId, handed.CheckedAt, handed.Access, true);
        Changed.Publish(Access);
        return Access;
    }

    private async Task<WorkspaceAccess?> LoadAsync(string slug, CancellationToken ct)
    {
        var sameSlug = string.Equals(_slug, slug, StringComparison.OrdinalIgnoreCase);
        _slug = slug;
        var user = (await auth.GetAuthenticationStateAsync()).User;
        var userId = await GetUserIdAsync();
        var access = userId is null ? null : await directory.FindAsync(userId.Value, slug, ct);
        // A workspace that requires single sign-on is entered only by a session signed in through its provider.
        MissingSignInProvider = null;
        if (access?.RequiredSignInProvider is { } required && !Platform.Web.Features.Account.Sso.SignInMethod.IsThrough(user, required))
        {
            MissingSignInProvider = required;
            access = null;
        }
        // A recheck that lost the access keeps the workspace for Scope(): its services then refuse with a message.
        if (access is not null) _entered = access.WorkspaceId;
        else if (!sameSlug) _entered = null;
        _checkedAt = clock.GetUtcNow();
        AccessWasHandedOver = false;
        HandOff = access is null || userId is null ? null : new WorkspaceHandOff(slug, userId.Value, access, _checkedAt);
        if (access != Access)
        {
            Access = access;
            Changed.Publish(access);
        }
        return access;
    }

    /// <summary>Reads the membership again (same slug). Raises <see cref="Changed"/> if it was lost or changed.</summary>
    public Task<WorkspaceAccess?> RecheckAsync(CancellationToken ct = default) =>
        _slug is null ? Task.FromResult<WorkspaceAccess?>(null) : LoadAsync(_slug, ct);

    /// <summary>The current access, re-checked when the last check is older than <see cref="RecheckEvery"/>.
    /// Throws <see cref="WorkspaceAccessDeniedException"/> when it is gone or the workspace is suspended (and, as before,
    /// <see cref="InvalidOperationException"/> when no workspace was entered).</summary>
    public async Task<WorkspaceAccess> RequireAccessAsync(CancellationToken ct = default)
    {
        if (Access is null) throw new InvalidOperationException("No workspace has been entered.");
        if (clock.GetUtcNow() - _checkedAt > RecheckEvery) await RecheckAsync(ct);
        return Access switch
        {
            null => throw new WorkspaceAccessDeniedException("You are no longer a member of this workspace."),
            { Status: not Platform.Data.Main.Entities.WorkspaceStatus.Active } => throw new WorkspaceAccessDeniedException("This workspace is suspended."),
            var a => a,
        };
    }

    /// <summary>The way into the entered workspace for one service call: its units of work re-check, in the
    /// database, that the user is still a member and the workspace active (see <see cref="WorkspaceScope"/>).
    /// Take a new one per call; throws <see cref="InvalidOperationException"/> when no workspace was entered.</summary>
    public WorkspaceScope Scope() => _entered is { } workspaceId && UserId is { } userId
        ? directory.MemberScope(workspaceId, userId)
        : throw new InvalidOperationException("No workspace has been entered.");

    public async Task<Guid?> GetUserIdAsync()
    {
        var state = await auth.GetAuthenticationStateAsync();
        UserId = Guid.TryParse(state.User.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;
        return UserId;
    }
}
