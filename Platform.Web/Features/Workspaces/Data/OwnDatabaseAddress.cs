using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Tenancy;
using Platform.Web.Infrastructure.Network;

namespace Platform.Web.Features.Workspaces;

/// <summary>
/// Where the platform may connect for a workspace's own PostgreSQL database (<see cref="IOwnDatabaseGate"/>).
/// Always refused: Unix-socket hosts (a path or '@name': the server's local trust socket is how a "superuser
/// without password" reached the platform's own cluster), several hosts at once, anything that is not a plain host
/// name or address, and the platform's own database servers — the host and port of every Database:* connection
/// string, compared after resolving both (so localhost, 127.0.0.1, ::1, this machine's other addresses and a
/// 0.0.0.0 listen are one server). Refused unless Database:OwnDatabases:AllowPrivateNetworks: hosts that resolve to
/// loopback, private, link-local or other non-public addresses (<see cref="OutboundAddressGuard"/>). The host is
/// resolved once and the connection string handed back names the checked address, so Npgsql never looks the name
/// up again (DNS rebinding). Own databases take no TLS host-name check today (SSL mode Require/Prefer), so the
/// address literal changes nothing there; the stored string keeps the name for display.
/// </summary>
public sealed partial class OwnDatabaseAddress(IOptions<DatabaseOptions> options, ILogger<OwnDatabaseAddress> logger) : IOwnDatabaseGate
{
    /// <summary>The one message for every refused host (private, loopback, the platform's own servers), given
    /// before any connection is attempted: it says nothing about what listens there.</summary>
    public const string Refused = "The platform cannot connect to this host: its own database servers, and loopback, " +
        "private or link-local addresses, are not allowed for a workspace's database. Enter your database server's public host name or address.";

    public const string SocketRefused = "Unix-socket paths are not allowed as a host: enter your database server's host name or address.";
    public const string SeveralHostsRefused = "Enter one host only (several hosts separated by commas are not supported).";
    public const string InvalidHost = "That is not a valid host name or address.";
    public const string Unresolvable = "The host could not be found. Check the host name.";

    private static readonly TimeSpan PlatformServersFor = TimeSpan.FromMinutes(5);
    private (IReadOnlyList<IPEndPoint> Servers, DateTimeOffset Until)? _platform;
    private IReadOnlySet<long>? _systemIds;

