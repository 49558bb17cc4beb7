using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Platform.Tests.Workspaces;

/// <summary>
/// A second, throw-away PostgreSQL 15 cluster for "our own database" tests: initdb into the test's temp folder,
/// listening on its own 127.0.0.1 port, run as the postgres OS user when the tests run as root (PostgreSQL
/// refuses root). pgvector is installed system-wide, so CREATE EXTENSION works there for a superuser.
/// It holds the databases a workspace owner would bring, each set up for one scenario.
/// </summary>
public sealed class SecondPostgresCluster : IAsyncLifetime
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    public const string SuperPassword = "second_super";
    public const string OwnerPassword = "ws_owner_pw";

    private string _dir = "";
    public int Port { get; private set; }

    public string Connection(string database, string user, string password) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Database = database, Username = user, Password = password, Pooling = false,
    }.ConnectionString;

    public string Super(string database = "postgres") => Connection(database, "postgres", SuperPassword);

    public async Task InitializeAsync()
    {
        _dir = Path.Combine(Path.GetTempPath(), "platform-pg2-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dir);
        var data = Path.Combine(_dir, "data");
        var pwfile = Path.Combine(_dir, "pw");
        await File.WriteAllTextAsync(pwfile, SuperPassword);
        Port = FreePort();
        var asRoot = Environment.UserName == "root";
        if (asRoot) await RunAsync("chown", $"-R postgres:postgres {_dir}");
        await PgAsync(asRoot, "initdb", $"-D {data} -U postgres --pwfile={pwfile} --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-sync");
        await PgAsync(asRoot, "pg_ctl", $"-D {data} -l {_dir}/log -w -t 60 -o \"-p {Port} -k {_dir} -c listen_addresses=127.0.0.1 -c fsync=off\" start");

        foreach (var sql in new[]
                 {
                     // One dedicated role per database: a role owning other databases is refused.
                     $"CREATE ROLE ws_owner LOGIN PASSWORD '{OwnerPassword}'",
                     $"CREATE ROLE ws_delete_owner LOGIN PASSWORD '{OwnerPassword}'",
                     $"CREATE ROLE ws_owner2 LOGIN PASSWORD '{OwnerPassword}'",
                     $"CREATE ROLE ws_bypass LOGIN BYPASSRLS PASSWORD '{OwnerPassword}'",
                     $"CREATE ROLE ws_flagged LOGIN PASSWORD '{OwnerPassword}'",
                     $"CREATE ROLE ws_grouped LOGIN PASSWORD '{OwnerPassword}'",
                     "CREATE ROLE some_group NOLOGIN", "GRANT some_group TO ws_grouped",
                     $"CREATE ROLE no_vector LOGIN PASSWORD '{OwnerPassword}'",
                     $"CREATE ROLE broken_owner LOGIN PASSWORD '{OwnerPassword}'",
                     "CREATE DATABASE ws_ready OWNER ws_owner", "CREATE DATABASE ws_delete OWNER ws_delete_owner",
                     "CREATE DATABASE ws_bypass OWNER ws_bypass", "CREATE DATABASE ws_ready2 OWNER ws_owner2", "CREATE DATABASE ws_flagged OWNER ws_flagged",
                     "CREATE DATABASE ws_grouped OWNER ws_grouped", "CREATE DATABASE ws_twice OWNER ws_grouped",
                     "CREATE DATABASE ws_novector OWNER no_vector", "CREATE DATABASE ws_broken OWNER broken_owner",
                     "CREATE DATABASE ws_super",
                 })
            await ExecAsync(Super(), sql); // CREATE DATABASE cannot share a batch
        // The usual hosted setup: a DBA enabled pgvector, the workspace's role owns the database.
        foreach (var db in new[] { "ws_ready", "ws_ready2", "ws_delete", "ws_broken", "ws_super", "ws_bypass", "ws_flagged", "ws_grouped" })
            await ExecAsync(Super(db), "CREATE EXTENSION vector");
        // A database someone else already put a "tenant" schema in, which the given role may not write to.
        await ExecAsync(Super("ws_broken"), "CREATE SCHEMA tenant; REVOKE ALL ON SCHEMA tenant FROM PUBLIC;");
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        var asRoot = Environment.UserName == "root";
        try { await PgAsync(asRoot, "pg_ctl", $"-D {_dir}/data -m immediate -w stop"); }
        finally { try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } }
    }

    public static async Task ExecAsync(string connectionString, string sql)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    /// <summary>A 127.0.0.1 port nothing listens on (for "unreachable").</summary>
    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static Task PgAsync(bool asRoot, string tool, string args) =>
        asRoot ? RunAsync("runuser", $"-u postgres -- {Bin}/{tool} {args}") : RunAsync($"{Bin}/{tool}", args);

    private static async Task RunAsync(string file, string args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {args} failed ({p.ExitCode}): {await stderr} {await stdout}");
    }
}
