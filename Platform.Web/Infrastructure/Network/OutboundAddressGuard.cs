using System.Net;
using System.Net.Sockets;

namespace Platform.Web.Infrastructure.Network;

/// <summary>Why a host may not be contacted (or <see cref="None"/>).</summary>
public enum OutboundRefusal { None, PrivateNetwork, Unresolvable }

/// <summary>The outcome of checking a host: the addresses that were checked (connect to these, never to a fresh
/// lookup of the name), or why the host is refused.</summary>
public sealed record OutboundCheck(OutboundRefusal Refusal, IReadOnlyList<IPAddress> Addresses)
{
    public bool Allowed => Refusal == OutboundRefusal.None;
}

/// <summary>
/// The one outbound address guard of the app (Git import, workspace AI endpoints, own-database hosts): keeps users
/// from pointing the server at its own network (cloud metadata endpoints, internal services, the platform's own
/// databases). A host is resolved ONCE; it is refused when any of its addresses is loopback, private (RFC 1918,
/// carrier-grade NAT, IPv6 ULA), link-local, unspecified, multicast or otherwise not public, unless the caller's
/// AllowPrivateNetworks setting is on; a host that does not resolve is refused. Callers then connect to exactly
/// the addresses returned (git's resolve list, <see cref="PinnedHttp"/>, the own-database connection string), so a
/// second lookup cannot answer differently (DNS rebinding).
/// </summary>
public static class OutboundAddressGuard
{
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || address.Equals(IPAddress.None) || address.Equals(IPAddress.IPv6None)) return false;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 || b[0] >= 224                    // this network, private, loopback, multicast/reserved
                     || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168)
                     || (b[0] == 169 && b[1] == 254)                          // link-local (cloud metadata)
                     || (b[0] == 100 && b[1] is >= 64 and <= 127)             // carrier-grade NAT
                     || (b[0] == 192 && b[1] == 0 && b[2] == 0)               // IETF protocol assignments
                     || (b[0] == 198 && b[1] is 18 or 19));                   // benchmarking
        }
        var v6 = address.GetAddressBytes();
        // NAT64 (64:ff9b::/96) and IPv4-compatible (::a.b.c.d) addresses carry an IPv4 address: judge that one.
        if (v6[0] == 0 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b && v6[4..12].All(x => x == 0)
            || v6[..12].All(x => x == 0))
            return IsPublic(new IPAddress(v6[12..]));
        return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                 || (v6[0] & 0xFE) == 0xFC);                                  // unique local fc00::/7
    }

    /// <summary>"localhost" and "*.localhost" are loopback by definition (RFC 6761), whatever a resolver says.</summary>
    public static bool IsLocalhostName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

    /// <summary>Resolves <paramref name="host"/> once (an address literal is itself) and checks every address.</summary>
    public static async Task<OutboundCheck> CheckAsync(string host, bool allowPrivateNetworks, CancellationToken ct)
    {
        host = host.Trim();
        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal)) addresses = [literal];
        else if (IsLocalhostName(host) && !allowPrivateNetworks) return new(OutboundRefusal.PrivateNetwork, []);
        else
        {
            try { addresses = await Dns.GetHostAddressesAsync(host, ct); }
            catch (Exception e) when (e is SocketException or ArgumentException) { return new(OutboundRefusal.Unresolvable, []); }
            if (addresses.Length == 0) return new(OutboundRefusal.Unresolvable, []);
        }
        if (!allowPrivateNetworks && !addresses.All(IsPublic)) return new(OutboundRefusal.PrivateNetwork, []);
        return new(OutboundRefusal.None, addresses);
    }
}
