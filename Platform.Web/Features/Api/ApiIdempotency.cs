using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Main.Entities;
using Platform.Web.Features.Api.Keys;

namespace Platform.Web.Features.Api;

/// <summary>A create's response as first sent, to replay for a retried request with the same Idempotency-Key.</summary>
public sealed record StoredResponse(int StatusCode, object Body, string? Location)
{
    public IResult ToResult() => new ReplayedResult(StatusCode, JsonSerializer.Serialize(Body, ApiBody.Json), Location);
}

internal sealed class ReplayedResult(int status, string json, string? location) : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        http.Response.StatusCode = status;
        if (location is not null) http.Response.Headers.Location = location;
        http.Response.ContentType = "application/json; charset=utf-8";
        await http.Response.WriteAsync(json);
    }
}

/// <summary>
/// <c>Idempotency-Key</c> on creates (documents, text): the first response is stored per API key in the main
/// database and replayed for the same key and the same request within <see cref="ApiOptions.IdempotencyKeptFor"/>;
/// the same key with a different request is refused (422). Two concurrent first attempts: the unique index lets
/// one store, the other replays it.
/// </summary>
public sealed class ApiIdempotency(IOptions<ApiOptions> options, TimeProvider clock)
{
    public const string Header = "Idempotency-Key";

    /// <summary>The header's value; a problem when it is there but unusable.</summary>
    public static (string? Key, IResult? Problem) KeyOf(HttpRequest request)
    {
        string? key = request.Headers[Header];
        if (key is null) return (null, null);
        key = key.Trim();
        return key.Length is 0 or > 200
            ? (null, ApiProblems.Problem(ApiFailure.Invalid, "Idempotency-Key must be 1 to 200 characters."))
            : (key, null);
    }

    public static string HashOf(params ReadOnlySpan<byte[]> parts)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            sha.AppendData(BitConverter.GetBytes(part.Length));
            sha.AppendData(part);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    public static byte[] Utf8(string? text) => Encoding.UTF8.GetBytes(text ?? "");

    /// <summary>The stored response to replay, a problem when the key was used for another request, or (null, null):
    /// go on and <see cref="StoreAsync"/> the result.</summary>
    public async Task<IResult?> ReplayAsync(ApiCaller caller, string key, string requestHash, CancellationToken ct)
    {
        var since = clock.GetUtcNow() - options.Value.IdempotencyKeptFor;
        await using var db = await caller.Scope.OpenMainAsync(ct);
        var stored = await db.ApiIdempotencyRecords
            .Where(r => r.WorkspaceId == caller.Key.WorkspaceId && r.ApiKeyId == caller.Key.KeyId && r.IdempotencyKey == key && r.CreatedAt > since)
            .FirstOrDefaultAsync(ct);
        if (stored is null) return null;
        if (stored.RequestHash != requestHash)
            return ApiProblems.Problem(ApiFailure.Unprocessable, "This Idempotency-Key was already used for a different request.");
        return new ReplayedResult(stored.StatusCode, stored.ResponseBody, stored.Location);
    }

    public async Task StoreAsync(ApiCaller caller, string key, string requestHash, StoredResponse response, CancellationToken ct)
    {
        await using var db = await caller.Scope.OpenMainAsync(ct);
        // An expired record with the same key makes way for the new one.
        var since = clock.GetUtcNow() - options.Value.IdempotencyKeptFor;
        await db.ApiIdempotencyRecords
            .Where(r => r.WorkspaceId == caller.Key.WorkspaceId && r.ApiKeyId == caller.Key.KeyId && r.IdempotencyKey == key && r.CreatedAt <= since)
            .ExecuteDeleteAsync(ct);
        db.ApiIdempotencyRecords.Add(new ApiIdempotencyRecord
        {
            WorkspaceId = caller.Key.WorkspaceId, ApiKeyId = caller.Key.KeyId, IdempotencyKey = key, RequestHash = requestHash,
            StatusCode = response.StatusCode, ResponseBody = JsonSerializer.Serialize(response.Body, ApiBody.Json),
            Location = response.Location, CreatedAt = clock.GetUtcNow(),
        });
        try
        {
            await db.CommitAsync(ct: ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // A concurrent first attempt stored its response first; it is the one replayed from now on.
        }
    }
}
