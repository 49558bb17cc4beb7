using System.Net;
using System.Net.Sockets;

namespace Platform.Web.Infrastructure.Network;

/// <summary>An outbound connection was refused by <see cref="OutboundAddressGuard"/> before it was made.</summary>
public sealed class OutboundAddressRefusedException(OutboundRefusal refusal)
    : IOException(refusal == OutboundRefusal.Unresolvable ? "The host could not be found." : "The host is on a private or local network.")
{
    public OutboundRefusal Refusal { get; } = refusal;
}

/// <summary>
/// HTTP for addresses users typed (a workspace's AI endpoint): every new connection goes through
/// <see cref="OutboundAddressGuard"/> in the handler's ConnectCallback, which resolves the host once, checks the
/// addresses and connects to exactly those (TLS still validates the certificate against the host name, since the
/// handler negotiates TLS on the returned stream). Redirects are not followed (a redirect could lead anywhere)
/// and no proxy is used (a proxy would resolve the name itself).
/// </summary>
public static class PinnedHttp
{
    public static SocketsHttpHandler CreateHandler(bool allowPrivateNetworks, TimeSpan? connectTimeout = null) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(2), // new connections re-check the name now and then
        ConnectCallback = (context, ct) => ConnectAsync(context.DnsEndPoint, allowPrivateNetworks, ct),
    };

    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, bool allowPrivateNetworks, CancellationToken ct)
    {
        var check = await OutboundAddressGuard.CheckAsync(endpoint.Host, allowPrivateNetworks, ct);
        if (!check.Allowed) throw new OutboundAddressRefusedException(check.Refusal);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // The checked addresses, not the name: no second lookup between the check and the connection.
            await socket.ConnectAsync(check.Addresses.ToArray(), endpoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
