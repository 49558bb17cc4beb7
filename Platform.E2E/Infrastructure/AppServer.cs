using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;
using Platform.Tests.Infrastructure;

namespace Platform.E2E.Infrastructure;

/// <summary>
/// The real app as a separate process (the same dll `./platform run` serves), on a free 127.0.0.1 port, with a
/// fresh main database of its own on the project-local cluster. Started once per test collection.
/// </summary>
public sealed class AppServer : IAsyncLifetime
{
    public string BaseUrl { get; private set; } = "";
    public string Database { get; } = $"e2e_{Guid.NewGuid():N}";
    private Process? _process;
    private string? _certificate;
    private readonly StringBuilder _output = new();

    public static readonly string AppTemplate = Environment.GetEnvironmentVariable("Database__Main")
        ?? "Host=127.0.0.1;Port=55432;Database=platform;Username=platform_app;Password=platform_app_dev";
    public static readonly string OwnerTemplate = Environment.GetEnvironmentVariable("Database__MainOwner")
        ?? "Host=127.0.0.1;Port=55432;Database=platform;Username=platform_owner;Password=platform_owner_dev";

    /// <summary>Extra environment for the app (e.g. Ai__Chat__BaseUrl for a test's provider server).</summary>
    public Dictionary<string, string> Environment_ { get; } = new();

    public string OutputSoFar { get { lock (_output) return _output.ToString(); } }

    public async Task InitializeAsync()
    {
        await ExecuteAsOwnerAsync($"CREATE DATABASE \"{Database}\"");
        var port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        var web = Path.Combine(RepositoryRoot(), "Platform.Web");
        var dll = WebDll();
        if (!File.Exists(dll)) throw new FileNotFoundException($"Build Platform.Web first ({dll} is missing)");

        var start = new ProcessStartInfo("dotnet", $"\"{dll}\"")
        {
            WorkingDirectory = web,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_URLS"] = BaseUrl;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Database__Mode"] = "Local";
        start.Environment["Database__Main"] = WithDatabase(AppTemplate);
        start.Environment["Database__MainOwner"] = WithDatabase(OwnerTemplate);
        start.Environment["Platform__PublicUrl"] = BaseUrl;
        // The key ring in this server's database is encrypted like in production (./platform uses .data/dataprotection.pfx).
        _certificate = ThrowAwayCertificate.WritePfx();
        start.Environment["DataProtection__CertificatePath"] = _certificate;
        foreach (var (k, v) in Environment_) start.Environment[k] = v;

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitHealthyAsync(TimeSpan.FromSeconds(120));
    }

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (_process!.HasExited) throw new InvalidOperationException($"The app exited ({_process.ExitCode}):\n{OutputSoFar}");
            try
            {
                var response = await http.GetAsync($"{BaseUrl}/health");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException($"The app did not become healthy at {BaseUrl}:\n{OutputSoFar}");
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        if (_certificate is not null) File.Delete(_certificate);
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsOwnerAsync($"DROP DATABASE IF EXISTS \"{Database}\" WITH (FORCE)");
    }

    /// <summary>Runs SQL as the owner role in this server's database (test setup and inspection only).</summary>
    public async Task<object?> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var c = new NpgsqlConnection(WithDatabase(OwnerTemplate));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        return await cmd.ExecuteScalarAsync();
    }

    private string WithDatabase(string template) => new NpgsqlConnectionStringBuilder(template) { Database = Database }.ConnectionString;

    private static async Task ExecuteAsOwnerAsync(string sql)
    {
        await using var c = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(OwnerTemplate) { Database = "postgres" }.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Path of the app's dll as built alongside these tests.</summary>
    public static string WebDll() => Path.Combine(RepositoryRoot(), "Platform.Web", "bin", BuildConfiguration(), "net10.0", "Platform.Web.dll");

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Platform.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("Platform.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Debug or Release: whichever this test assembly was built as (the app is built alongside).</summary>
    private static string BuildConfiguration() =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
}