    public async Task<OwnDatabaseTarget> CheckAsync(string connectionString, bool alreadyConnected, CancellationToken ct = default)
    {
        NpgsqlConnectionStringBuilder b;
        try { b = new NpgsqlConnectionStringBuilder(connectionString); }
        catch (ArgumentException) { return OwnDatabaseTarget.Refuse(InvalidHost); }
        var host = (b.Host ?? "").Trim();
        if (SyntaxRefusal(host) is { } bad) return OwnDatabaseTarget.Refuse(bad);
        var port = b.Port > 0 ? b.Port : NpgsqlConnection.DefaultPort;

        // Resolve once, allowing private addresses here: the platform-server rule is checked on the same addresses.
        var check = await OutboundAddressGuard.CheckAsync(host, allowPrivateNetworks: true, ct);
        if (!check.Allowed) return OwnDatabaseTarget.Refuse(Unresolvable); // never connect by a name nobody checked
        var platformServers = await PlatformServersAsync(ct);
        if (check.Addresses.Any(a => platformServers.Any(s => s.Port == port && SameServer(a, s.Address))))
        {
            logger.LogWarning("An own database pointing at the platform's own database server {Host}:{Port} was refused", host, port);
            return OwnDatabaseTarget.Refuse(Refused);
        }
        string? warning = null;
        if (!options.Value.OwnDatabases.AllowPrivateNetworks && !check.Addresses.All(OutboundAddressGuard.IsPublic))
        {
            if (!alreadyConnected) return OwnDatabaseTarget.Refuse(Refused);
            warning = "This database's host is on a loopback, private or link-local network, which new connections may no " +
                      "longer use. It keeps working; move it to a public address (or ask the operator to allow private networks).";
        }

        // Pin: the checked address (IPv4 first: the usual one), never the name again.
        var address = check.Addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).First();
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        b.Host = address.ToString();
        b.Port = port;
        return new OwnDatabaseTarget(b.ConnectionString, null, warning);
    }

    /// <summary>The system identifiers of the platform's own clusters (pg_control_system(), the same on a cluster's
    /// replicas): an own database whose server reports one of them is the platform's, whatever address reached it.
    /// Read once per process through the platform's own connections; a cluster that cannot be asked is left out
    /// (the address rule still holds) and asked again next time.</summary>
    public async Task<IReadOnlySet<long>> PlatformSystemIdentifiersAsync(CancellationToken ct = default)
    {
        if (_systemIds is { } known) return known;
        var ids = new HashSet<long>();
        var complete = true;
        foreach (var cs in options.Value.PlatformConnectionStrings().Distinct())
        {
            try
            {
                var b = new NpgsqlConnectionStringBuilder(cs) { Pooling = false, Timeout = 5 };
                await using var c = new NpgsqlConnection(b.ConnectionString);
                await c.OpenAsync(ct);
                await using var cmd = new NpgsqlCommand("SELECT system_identifier FROM pg_catalog.pg_control_system()", c);
                if (await cmd.ExecuteScalarAsync(ct) is long id) ids.Add(id);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or SocketException)
            {
                complete = false;
                logger.LogWarning("The system identifier of a platform database could not be read: {Reason}", e.Message);
            }
        }
        if (complete) _systemIds = ids;
        return ids;
    }

    /// <summary>Refusals that need no lookup: sockets, several hosts, host:port forms, stray characters.</summary>
    public static string? SyntaxRefusal(string host)
    {
        if (host.Length == 0) return InvalidHost;
        if (host.StartsWith('/') || host.StartsWith('@') || host.Contains('\\') || Path.IsPathRooted(host)) return SocketRefused;
        if (host.Contains(',')) return SeveralHostsRefused;
        if (IPAddress.TryParse(host, out var literal))
            // "[::1]:5432"-like strings also parse; only a bare address literal is one.
            return literal.ToString().Equals(host, StringComparison.OrdinalIgnoreCase) || IPv4Literal().IsMatch(host) ? null : InvalidHost;
        return host.Length <= 253 && HostName().IsMatch(host) ? null : InvalidHost;
    }

    /// <summary>The platform's own servers: every Database:* connection string's host, resolved, and port.</summary>
    private async Task<IReadOnlyList<IPEndPoint>> PlatformServersAsync(CancellationToken ct)
    {
        if (_platform is { } cached && cached.Until > DateTimeOffset.UtcNow) return cached.Servers;
        var servers = new List<IPEndPoint>();
        foreach (var cs in options.Value.PlatformConnectionStrings())
        {
            var b = new NpgsqlConnectionStringBuilder(cs);
            var port = b.Port > 0 ? b.Port : NpgsqlConnection.DefaultPort;
            foreach (var h in (b.Host ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var (name, hostPort) = SplitHostPort(h, port);
                if (name.StartsWith('/') || name.StartsWith('@'))
                {
                    // The platform talks to its cluster over a local socket: that cluster is on this machine.
                    servers.Add(new IPEndPoint(IPAddress.Loopback, hostPort));
                    continue;
                }
                var resolved = await OutboundAddressGuard.CheckAsync(name, allowPrivateNetworks: true, ct);
                servers.AddRange(resolved.Addresses.Select(a => new IPEndPoint(a, hostPort)));
            }
        }
        _platform = (servers, DateTimeOffset.UtcNow + PlatformServersFor);
        return servers;
    }

    private static (string Host, int Port) SplitHostPort(string host, int port)
    {
        var colon = host.LastIndexOf(':');
        if (colon > 0 && host.IndexOf(':') == colon && int.TryParse(host[(colon + 1)..], out var p)) return (host[..colon], p);
        return (host.Trim('[', ']'), port);
    }

    /// <summary>Same server: the same address, or both addresses of this machine (loopback, a wildcard listen
    /// address, or one of its interfaces' addresses — a cluster on 127.0.0.1 that listens on * is reachable
    /// through all of them).</summary>
    public static bool SameServer(IPAddress a, IPAddress b)
    {
        a = a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;
        b = b.IsIPv4MappedToIPv6 ? b.MapToIPv4() : b;
        return a.Equals(b) || (IsThisMachine(a) && IsThisMachine(b));
    }

    private static bool IsThisMachine(IPAddress a) =>
        IPAddress.IsLoopback(a) || a.Equals(IPAddress.Any) || a.Equals(IPAddress.IPv6Any) || LocalAddresses.Value.Contains(a);

    private static readonly Lazy<HashSet<IPAddress>> LocalAddresses = new(() =>
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces().SelectMany(i => i.GetIPProperties().UnicastAddresses)
                .Select(u => u.Address.IsIPv4MappedToIPv6 ? u.Address.MapToIPv4() : u.Address).ToHashSet();
        }
        catch (NetworkInformationException) { return []; }
    });

    [GeneratedRegex(@"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$")]
    private static partial Regex HostName();

    [GeneratedRegex(@"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$")]
    private static partial Regex IPv4Literal();
}
