using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Platform.Web.Hosting;

namespace Platform.Web.Features.Account;

/// <summary>
/// Absolute links the platform mails out (email confirmation, password reset, change of email, invites) and prints
/// (the admin setup link). They start with Platform:PublicUrl, never with the Host header of the request that
/// caused the mail: a forged Host would otherwise send the victim a reset link to the attacker's server.
/// When PublicUrl is not configured, the first address the server listens on is used (so a run on another port
/// mails links to that port); wildcard hosts (0.0.0.0, +, *, [::]) become "localhost".
/// </summary>
public sealed class PublicLinks(IOptions<PlatformOptions> options, ILogger<PublicLinks> logger, IServer? server = null)
{
    private string? _base;

    public string BaseUrl
    {
        get
        {
            if (_base is not null) return _base;
            var (url, final) = Resolve();
            if (final) _base = url;
            return url;
        }
    }

    /// <summary><paramref name="path"/> relative to the public address, with optional query parameters.</summary>
    public string To(string path, IReadOnlyDictionary<string, string?>? query = null)
    {
        var url = BaseUrl + "/" + path.TrimStart('/');
        return query is null ? url : QueryHelpers.AddQueryString(url, query.Where(q => q.Value is not null)!);
    }

    private (string Url, bool Final) Resolve()
    {
        var configured = options.Value.PublicUrl?.Trim();
        if (!string.IsNullOrEmpty(configured)) return (configured.TrimEnd('/'), true);
        var listening = server?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (listening is null)
            // Before the server started (or with no server: tests, `migrate`). Not cached: it may start later.
            return ("http://localhost:5000", false);
        var resolved = WithoutWildcardHost(listening).TrimEnd('/');
        logger.LogInformation("Platform:PublicUrl is not set: mailed links use {PublicUrl}, the first address the app listens on", resolved);
        return (resolved, true);
    }

    private static string WithoutWildcardHost(string address)
    {
        foreach (var wildcard in new[] { "://0.0.0.0", "://+", "://*", "://[::]" })
            if (address.Contains(wildcard)) return address.Replace(wildcard, "://localhost");
        return address;
    }
}
