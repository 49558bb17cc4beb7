using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Platform.Web.Features.Api.Keys;

namespace Platform.Web.Features.Api;

/// <summary>
/// Rate limits for API calls, per key and per workspace (all its keys together), with the ASP.NET Core rate
/// limiting primitives: two fixed one-minute windows chained, so a request needs a permit from both. Applied by
/// <see cref="ApiCallFilter"/> after the key is known (the partition is the key, never a client-chosen value).
/// Counters live in this instance's memory: with several instances each allows the configured rate (say so when
/// sizing; a shared limiter would need Redis).
/// </summary>
public sealed class ApiRateLimits : IDisposable
{
    private readonly PartitionedRateLimiter<ApiKeyIdentity> _limiter;

    public ApiRateLimits(IOptions<ApiOptions> options)
    {
        var o = options.Value;
        _limiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<ApiKeyIdentity, Guid>(key =>
                RateLimitPartition.GetFixedWindowLimiter(key.KeyId, _ => Window(o.RequestsPerMinutePerKey))),
            PartitionedRateLimiter.Create<ApiKeyIdentity, Guid>(key =>
                RateLimitPartition.GetFixedWindowLimiter(key.WorkspaceId, _ => Window(o.RequestsPerMinutePerWorkspace))));
    }

    private static FixedWindowRateLimiterOptions Window(int permits) => new()
    {
        PermitLimit = Math.Max(1, permits), Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
    };

    /// <summary>Null when the request may go on; else how long the client should wait.</summary>
    public TimeSpan? TryAcquire(ApiKeyIdentity key)
    {
        using var lease = _limiter.AttemptAcquire(key);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
    }

    public void Dispose() => _limiter.Dispose();
}
