using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Web.Features.Account;
using Platform.Web.Features.Mail;
using Platform.Web.Hosting;

namespace Platform.Tests.Mail;

/// <summary>/dev/outbox exists only in Development and only from this machine; the proof cookie is signed; mailed
/// links start with the public address.</summary>
public class DevOutboxAccessTests
{
    private sealed class Env(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "Platform.Web";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    private static DefaultHttpContext From(string ip) => new() { Connection = { RemoteIpAddress = IPAddress.Parse(ip) } };

    [Theory]
    [InlineData("Development", "127.0.0.1", true)]
    [InlineData("Development", "::1", true)]
    [InlineData("Development", "::ffff:127.0.0.1", true)]
    [InlineData("Development", "10.0.0.5", false)]
    [InlineData("Development", "203.0.113.9", false)]
    [InlineData("Production", "127.0.0.1", false)]
    [InlineData("Staging", "127.0.0.1", false)]
    public void Only_Development_and_loopback(string environment, string ip, bool allowed) =>
        Assert.Equal(allowed, DevOutboxAccess.Allowed(new Env(environment), From(ip)));

    [Fact]
    public void The_proof_cookie_round_trips_is_tamper_proof_and_is_never_set_outside_Development()
    {
        var protection = new EphemeralDataProtectionProvider();
        var proof = new OutboxProof(protection, new Env("Development"), TimeProvider.System);
        var response = new DefaultHttpContext();
        proof.Grant(response, "me@mail.test");
        var cookie = response.Response.Headers.SetCookie.ToString();
        var value = cookie[(OutboxProof.CookieName.Length + 1)..cookie.IndexOf(';')];

        var request = new DefaultHttpContext();
        request.Request.Headers.Cookie = $"{OutboxProof.CookieName}={value}";
        Assert.Equal("me@mail.test", proof.Read(request)?.Email);
        request.Request.Headers.Cookie = $"{OutboxProof.CookieName}={value[..^4]}AAAA";
        Assert.Null(proof.Read(request));

        var production = new DefaultHttpContext();
        new OutboxProof(protection, new Env("Production"), TimeProvider.System).Grant(production, "me@mail.test");
        Assert.Empty(production.Response.Headers.SetCookie.ToString());
    }

    private sealed class FakeServer(params string[] addresses) : IServer
    {
        public IFeatureCollection Features { get; } = Make(addresses);
        private static FeatureCollection Make(string[] addresses)
        {
            var feature = new ServerAddressesFeature();
            foreach (var a in addresses) feature.Addresses.Add(a);
            var features = new FeatureCollection();
            features.Set<IServerAddressesFeature>(feature);
            return features;
        }
        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken ct) where TContext : notnull => Task.CompletedTask;
        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
        public void Dispose() { }
    }

    [Fact]
    public void Mailed_links_use_PublicUrl_or_else_the_first_listening_address()
    {
        var configured = new PublicLinks(Options.Create(new PlatformOptions { PublicUrl = "https://platform.example/" }),
            NullLogger<PublicLinks>.Instance, new FakeServer("http://127.0.0.1:8123"));
        Assert.Equal("https://platform.example/Account/ResetPassword?code=a%2Bb",
            configured.To("Account/ResetPassword", new Dictionary<string, string?> { ["code"] = "a+b", ["none"] = null }));

        var listening = new PublicLinks(Options.Create(new PlatformOptions()), NullLogger<PublicLinks>.Instance,
            new FakeServer("http://0.0.0.0:8123", "http://127.0.0.1:9000"));
        Assert.Equal("http://localhost:8123/invite/x", listening.To("/invite/x"));
        Assert.Equal("http://127.0.0.1:8124", new PublicLinks(Options.Create(new PlatformOptions()),
            NullLogger<PublicLinks>.Instance, new FakeServer("http://127.0.0.1:8124")).BaseUrl);
    }
}
