using Platform.Web.Features.Api.Keys;
using Platform.Web.Features.Workspaces;

namespace Platform.Web.Features.Api;

/// <summary>What an endpoint gets about its caller: the key and the <see cref="WorkspaceScope"/> to call services
/// with (acting for the key's creator, re-checked on the way into every unit of work).</summary>
public sealed record ApiCaller(ApiKeyIdentity Key, WorkspaceScope Scope);

/// <summary>
/// Runs before every /api/v1 endpoint, after the key was authenticated: the endpoint's API scope, the rate limits,
/// and the key's full re-check (revoked, expired, creator still a member holding what the scopes need, workspace
/// active) — then hands the endpoint its <see cref="ApiCaller"/> (HttpContext.Items).
/// </summary>
public sealed class ApiCallFilter(string requiredScope) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.Items[typeof(ApiKeyIdentity)] is not ApiKeyIdentity key)
            return ApiProblems.Problem(ApiFailure.Unauthenticated, WorkspaceApiKeys.InvalidKeyMessage);
        if (!key.Scopes.Contains(requiredScope))
            return ApiProblems.Problem(ApiFailure.Forbidden, $"This API key does not have the scope '{requiredScope}'.");

        var services = http.RequestServices;
        if (services.GetRequiredService<ApiRateLimits>().TryAcquire(key) is { } wait)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString();
            return ApiProblems.Problem(ApiFailure.RateLimited, "Rate limit reached for this API key or its workspace. Retry after the time in Retry-After.");
        }

        var scope = services.GetRequiredService<WorkspaceApiKeys>().Scope(key);
        if (await scope.RecheckAsync(http.RequestAborted) is { } refusal) return ApiProblems.From(refusal);
        http.Items[typeof(ApiCaller)] = new ApiCaller(key, scope);
        return await next(context);
    }
}

public static class ApiCallerExtensions
{
    /// <summary>The caller <see cref="ApiCallFilter"/> admitted; endpoints only run after it.</summary>
    public static ApiCaller ApiCaller(this HttpContext http) =>
        http.Items[typeof(ApiCaller)] as ApiCaller ?? throw new InvalidOperationException("ApiCallFilter did not run for this endpoint.");

    /// <summary>Requires <paramref name="scope"/> of the key (see <see cref="ApiCallFilter"/>).</summary>
    public static TBuilder RequireApiScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(new ApiCallFilter(scope));
}
