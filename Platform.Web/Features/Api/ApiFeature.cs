using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Web.Features.Api.Keys;

namespace Platform.Web.Features.Api;

/// <summary>The public API (/api/v1): workspace API keys, the documents and search endpoints.</summary>
public static class ApiFeature
{
    public const string Prefix = "/api/v1";

    /// <summary>Only the API key scheme authenticates /api/v1 (a browser's cookie never does).</summary>
    public static readonly AuthorizationPolicy KeyPolicy = new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName)
        .RequireAuthenticatedUser().Build();

    public static IServiceCollection AddApiFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ApiKeySecrets>();
        services.AddSingleton<WorkspaceApiKeys>();
        services.AddSingleton<ApiRateLimits>();
        services.AddSingleton<ApiIdempotency>();
        services.AddApiReference();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        return services;
    }

    public static IEndpointRouteBuilder MapPlatformApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Prefix)
            .RequireAuthorization(KeyPolicy)
            .DisableAntiforgery()
            // API errors are problem details; the UI's "not found" page must never answer an API call.
            .WithMetadata(new Microsoft.AspNetCore.Mvc.SkipStatusCodePagesAttribute());
        // Endpoints read their bodies themselves (ApiBody) instead of declaring Accepts metadata: with it, routing
        // would answer a wrong content type with a bare 415 before any endpoint runs, not with problem details.
        api.MapApiDocuments();
        api.MapApiSearch();
        app.MapApiReference();
        return app;
    }
}
