namespace Platform.Data.Main.Entities;

/// <summary>
/// A workspace API key (Features/Api/Keys). Only a keyed hash of the key is stored (HMAC-SHA256 with a server
/// secret; the key is 256 random bits, so a fast hash is right) and a short prefix to recognise it by. The key
/// acts for its creator, never beyond what the creator may still do: it stops working when they leave the workspace
/// or lose a permission one of its scopes needs.
/// </summary>
public class ApiKey : WorkspaceScoped
{
    public required string Name { get; set; }

    /// <summary>"plk_…" plus the first characters of the secret part: shown in lists, never enough to use.</summary>
    public required string Prefix { get; set; }

    /// <summary>Lower-case hex HMAC-SHA256 of the whole key; unique per workspace.</summary>
    public required string KeyHash { get; set; }

    /// <summary>documents:read, documents:write, search, chat (Features/Api/Keys/ApiScopes).</summary>
    public string[] Scopes { get; set; } = [];

    public Guid CreatedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public Guid? RevokedByUserId { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public long RequestCount { get; set; }
}

/// <summary>A create request replayed by its Idempotency-Key: the first response is stored and returned again for
/// the same key (per API key) within a day, so a client's retry never creates a second document.</summary>
public class ApiIdempotencyRecord : WorkspaceScoped
{
    public Guid ApiKeyId { get; set; }
    public required string IdempotencyKey { get; set; }

    /// <summary>SHA-256 of method, path and body: the same key with a different request is refused, not replayed.</summary>
    public required string RequestHash { get; set; }

    public int StatusCode { get; set; }
    public required string ResponseBody { get; set; }
    public string? Location { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}
