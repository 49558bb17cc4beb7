using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Platform.Web.Features.Api.Keys;

/// <summary>
/// <c>Authorization: Bearer plk_…</c> → the key's identity as claims (workspace, key, creator, scopes). Only the
/// /api/v1 endpoints ask for this scheme; the app's cookies never authenticate an API call, and a key never signs
/// anyone into the UI. Challenges and refusals answer as problem details.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, WorkspaceApiKeys keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "PlatformApiKey";
    public const string WorkspaceClaim = "platform:workspace";
    public const string KeyClaim = "platform:api_key";
    public const string ScopeClaim = "scope";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var presented = header["Bearer ".Length..].Trim();
        if (await keys.AuthenticateAsync(presented, Context.RequestAborted) is not { } key)
            return AuthenticateResult.Fail(WorkspaceApiKeys.InvalidKeyMessage);
        Context.Items[typeof(ApiKeyIdentity)] = key;
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, key.CreatorId.ToString()),
                new Claim(WorkspaceClaim, key.WorkspaceId.ToString()),
                new Claim(KeyClaim, key.KeyId.ToString()),
                .. key.Scopes.Select(s => new Claim(ScopeClaim, s)),
            ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return ApiProblems.Write(Context, ApiFailure.Unauthenticated, WorkspaceApiKeys.InvalidKeyMessage);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.Write(Context, ApiFailure.Forbidden, "This API key may not do that.");
}
