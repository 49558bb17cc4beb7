using System.Net;
using System.Net.Sockets;
using Platform.Web.Infrastructure.Network;

namespace Platform.Web.Features.Documents.Git;

/// <summary>
/// Keeps users from pointing the server's git at its own network (cloud metadata endpoints, internal services):
/// a repository host that is, or resolves to, a loopback, private, link-local or otherwise non-public address is
/// refused unless Documents:Git:AllowPrivateNetworks is set. Redirects are not followed either (see GitCli). The
/// addresses vetted here are handed to git (<see cref="PinArguments"/>), so git cannot look the name up again and
/// get a private address the second time (DNS rebinding). A host that does not resolve is refused.
/// </summary>
public static class HostGuard
{
    public const string Refusal = "That host is on a private or local network; only public repositories can be imported.";

    public static bool IsPublic(IPAddress address) => OutboundAddressGuard.IsPublic(address);

    public const string Unresolvable = "The repository's host could not be found.";

    /// <summary>Null when the host may be contacted, else the refusal; with the addresses git must use for it
    /// (empty for an address literal, which needs no lookup). The check itself is the app's one
    /// <see cref="OutboundAddressGuard"/>.</summary>
    public static async Task<(string? Refusal, IReadOnlyList<IPAddress> Addresses)> CheckAsync(string host, CancellationToken ct)
    {
        var check = await OutboundAddressGuard.CheckAsync(host, allowPrivateNetworks: false, ct);
        return check.Refusal switch
        {
            OutboundRefusal.PrivateNetwork => (Refusal, []),
            OutboundRefusal.Unresolvable => (Unresolvable, []),
            _ => (null, IPAddress.TryParse(host.Trim('[', ']'), out _) ? [] : check.Addresses),
        };
    }

    /// <summary>git's global options that make its HTTP client use exactly these addresses for host:port
    /// (curl's resolve list, git ≥ 2.37); none when there is nothing to pin.</summary>
    public static IReadOnlyList<string> PinArguments(string host, int port, IReadOnlyList<IPAddress> addresses) =>
        addresses.Count == 0 ? []
            : ["-c", $"http.curloptResolve={host}:{port}:" + string.Join(',', addresses.Select(a =>
                a.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{a}]" : a.ToString()))];
}
