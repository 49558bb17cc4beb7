using Microsoft.EntityFrameworkCore;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Web.Features.Workspaces;

namespace Platform.Web.Features.Api.Keys;

public sealed record ApiKeyRow(Guid Id, string Name, string Prefix, IReadOnlyList<string> Scopes, Guid CreatedByUserId,
    string? CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt, long RequestCount)
{
    public bool IsActive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}

public sealed class ApiKeyInput
{
    public string Name { get; set; } = "";
    public List<string> Scopes { get; set; } = [];
    public DateTimeOffset? ExpiresAt { get; set; }
}

/// <summary>The key as shown once, right after it was created; only its hash is kept.</summary>
public sealed record CreatedApiKey(Guid Id, string Key, string Prefix);

/// <summary>Who a request's key acts for, found by <see cref="WorkspaceApiKeys.AuthenticateAsync"/>.</summary>
public sealed record ApiKeyIdentity(Guid WorkspaceId, Guid KeyId, Guid CreatorId, IReadOnlyList<string> Scopes);

/// <summary>
/// The workspace's API keys: created and revoked by members holding "manage API keys" (and every permission the
/// chosen scopes need), shown once, stored as a keyed hash, counted as they are used. A key acts for its creator:
/// <see cref="RefusalAsync"/>, which every unit of work of an API request re-checks through the key's
/// <see cref="WorkspaceScope"/>, refuses it once it is revoked or expired, or its creator left or lost a permission.
/// </summary>
public sealed class WorkspaceApiKeys(
    MainDbFactory main, WorkspacePermissions permissions, WorkspaceDirectory directory, ApiKeySecrets secrets, TimeProvider clock)
{
    public const string InvalidKeyMessage = "The API key is missing, malformed, unknown, revoked or expired.";

    public async Task<IReadOnlyList<ApiKeyRow>> ListAsync(WorkspaceScope scope, CancellationToken ct = default)
    {
        if (scope.UserId is not { } actor || !await permissions.HasAsync(scope.WorkspaceId, actor, WorkspacePermission.ManageApiKeys, ct)) return [];
        await using var db = await scope.OpenMainAsync(ct);
        return await (from k in db.ApiKeys
                      join u in db.Users on k.CreatedByUserId equals u.Id into creators
                      from u in creators.DefaultIfEmpty()
                      where k.WorkspaceId == scope.WorkspaceId
                      orderby k.RevokedAt != null, k.CreatedAt descending
                      select new ApiKeyRow(k.Id, k.Name, k.Prefix, k.Scopes, k.CreatedByUserId, u.Email, k.CreatedAt, k.ExpiresAt,
                          k.RevokedAt, k.LastUsedAt, k.RequestCount))
            .ToListAsync(ct);
    }

    public async Task<Result<CreatedApiKey>> CreateAsync(WorkspaceScope scope, ApiKeyInput input, CancellationToken ct = default)
    {
        if (scope.UserId is not { } actor) return Result<CreatedApiKey>.Fail("Only a member can create API keys.");
        var name = input.Name.Trim();
        var scopes = input.Scopes.Select(s => s.Trim()).Distinct().ToList();
        if (name.Length is 0 or > 80) return Result<CreatedApiKey>.Fail("Give the key a name (at most 80 characters).");
        if (scopes.Count == 0) return Result<CreatedApiKey>.Fail("Choose at least one scope.");
        if (scopes.FirstOrDefault(s => !ApiScopes.All.Contains(s)) is { } unknown)
            return Result<CreatedApiKey>.Fail($"Unknown scope '{unknown}'.");
        if (input.ExpiresAt is { } expires && expires <= clock.GetUtcNow())
            return Result<CreatedApiKey>.Fail("The expiry must be in the future.");

        if (await permissions.CheckAsync(scope.WorkspaceId, actor, WorkspacePermission.ManageApiKeys, ct) is { } refusal)
            return refusal;
        var grant = (await permissions.GetAsync(scope.WorkspaceId, actor, ct))!;
        // A key never grants more than its creator could do themselves.
        if (scopes.FirstOrDefault(s => ApiScopes.RequiredPermission(s) is { } p && !grant.Has(p)) is { } beyond)
            return Result<CreatedApiKey>.Fail(
                $"You can't create a key with the scope '{beyond}': it needs a permission you don't have ({WorkspacePermission.Describe(ApiScopes.RequiredPermission(beyond)!).ToLowerInvariant()}).");

        var (key, prefix, hash) = secrets.NewKey(scope.WorkspaceId);
        await using var db = await scope.OpenMainAsync(ct);
        var row = new ApiKey
        {
            WorkspaceId = scope.WorkspaceId, Name = name, Prefix = prefix, KeyHash = hash, Scopes = [.. scopes],
            CreatedByUserId = actor, CreatedAt = clock.GetUtcNow(), ExpiresAt = input.ExpiresAt,
        };
        db.ApiKeys.Add(row);
        AuditTrail.Add(db, scope.WorkspaceId, actor, "api_key.created", "api_key", row.Id,
            new { row.Name, row.Prefix, Scopes = scopes, row.ExpiresAt });
        await db.CommitAsync(ct: ct);
        return new CreatedApiKey(row.Id, key, prefix);
    }

    public async Task<Result> RevokeAsync(WorkspaceScope scope, Guid keyId, CancellationToken ct = default)
    {
        if (scope.UserId is not { } actor) return Result.Fail("Only a member can revoke API keys.");
        if (await permissions.CheckAsync(scope.WorkspaceId, actor, WorkspacePermission.ManageApiKeys, ct) is { } refusal)
            return refusal;
        await using var db = await scope.OpenMainAsync(ct);
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.WorkspaceId == scope.WorkspaceId && k.Id == keyId, ct);
        if (key is null) return Result.Fail("That API key no longer exists.");
        if (key.RevokedAt is not null) return Result.Success;
        key.RevokedAt = clock.GetUtcNow();
        key.RevokedByUserId = actor;
        AuditTrail.Add(db, scope.WorkspaceId, actor, "api_key.revoked", "api_key", key.Id, new { key.Name, key.Prefix });
        await db.CommitAsync(ct: ct);
        return Result.Success;
    }

    /// <summary>The key's identity when it is one of ours and neither revoked nor expired (and counts the request);
    /// null otherwise. Whether its creator may still act is <see cref="RefusalAsync"/>'s question, asked through the
    /// request's scope.</summary>
    public async Task<ApiKeyIdentity?> AuthenticateAsync(string presented, CancellationToken ct = default)
    {
        if (ApiKeySecrets.WorkspaceOf(presented) is not { } workspaceId) return null;
        var hash = secrets.Hash(presented);
        var now = clock.GetUtcNow();
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId), ct);
        var key = await db.ApiKeys.Where(k => k.WorkspaceId == workspaceId && k.KeyHash == hash)
            .Select(k => new { k.Id, k.CreatedByUserId, k.Scopes, k.RevokedAt, k.ExpiresAt }).FirstOrDefaultAsync(ct);
        if (key is null || key.RevokedAt is not null || key.ExpiresAt <= now) return null;
        await db.ApiKeys.Where(k => k.WorkspaceId == workspaceId && k.Id == key.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now).SetProperty(k => k.RequestCount, k => k.RequestCount + 1), ct);
        await db.CommitAsync(ct: ct);
        return new ApiKeyIdentity(workspaceId, key.Id, key.CreatedByUserId, key.Scopes);
    }

    /// <summary>The request's way into the workspace: a <see cref="WorkspaceScope"/> acting for the key's creator
    /// that re-checks <see cref="RefusalAsync"/> on the way into each unit of work.</summary>
    public WorkspaceScope Scope(ApiKeyIdentity key) =>
        directory.ApiKeyScope(key.WorkspaceId, key.CreatorId, key.KeyId, ct => RefusalAsync(key.WorkspaceId, key.KeyId, ct));

    /// <summary>Null while the key may act; else why not (message fit to show to the API client).</summary>
    public async Task<Failure?> RefusalAsync(Guid workspaceId, Guid keyId, CancellationToken ct = default)
    {
        ApiKeyState? key;
        await using (var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId), ct))
            key = await db.ApiKeys.Where(k => k.WorkspaceId == workspaceId && k.Id == keyId)
                .Select(k => new ApiKeyState(k.CreatedByUserId, k.Scopes, k.RevokedAt, k.ExpiresAt)).FirstOrDefaultAsync(ct);
        if (key is null || key.RevokedAt is not null) return Failure.Forbidden("This API key has been revoked.");
        if (key.ExpiresAt <= clock.GetUtcNow()) return Failure.Forbidden("This API key has expired.");
        var grant = await permissions.GetAsync(workspaceId, key.CreatorId, ct);
        if (grant is null) return Failure.Forbidden("This API key stopped working: the member who created it is no longer in the workspace.");
        if (!grant.IsActive) return Failure.Forbidden(WorkspaceDirectory.SuspendedMessage);
        if (key.Scopes.FirstOrDefault(s => ApiScopes.RequiredPermission(s) is { } p && !grant.Has(p)) is { } lost)
            return Failure.Forbidden($"This API key stopped working: the member who created it no longer has the permission its scope '{lost}' needs.");
        return null;
    }

    private sealed record ApiKeyState(Guid CreatorId, string[] Scopes, DateTimeOffset? RevokedAt, DateTimeOffset? ExpiresAt);
}
