using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Web.Infrastructure;

namespace Platform.Tests.Hosting;

/// <summary>The app's response hardening over real HTTP (Kestrel on 127.0.0.1): headers on every response, a CSP on
/// HTML, Secure cookies when the public address is https, forwarded headers only when behind a proxy.</summary>
public class ResponseHardeningTests
{
    private static async Task<(WebApplication App, HttpClient Client)> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        builder.Services.AddPlatformResponseHardening(builder.Configuration);
        var app = builder.Build();
        app.UsePlatformResponseHardening();
        app.MapGet("/page", () => Results.Content("<!DOCTYPE html><p>hi</p>", "text/html; charset=utf-8"));
        app.MapGet("/data", () => Results.Json(new { ok = true }));
        app.MapGet("/scheme", (HttpContext c) => c.Request.Scheme + " " + c.Connection.RemoteIpAddress);
        app.MapGet("/signin", (HttpContext c) => c.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "a")], "test"))));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(address) });
    }

    [Fact]
    public async Task Every_html_page_carries_the_content_security_policy_and_every_response_the_other_headers()
    {
        var (app, client) = await StartAsync(new());
        await using var _ = app;
        using var __ = client;

        var page = await client.GetAsync("/page");
        var csp = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self' 'nonce-", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.Contains("connect-src 'self'", csp);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", page.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        // A fresh nonce per response.
        var again = string.Join(";", (await client.GetAsync("/page")).Headers.GetValues("Content-Security-Policy"));
        Assert.NotEqual(csp, again);

        var data = await client.GetAsync("/data");
        Assert.False(data.Headers.Contains("Content-Security-Policy"));
        Assert.Equal("nosniff", data.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Theory]
    [InlineData("https://platform.example.com", true)]
    [InlineData("http://127.0.0.1:5000", false)]
    public async Task Cookies_are_secure_when_the_public_address_is_https(string publicUrl, bool secure)
    {
        var (app, client) = await StartAsync(new() { ["Platform:PublicUrl"] = publicUrl });
        await using var _ = app;
        using var __ = client;
        var cookie = (await client.GetAsync("/signin")).Headers.GetValues("Set-Cookie").Single();
        Assert.Equal(secure, cookie.Contains("secure", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(false, "http 127.0.0.1")]
    [InlineData(true, "https 203.0.113.7")]
    public async Task Forwarded_headers_count_only_behind_a_proxy(bool behindProxy, string expected)
    {
        var (app, client) = await StartAsync(new() { ["Platform:BehindProxy"] = behindProxy.ToString() });
        await using var _ = app;
        using var __ = client;
        var request = new HttpRequestMessage(HttpMethod.Get, "/scheme");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        Assert.Equal(expected, await (await client.SendAsync(request)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Trusted_proxies_and_networks_come_from_configuration()
    {
        // Loopback is always trusted (ASP.NET Core's default); the listed proxies and networks are added to it.
        var (app, client) = await StartAsync(new()
        {
            ["Platform:BehindProxy"] = "true",
            ["ForwardedHeaders:KnownProxies:0"] = "10.9.9.9",
            ["ForwardedHeaders:KnownNetworks:0"] = "192.168.10.0/24",
        });
        await using var _ = app;
        using var __ = client;
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ForwardedHeadersOptions>>().Value;
        Assert.Contains(IPAddress.Parse("10.9.9.9"), options.KnownProxies);
        Assert.Contains(options.KnownIPNetworks, n => n.ToString() == "192.168.10.0/24");
    }
}
