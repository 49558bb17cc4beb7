using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.HttpOverrides;
using Platform.Web.Hosting;

namespace Platform.Web.Infrastructure;

/// <summary>Security settings of the "Platform" section (bound next to <see cref="PlatformOptions"/>).</summary>
public sealed class PlatformSecurityOptions
{
    /// <summary>The app runs behind a TLS-terminating reverse proxy: honour X-Forwarded-For/-Proto from the proxies
    /// listed under "ForwardedHeaders" (loopback when none are listed).</summary>
    public bool BehindProxy { get; set; }

    /// <summary>A platform admin without two-factor authentication who opens the admin console is sent to set it up.</summary>
    public bool RequireAdminTwoFactor { get; set; }

    public string PublicUrl { get; set; } = "";
}

/// <summary>The "ForwardedHeaders" section: which proxies may tell the app the client's address and scheme.</summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "ForwardedHeaders";

    /// <summary>IP addresses of trusted proxies, e.g. "10.0.0.5".</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Trusted proxy networks in CIDR notation, e.g. "10.0.0.0/8".</summary>
    public string[] KnownNetworks { get; set; } = [];
}

/// <summary>
/// Response hardening: a Content-Security-Policy on every HTML response, nosniff, a strict referrer policy and no
/// framing; cookies marked Secure when the public address is https; forwarded headers behind a TLS proxy.
/// </summary>
public static class ResponseHardening
{
    /// <summary>Per-request nonce for the one inline script Blazor renders (the import map); see App.razor.</summary>
    public const string CspNonceKey = "platform.csp-nonce";

    public static IServiceCollection AddPlatformResponseHardening(this IServiceCollection services, IConfiguration configuration)
    {
        var platform = configuration.GetSection(PlatformOptions.Section);
        services.AddOptions<PlatformSecurityOptions>().Bind(platform);

        // Secure cookies whenever people reach the app over https (directly or through the proxy); plain http
        // (local development) keeps working.
        var publicUrl = platform["PublicUrl"];
        var secure = publicUrl?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) == true
            ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        services.ConfigureAll<CookieAuthenticationOptions>(o => o.Cookie.SecurePolicy = secure);
        services.Configure<AntiforgeryOptions>(o => o.Cookie.SecurePolicy = secure);

        var forwarded = configuration.GetSection(ForwardedHeadersSettings.Section).Get<ForwardedHeadersSettings>() ?? new();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            // Host is not taken from the proxy: links the platform sends come from Platform:PublicUrl.
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in forwarded.KnownProxies) o.KnownProxies.Add(IPAddress.Parse(proxy));
            foreach (var network in forwarded.KnownNetworks) o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
        return services;
    }

    /// <summary>Runs first in the pipeline, so every later middleware sees the client's scheme and address.</summary>
    public static WebApplication UsePlatformResponseHardening(this WebApplication app)
    {
        if (app.Configuration.GetValue<bool>("Platform:BehindProxy")) app.UseForwardedHeaders();
        // "Sign in with …" posts to this app, which redirects to the provider: form-action must allow its origin.
        var ssoOrigins = string.Join("", (app.Services.GetService<Platform.Web.Features.Account.Sso.SsoProviders>()?.AuthorityOrigins ?? [])
            .Select(o => " " + o));
        app.Use((context, next) =>
        {
            var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            context.Items[CspNonceKey] = nonce;
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                headers.XFrameOptions = "DENY";
                if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
                    headers.ContentSecurityPolicy = ContentSecurityPolicy(nonce, ssoOrigins);
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }

    /// <summary>
    /// What Blazor Server and MudBlazor need, nothing more: scripts only from this origin (plus the nonce'd import
    /// map; Blazor Server needs no eval), styles inline too (MudBlazor sets style attributes and writes its theme
    /// into a style element), the circuit's WebSocket back to this origin ('self' covers ws/wss of the same host),
    /// images from here or data: URIs (MudBlazor's icons), no plugins, no framing, forms posting only here.
    /// </summary>
    /// <param name="formTargets">Extra origins forms may lead to (single sign-on providers), space-separated with a leading space.</param>
    public static string ContentSecurityPolicy(string nonce, string formTargets = "") =>
        "default-src 'self'; " +
        $"script-src 'self' 'nonce-{nonce}'; " +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; " +
        "font-src 'self' data:; " +
        "connect-src 'self'; " +
        "object-src 'none'; " +
        "base-uri 'self'; " +
        $"form-action 'self'{formTargets}; " +
        "frame-ancestors 'none'";

    public static string? CspNonce(this HttpContext? context) => context?.Items[CspNonceKey] as string;
}
