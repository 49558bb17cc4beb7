using System.Net;
using System.Net.Sockets;

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

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return false;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 || b[0] >= 224                    // this network, private, loopback, multicast/reserved
                     || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168)
                     || (b[0] == 169 && b[1] == 254)                          // link-local (cloud metadata)
                     || (b[0] == 100 && b[1] is >= 64 and <= 127));          // carrier-grade NAT
        }
        var v6 = address.GetAddressBytes();
        return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (v6[0] & 0xFE) == 0xFC);
    }

    public const string Unresolvable = "The repository's host could not be found.";

    /// <summary>Null when the host may be contacted, else the refusal; with the addresses git must use for it
    /// (empty for an address literal, which needs no lookup).</summary>
    public static async Task<(string? Refusal, IReadOnlyList<IPAddress> Addresses)> CheckAsync(string host, CancellationToken ct)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal)) return (IsPublic(literal) ? null : Refusal, []);
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)) return (Refusal, []);
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, ct);
            if (addresses.Length == 0) return (Unresolvable, []);
            return addresses.All(IsPublic) ? (null, addresses) : (Refusal, []);
        }
        catch (SocketException)
        {
            return (Unresolvable, []);
        }
    }

    /// <summary>git's global options that make its HTTP client use exactly these addresses for host:port
    /// (curl's resolve list, git ≥ 2.37); none when there is nothing to pin.</summary>
    public static IReadOnlyList<string> PinArguments(string host, int port, IReadOnlyList<IPAddress> addresses) =>
        addresses.Count == 0 ? []
            : ["-c", $"http.curloptResolve={host}:{port}:" + string.Join(',', addresses.Select(a =>
                a.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{a}]" : a.ToString()))];
}
