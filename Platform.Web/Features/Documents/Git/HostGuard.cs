using System.Net;
using System.Net.Sockets;

namespace Platform.Web.Features.Documents.Git;

/// <summary>
/// Keeps users from pointing the server's git at its own network (cloud metadata endpoints, internal services):
/// a repository host that is, or resolves to, a loopback, private, link-local or otherwise non-public address is
/// refused unless Documents:Git:AllowPrivateNetworks is set. Redirects are not followed either (see GitCli). A host
/// that does not resolve here is left to git, which fails the same way.
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

    /// <summary>Null when the host may be contacted, else the refusal.</summary>
    public static async Task<string?> CheckAsync(string host, CancellationToken ct)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal)) return IsPublic(literal) ? null : Refusal;
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)) return Refusal;
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, ct);
            return addresses.All(IsPublic) ? null : Refusal;
        }
        catch (SocketException)
        {
            return null; // unresolvable here: git reports "could not resolve host"
        }
    }
}
