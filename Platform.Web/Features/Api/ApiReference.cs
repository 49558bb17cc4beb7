using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using Platform.Web.Infrastructure;

namespace Platform.Web.Features.Api;

/// <summary>The API's OpenAPI document, generated from the endpoints' code (/api/openapi/v1.json), and a browsable
/// reference page (Scalar) at /api/docs. Both are public: they describe the API, they open nothing.</summary>
public static class ApiReference
{
    public const string DocumentRoute = "/api/openapi/{documentName}.json";
    public const string PageRoute = "/api/docs";

    public static IServiceCollection AddApiReference(this IServiceCollection services) =>
        services.AddOpenApi("v1", o =>
        {
            // Only the public API: the app's own endpoints (Identity, exports) are not part of it.
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Platform API", Version = "v1",
                    Description = "Workspace API: documents, search. Authenticate with `Authorization: Bearer <API key>` " +
                                  "(workspace settings → API keys). Errors are RFC 9457 problem details.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "A workspace API key (plk_…).",
                };
                document.Security ??= [];
                document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] });
                return Task.CompletedTask;
            });
        });

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi(DocumentRoute);
        // The page's scripts carry the response's CSP nonce (Hosting/ResponseHardening), so the policy stays strict.
        app.MapScalarApiReference(PageRoute, (options, http) =>
        {
            // No remote fonts: the page must work offline and under the CSP (font-src 'self').
            options.WithTitle("Platform API").WithOpenApiRoutePattern(DocumentRoute).DisableDefaultFonts();
            if (http.CspNonce() is { } nonce) options.WithNonce(nonce);
        });
        return app;
    }
}
